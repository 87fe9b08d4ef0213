// `replay --jobs N`: the logs cut into units (byte ranges of each uncompressed
// file, split at line boundaries by the workers; each compressed file whole),
// worked on by N worker threads, and folded by one tally on this thread in the
// logs' order. Requests whose events straddle units are joined there by
// auditID, as a single-threaded replay joins them; the report is the same.
// Memory stays bounded: each worker holds one unit's request window and at most
// BATCHES_IN_FLIGHT unfolded batches.
import { openSync, readSync, closeSync, statSync, existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { isGzipFile } from '../lines.js';
import { TextLineFacts } from '../lineFacts.js';
import type { ReplayReport } from '../report.js';
import type { ReplayOptions } from '../replay.js';
import { ReplayTally, type TallyOptions } from '../tally.js';
import type { LineRecord } from './recordedFacts.js';
import { RecordedFacts } from './recordedFacts.js';
import type { FromWorker, ToWorker, Unit, WorkerSetup } from './protocol.js';

/** Units of at most this many bytes, and at least four per worker where the logs allow. */
const MAX_UNIT_BYTES = 32 << 20;
const MIN_UNIT_BYTES = 1 << 20;

/**
 * The worker's compiled script. Running from the TypeScript sources (tests,
 * `npm run bench`), that is the build's copy (`npm run build`): worker threads
 * run JavaScript only.
 */
function workerScript(): URL {
  const here = new URL('./worker.js', import.meta.url);
  if (import.meta.url.endsWith('.js')) return here;
  const built = new URL('../../../dist/replay/jobs/worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(built))) throw new Error('replay --jobs from the TypeScript sources needs the build (npm run build): worker threads run dist/replay/jobs/worker.js');
  return built;
}

/**
 * Workers kept between replays of this process (unref'd: they never keep it
 * alive), so that a second replay finds their code compiled and warm.
 */
const idle: Worker[] = [];

function takeWorkers(count: number): Worker[] {
  const taken = idle.splice(0, count);
  while (taken.length < count) taken.push(new Worker(workerScript()));
  // In use, a worker keeps the process alive: the replay is waiting for it.
  for (const worker of taken) worker.ref();
  return taken;
}

async function unitsOf(files: readonly string[], jobs: number, fixedUnitBytes: number | undefined): Promise<{ units: Unit[]; gzip: boolean[]; sizes: number[] }> {
  const sizes = files.map((file) => statSync(file).size);
  const gzip = await Promise.all(files.map((file) => isGzipFile(file)));
  const plainBytes = sizes.reduce((sum, size, i) => sum + (gzip[i] ? 0 : size), 0);
  const unitBytes = fixedUnitBytes ?? Math.min(MAX_UNIT_BYTES, Math.max(MIN_UNIT_BYTES, Math.ceil(plainBytes / (jobs * 4))));
  const units: Unit[] = [];
  files.forEach((file, i) => {
    if (gzip[i] || sizes[i] === 0) {
      units.push({ index: units.length, file, start: 0, end: sizes[i], gzip: gzip[i] });
      return;
    }
    for (let start = 0; start < sizes[i]; start += unitBytes) {
      units.push({ index: units.length, file, start, end: Math.min(sizes[i], start + unitBytes), gzip: false });
    }
  });
  return { units, gzip, sizes };
}

/** One line's text read again from the file, as LineSplitter gave it (terminator and a CR before it removed). */
function readLineAt(fd: number, offset: number, bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  readSync(fd, buffer, 0, bytes, offset);
  let end = bytes;
  if (end > 0 && buffer[end - 1] === 0x0a) end--;
  if (end > 0 && buffer[end - 1] === 0x0d) end--;
  return buffer.toString('utf8', 0, end);
}

export async function replayInParallel(files: readonly string[], options: ReplayOptions, tallyOptions: TallyOptions, jobs: number): Promise<ReplayReport> {
  const { units, gzip, sizes } = await unitsOf(files, jobs, options.jobUnitBytes);
  const tally = new ReplayTally(tallyOptions);
  const context = tally.factContext;
  const setup: WorkerSetup = {
    tally: { ...tallyOptions, policy: tallyOptions.policy, baseline: tallyOptions.baseline, attributeCache: undefined },
  };
  const workers = takeWorkers(Math.max(1, Math.min(jobs, units.length)));
  let failed = false;
  const detach: (() => void)[] = [];

  // Per unit, in the logs' order: the batches received and not yet folded, and whether the worker is done with it.
  const pending = units.map(() => ({ batches: [] as { records: string; offset: number; worker: Worker }[], done: false }));
  let nextToSend = 0;
  let nextToFold = 0;
  const fileState = { index: -1, lines: 0, bytes: 0, fd: -1 };

  const foldBatch = (unit: Unit, batch: { records: string; offset: number }) => {
    const fileIndex = files.indexOf(unit.file, Math.max(0, fileState.index));
    if (fileIndex !== fileState.index) {
      fileState.index = fileIndex;
      fileState.lines = 0;
      fileState.bytes = 0;
      if (fileState.fd !== -1) closeSync(fileState.fd);
      fileState.fd = -1;
    }
    const records = JSON.parse(batch.records) as LineRecord[];
    let offset = batch.offset;
    for (const record of records) {
      const lineOffset = offset;
      const bytes = record.n;
      const facts = new RecordedFacts(record, context, () => {
        if (unit.gzip) throw new Error(`internal error: a fact of ${unit.file} at byte ${lineOffset} was not sent`);
        if (fileState.fd === -1) fileState.fd = openSync(unit.file, 'r');
        return new TextLineFacts(context, readLineAt(fileState.fd, lineOffset, bytes), bytes);
      });
      fileState.lines++;
      tally.onLineFacts(unit.file, fileState.lines, facts);
      offset += bytes;
      fileState.bytes += bytes;
    }
    options.onProgress?.({
      file: unit.file,
      fileIndex,
      files: files.length,
      readBytes: gzip[fileIndex] ? 0 : Math.min(fileState.bytes, sizes[fileIndex]),
      totalBytes: sizes[fileIndex],
      events: tally.events,
    });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const dispatch = (worker: Worker) => {
        if (nextToSend < units.length) worker.postMessage({ type: 'unit', unit: units[nextToSend++] } satisfies ToWorker);
      };
      const pump = () => {
        while (nextToFold < units.length) {
          const unit = units[nextToFold];
          const state = pending[nextToFold];
          const batch = state.batches.shift();
          if (batch !== undefined) {
            foldBatch(unit, batch);
            batch.worker.postMessage({ type: 'ack' } satisfies ToWorker);
            continue;
          }
          if (!state.done) return;
          const lastOfFile = nextToFold + 1 === units.length || units[nextToFold + 1].file !== unit.file;
          if (lastOfFile) {
            const fileIndex = files.indexOf(unit.file, Math.max(0, fileState.index));
            if (fileIndex !== fileState.index) {
              // A file without lines: nothing was folded for it.
              fileState.index = fileIndex;
              fileState.lines = 0;
              fileState.bytes = 0;
            }
            tally.onFileRead(unit.file, { lines: fileState.lines, bytes: fileState.bytes, gzip: unit.gzip });
            if (fileState.fd !== -1) closeSync(fileState.fd);
            fileState.fd = -1;
          }
          nextToFold++;
        }
        resolve();
      };
      for (const worker of workers) {
        worker.postMessage({ type: 'setup', setup } satisfies ToWorker);
        const onMessage = (message: FromWorker) => {
          try {
            if (message.type === 'batch') pending[message.unit].batches.push({ records: message.records, offset: message.offset, worker });
            else if (message.type === 'done') {
              pending[message.unit].done = true;
              dispatch(worker);
            } else {
              reject(new Error(`${units[message.unit].file}: ${message.message}`));
              return;
            }
            pump();
          } catch (err) {
            reject(err);
          }
        };
        const onExit = (code: number) => reject(new Error(`a replay worker exited with code ${code}`));
        worker.on('message', onMessage);
        worker.on('error', reject);
        worker.on('exit', onExit);
        detach.push(() => {
          worker.off('message', onMessage);
          worker.off('error', reject);
          worker.off('exit', onExit);
        });
        dispatch(worker);
      }
      if (units.length === 0) resolve();
    });
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    if (fileState.fd !== -1) closeSync(fileState.fd);
    // Only our own listeners: a Worker keeps internal ones of its own.
    for (const off of detach) off();
    // After a failure a worker may still be busy: none goes back to the pool.
    if (failed) await Promise.all(workers.map((worker) => worker.terminate()));
    else {
      for (const worker of workers) worker.unref();
      idle.push(...workers);
    }
  }
  return tally.report();
}

