// `replay --jobs N`: the logs cut into units (units.ts: byte ranges of each
// uncompressed file, split at line boundaries by the workers; each compressed
// file whole), each counted by one of N worker threads with a tally of its own, and joined
// on this thread in the logs' order (foldUnit.ts): the lines a worker could not
// count alone (those that may continue a request begun in an earlier unit) are
// counted here against the requests earlier units left open, stitched by
// auditID, and the rest is added. The report is the one a single thread gives.
// Memory stays bounded: by the request window, and by the results of at most
// UNITS_AHEAD units per worker waiting to be joined.
import { statSync, existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { isGzipFile } from '../lines.js';
import type { ReplayReport } from '../report.js';
import type { ReplayOptions } from '../replay.js';
import { ReplayTally, type TallyOptions } from '../tally.js';
import { countUnitHere, foldUnit, type UnitFolding } from './foldUnit.js';
import { HandBackReach } from './handBackReach.js';
import { cutIntoUnits } from './units.js';
import type { FromWorker, ToWorker, Unit, UnitResult, WorkerSetup } from './protocol.js';

/**
 * Units a worker may be sent beyond the one being joined (see dispatch below).
 * A result waiting its turn is small (counts, open requests, a 128 KiB filter,
 * the few lines handed back), but when one unit takes long (its worker
 * descheduled on a busy machine, or this thread counting a unit itself) the
 * other workers go on only this far; the last units are four times smaller
 * (units.ts), so this many of them are little work.
 */
const UNITS_AHEAD = 6;
/** Units a worker holds at once: the one it counts and the next (see worker.ts). */
const UNITS_QUEUED = 2;

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

async function unitsOf(files: readonly string[], jobs: number, fixedUnitBytes: number | undefined): Promise<{ units: Unit[]; sizes: number[] }> {
  const sizes = files.map((file) => statSync(file).size);
  const gzip = await Promise.all(files.map((file) => isGzipFile(file)));
  const units = cutIntoUnits(files.map((file, i) => ({ file, size: sizes[i], gzip: gzip[i] })), jobs, fixedUnitBytes);
  return { units, sizes };
}

export async function replayInParallel(files: readonly string[], options: ReplayOptions, tallyOptions: TallyOptions, jobs: number): Promise<ReplayReport> {
  const { units, sizes } = await unitsOf(files, jobs, options.jobUnitBytes);
  const tally = new ReplayTally(tallyOptions);
  const { attributeCache: _cache, ...rest } = tallyOptions;
  const handBack = new HandBackReach(options.jobHandBackLines);
  const setup: WorkerSetup = { tally: { ...rest, baseline: tallyOptions.baseline }, handBackLines: handBack.lines() };
  const workers = takeWorkers(Math.max(1, Math.min(jobs, units.length)));
  let failed = false;
  const detach: (() => void)[] = [];

  // Per unit, in the logs' order: the worker's result once it came.
  const results: (UnitResult | undefined)[] = units.map(() => undefined);
  let nextToSend = 0;
  let nextToFold = 0;
  // Lines and bytes of the file being joined, in the units joined so far.
  const file = { index: -1, lines: 0, bytes: 0 };

  // Set once a worker handed back most of a unit's lines (or gave up on one for
  // that reason): this thread would count them anyway, and parsing them on a
  // worker first only costs more. That is a log whose requests mostly begin
  // without RequestReceived (recorded under omitStages: [RequestReceived]) cut
  // into short units: in its first lines each such first event may continue a
  // request of an earlier unit (see rangeDeferral.ts). The units not yet counted
  // are then counted here, as --jobs 1 would.
  let alone = false;
  // Units a worker gave up on: counted here in their turn.
  const gaveUp = units.map(() => false);

  const fold = async (unit: Unit, result: UnitResult | undefined) => {
    const fileIndex = unit.fileIndex;
    if (fileIndex !== file.index) Object.assign(file, { index: fileIndex, lines: 0, bytes: 0 });
    let folding: UnitFolding = 'counted here';
    let read: { lines: number; bytes: number };
    if (result === undefined) read = await countUnitHere(tally, unit, file.lines);
    else {
      const folded = await foldUnit(tally, unit, result, file.lines);
      folding = folded.folding;
      const before = handBack.lines();
      if (folded.folding === 'merged') handBack.merged(folded.reach);
      else handBack.countedAgain(result.handBackLines);
      // The units already sent but not yet begun take it too.
      const lines = handBack.lines();
      if (lines !== before) for (const worker of workers) worker.postMessage({ type: 'hand back', lines } satisfies ToWorker);
      read = result;
    }
    options.onJobUnit?.(unit.index, folding, result && { handBackLines: result.handBackLines, lines: result.deferred.length });
    file.lines += read.lines;
    file.bytes += read.bytes;
    const lastOfFile = unit.index + 1 === units.length || units[unit.index + 1].fileIndex !== fileIndex;
    if (lastOfFile) tally.onFileRead(unit.file, { lines: file.lines, bytes: file.bytes, gzip: unit.gzip });
    options.onProgress?.({
      file: unit.file,
      fileIndex,
      files: files.length,
      readBytes: unit.gzip ? 0 : Math.min(unit.end, sizes[fileIndex]),
      totalBytes: sizes[fileIndex],
      events: tally.events,
    });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      // Workers run at most UNITS_AHEAD units per worker past the one being joined, so that
      // results waiting their turn (while this thread counts a unit itself) stay few.
      const ahead = UNITS_AHEAD * workers.length;
      const waiting: Worker[] = [];
      const dispatch = (worker: Worker) => {
        if (alone || nextToSend >= units.length) return;
        if (nextToSend >= nextToFold + ahead) waiting.push(worker);
        else worker.postMessage({ type: 'unit', unit: units[nextToSend++] } satisfies ToWorker);
      };
      const dispatchWaiting = () => {
        for (let n = waiting.length; n > 0; n--) dispatch(waiting.shift() as Worker);
      };
      // Joins the units whose results are in, in order; one join at a time (a unit counted again here reads its file).
      let folding = false;
      const pump = async () => {
        if (folding) return;
        folding = true;
        try {
          while (nextToFold < units.length) {
            const result = results[nextToFold];
            // Not in yet: wait for it, unless it was never sent or its worker gave up.
            if (result === undefined && !gaveUp[nextToFold] && !(alone && nextToFold >= nextToSend)) return;
            results[nextToFold] = undefined;
            await fold(units[nextToFold], result);
            nextToFold++;
            dispatchWaiting();
          }
          resolve();
        } finally {
          folding = false;
        }
      };
      const pumpOrFail = () => pump().catch(reject);
      for (const worker of workers) {
        worker.postMessage({ type: 'setup', setup } satisfies ToWorker);
        const onMessage = (message: FromWorker) => {
          if (message.type === 'error') {
            reject(new Error(`${units[message.unit].file}: ${message.message}`));
            return;
          }
          if (message.type === 'gave up') {
            gaveUp[message.unit] = true;
            alone = true;
          } else {
            const result = message.result;
            results[result.unit] = result;
            if (result.deferred.length * 2 > result.lines) alone = true;
          }
          dispatch(worker);
          void pumpOrFail();
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
        for (let n = 0; n < UNITS_QUEUED; n++) dispatch(worker);
      }
      if (units.length === 0) resolve();
    });
  } catch (err) {
    failed = true;
    throw err;
  } finally {
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
