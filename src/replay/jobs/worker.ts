// A `replay --jobs` worker: reads its shares of the logs and sends, line by
// line, the facts the main thread's tally will ask for (see recordedFacts.ts).
// The expensive part of a replay — parsing, resolving requests, deciding,
// measuring — happens here, in parallel; the main thread only counts.
import { createReadStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { AttributeCache } from '../attributeCache.js';
import { LineSplitter, readLineRange } from '../lines.js';
import { TextLineFacts } from '../lineFacts.js';
import { ReplayTally } from '../tally.js';
import type { LineRecord } from './recordedFacts.js';
import { RecordingFacts } from './recordedFacts.js';
import { BATCHES_IN_FLIGHT, type FromWorker, type ToWorker, type Unit, type WorkerSetup } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('replay worker: not started as a worker thread');
// A worker outlives one replay (its compiled code stays warm): each replay sets it up anew.
let setup: WorkerSetup;
let attributeCache: AttributeCache;
let tailEver = false;

function configure(next: WorkerSetup): void {
  setup = next;
  attributeCache = new AttributeCache();
  // Whether any decision can write RequestReceived: then samples carry the response tail (see RecordingFacts).
  tailEver = [setup.tally.policy, setup.tally.baseline].some(
    (p) =>
      p !== undefined &&
      !p.omitStages.includes('RequestReceived') &&
      p.rules.some((rule) => rule.level !== 'None' && !rule.omitStages.includes('RequestReceived')),
  );
}

let inFlight = 0;
let acked: (() => void) | undefined;
const send = (message: FromWorker) => port.postMessage(message);

async function flowControl(): Promise<void> {
  while (inFlight >= BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (acked = resolve));
}

async function runUnit(unit: Unit): Promise<void> {
  // A tally of the unit's own, so that later events of requests begun in it take the short way.
  const tally = new ReplayTally({ ...setup.tally, attributeCache });
  const context = tally.factContext;
  let records: LineRecord[] = [];
  let batchOffset = -1;
  const flush = async () => {
    if (records.length === 0) return;
    send({ type: 'batch', unit: unit.index, records: JSON.stringify(records), offset: batchOffset });
    inFlight++;
    records = [];
    batchOffset = -1;
    await flowControl();
  };
  const onLine = (text: string, bytes: number, offset: number) => {
    if (batchOffset === -1) batchOffset = offset;
    const facts = new RecordingFacts(new TextLineFacts(context, text, bytes), context, tailEver, bytes);
    if (unit.gzip) {
      // A compressed file cannot be read again at an offset: every fact goes along.
      facts.complete();
    } else {
      tally.onLineFacts(unit.file, 0, facts);
      // Cheap, and what the main thread asks first of a line of a request begun before this unit.
      if (facts.record.b === undefined && facts.record.h === undefined) facts.head();
    }
    records.push(facts.record);
  };
  if (unit.gzip) {
    let offset = 0;
    const raw = createReadStream(unit.file);
    const source = raw.pipe(createGunzip({ chunkSize: 1 << 18 }));
    raw.on('error', (err) => source.destroy(err));
    const splitter = new LineSplitter((text, _n, bytes) => {
      onLine(text, bytes, offset);
      offset += bytes;
    });
    for await (const chunk of source as AsyncIterable<Buffer>) {
      splitter.push(chunk);
      await flush();
    }
    splitter.end();
  } else {
    await readLineRange(unit.file, unit.start, unit.end, onLine, { onChunk: flush });
  }
  await flush();
  send({ type: 'done', unit: unit.index });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'setup') configure(message.setup);
  else if (message.type === 'ack') {
    inFlight--;
    const resolve = acked;
    acked = undefined;
    resolve?.();
  } else if (message.type === 'unit') {
    runUnit(message.unit).catch((err: unknown) =>
      send({ type: 'error', unit: message.unit.index, message: err instanceof Error ? err.message : String(err) }),
    );
  }
});
