// A `replay --jobs` worker: counts its units (ranges of the logs) with a tally
// of its own and posts, per unit, the counts, the requests still open at the
// unit's end and the lines it handed back (see rangeDeferral.ts). Reading,
// parsing, deciding and counting all happen here, in parallel; the main thread
// only joins the units (foldUnit.ts).
import { parentPort } from 'node:worker_threads';
import { AttributeCache } from '../attributeCache.js';
import { readLineRange, readLines } from '../lines.js';
import { ReplayTally } from '../tally.js';
import { encodeCarried } from './carriedRequests.js';
import { positionIn, type DeferredLine, type FromWorker, type ToWorker, type Unit, type UnitResult, type WorkerSetup } from './protocol.js';
import { RangeDeferral } from './rangeDeferral.js';

const port = parentPort;
if (port === null) throw new Error('replay worker: not started as a worker thread');
// A worker outlives one replay (its compiled code stays warm): each replay sets it up anew.
let setup: WorkerSetup;
let attributeCache: AttributeCache;

// The filter is moved, not copied: the worker is done with it (128 KiB a unit, cloned twice before).
const send = (message: FromWorker) => port.postMessage(message, message.type === 'result' ? [message.result.firstSeen.buffer] : []);

/**
 * After this many lines, a worker that handed back most of them stops: the main
 * thread would count them all anyway (e.g. a log whose requests begin without
 * RequestReceived cut into ranges hardly longer than the lines handed back at
 * their start, see rangeDeferral.ts), so it counts the unit itself instead.
 */
const GIVE_UP_AFTER_LINES = 2048;
const givingUp = new Error('most lines handed back');

async function countUnit(unit: Unit): Promise<UnitResult | undefined> {
  const handBackLines = setup.handBackLines;
  const deferral = new RangeDeferral(handBackLines);
  const tally = new ReplayTally({ ...setup.tally, attributeCache }, deferral);
  const deferred: DeferredLine[] = [];
  let lines = 0;
  let bytes = 0;
  const onLine = (text: string, lineBytes: number) => {
    const ordinal = ++lines;
    deferral.ordinal = ordinal;
    bytes += lineBytes;
    if (!tally.onLine(unit.file, text, ordinal, lineBytes, positionIn(unit.index, ordinal))) deferred.push({ ordinal, auditID: deferral.handedBackID, text, bytes: lineBytes });
    if (lines === GIVE_UP_AFTER_LINES && deferred.length * 2 > lines) throw givingUp;
  };
  try {
    if (unit.gzip) await readLines(unit.file, (text, _lineNumber, lineBytes) => onLine(text, lineBytes));
    else await readLineRange(unit.file, unit.start, unit.end, (text, lineBytes) => onLine(text, lineBytes));
  } catch (err) {
    if (err === givingUp) return undefined;
    throw err;
  }
  const { counts, open } = tally.handOver();
  const { after, before } = tally.factContext;
  return {
    unit: unit.index,
    lines,
    bytes,
    counts,
    open: encodeCarried(open, after, before),
    handBackLines,
    deferred,
    firstSeen: deferral.firstSeen,
    peak: deferral.peak,
    ambiguous: deferral.ambiguous,
  };
}

// Units are counted one after the other, in the order sent. The main thread
// sends the next before this one is done, so that a worker never waits for it
// (it may be busy joining a unit when a result comes in).
const queue: Unit[] = [];
let counting = false;

async function countQueue(): Promise<void> {
  if (counting) return;
  counting = true;
  for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
    try {
      const result = await countUnit(unit);
      send(result === undefined ? { type: 'gave up', unit: unit.index } : { type: 'result', result });
    } catch (err) {
      send({ type: 'error', unit: unit.index, message: err instanceof Error ? err.message : String(err) });
    }
  }
  counting = false;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'setup') {
    setup = message.setup;
    attributeCache = new AttributeCache();
  } else if (message.type === 'hand back') {
    setup.handBackLines = message.lines;
  } else if (message.type === 'unit') {
    queue.push(message.unit);
    void countQueue();
  }
});
