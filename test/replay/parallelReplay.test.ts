import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { typicalPolicy } from '../../bench/replay.js';
import { writeSyntheticAuditLog } from '../../bench/syntheticLog.js';
import { readPolicy } from '../../src/audit/policy/reader.js';
import type { Policy } from '../../src/audit/types.js';
import type { UnitFolding } from '../../src/replay/jobs/foldUnit.js';
import { MIN_HAND_BACK_LINES } from '../../src/replay/jobs/handBackReach.js';
import { HAND_BACK_LINES } from '../../src/replay/jobs/rangeDeferral.js';
import { replayAuditLogs, type ReplayOptions } from '../../src/replay/replay.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';

// Worker threads run JavaScript: from the sources, replay --jobs uses the build (npm test builds first).
const built = existsSync(fileURLToPath(new URL('../../dist/replay/jobs/worker.js', import.meta.url)));
// Made on first use: a file whose tests are all skipped (no build) runs no hooks, so a directory made at the top would be left behind.
let made: string | undefined;
const dir = () => (made ??= mkdtempSync(join(tmpdir(), 'auditspec-jobs-')));
afterAll(() => {
  if (made !== undefined) rmSync(made, { recursive: true, force: true });
});

function policy(yaml: string): Policy {
  const read = readPolicy(yaml, { file: 'policy.yaml' });
  if (!read.ok) throw new Error(read.error.message);
  return read.policy;
}
// A typical production policy, the one the replay benchmark uses.
const typical = typicalPolicy();
const everyStage = policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n  verbs: ["create", "update"]\n- level: Metadata\n');

type Foldings = Record<UnitFolding, number>;

/**
 * The report of `jobs` workers on ranges of `unitBytes`, next to the
 * single-threaded one: they must be identical. Returns how the units were
 * joined (merged, or counted again on the main thread), summed over the runs.
 */
async function expectSameReport(files: string[], options: ReplayOptions, unitBytes: number, jobs: number[] = [2]): Promise<Foldings> {
  const single = JSON.stringify(await replayAuditLogs(files, options));
  const foldings: Foldings = { merged: 0, 'counted again': 0, 'counted here': 0 };
  for (const n of jobs) {
    const parallel = await replayAuditLogs(files, { ...options, jobs: n, jobUnitBytes: unitBytes, onJobUnit: (_unit, folding) => foldings[folding]++ });
    expect(JSON.stringify(parallel), `--jobs ${n}, ranges of ${unitBytes} bytes`).toBe(single);
  }
  return foldings;
}

/** One event in kube-apiserver's layout. */
function event(auditID: string, stage: string, fields: { user?: string; verb?: string; level?: string; namespace?: string; body?: boolean } = {}): string {
  const { user = 'alice', verb = 'get', level = 'Metadata', namespace = 'a', body = false } = fields;
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID,
    stage,
    requestURI: `/api/v1/namespaces/${namespace}/pods`,
    verb,
    user: { username: user, groups: ['system:authenticated'] },
    objectRef: { resource: 'pods', namespace, apiVersion: 'v1' },
    ...(stage === 'RequestReceived' ? {} : { responseStatus: { metadata: {}, code: 200 } }),
    ...(body && stage !== 'RequestReceived' ? { requestObject: { kind: 'Pod', metadata: { name: 'p' } } } : {}),
  });
}

/** Writes `lines` as a log; returns its path and where each line starts. */
function writeLog(name: string, lines: string[]): { log: string; starts: number[] } {
  const log = join(dir(), name);
  writeFileSync(log, lines.map((line) => `${line}\n`).join(''));
  const starts: number[] = [];
  let at = 0;
  for (const line of lines) {
    starts.push(at);
    at += Buffer.byteLength(line) + 1;
  }
  return { log, starts };
}

/** Range sizes that cut the log into 2 to 10 ranges. */
function rangeSizes(starts: number[]): number[] {
  const total = starts[starts.length - 1] + 1;
  const sizes = new Set<number>();
  for (let parts = 2; parts <= 10; parts++) sizes.add(Math.ceil(total / parts));
  return [...sizes];
}

// A policy under which alice's and bob's requests change level (against the recorded Metadata).
const changes = policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  users: ["alice"]\n- level: None\n  users: ["bob"]\n- level: Metadata\n');

describe.skipIf(!built)('replay --jobs gives the report a single thread gives (skipped without the build: npm run build)', () => {
  test('a generated log cut into many ranges: requests straddle them, stitched by auditID', async () => {
    const log = join(dir(), 'synthetic.log');
    await writeSyntheticAuditLog(log, 3_000);
    // ~40 ranges: many requests have their first event in one range and their last in the next.
    const unitBytes = Math.ceil(readFileSync(log).length / 40);
    for (const p of [typical, everyStage]) {
      await expectSameReport([log], { policy: p }, unitBytes);
      await expectSameReport([log], { policy: p, baseline: typical }, unitBytes);
    }
    // A small window evicts requests, across ranges too.
    await expectSameReport([log], { policy: typical, windowSize: 7 }, unitBytes);
  }, 120_000);

  test('ranges that cut a line anywhere, blank and broken lines, reused IDs, a final line without a newline', async () => {
    const ev = (id: string, stage: string, extra: object = {}) =>
      JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage, requestURI: '/api/v1/namespaces/a/pods', verb: 'get', user: { username: 'u', groups: [] }, objectRef: { resource: 'pods', namespace: 'a', apiVersion: 'v1' }, ...extra });
    const lines = [ev('a', 'RequestReceived'), '', 'not json', ev('b', 'RequestReceived'), ev('a', 'ResponseComplete'), '  ', ev('b', 'ResponseComplete'), ev('b', 'ResponseComplete'), '{"kind":"Other"}', ev('c', 'ResponseStarted', { user: {} }), ev('a', 'RequestReceived')];
    const text = lines.join('\r\n');
    const log = join(dir(), 'odd.log');
    writeFileSync(log, text);
    // Every range size from 1 byte up: boundaries fall on every byte of the log.
    for (let unitBytes = 1; unitBytes < 120; unitBytes += 7) await expectSameReport([log], { policy: everyStage }, unitBytes);
  }, 120_000);

  test('several files, compressed and not, a request spanning two of them', async () => {
    const first = join(dir(), 'one.log');
    const second = join(dir(), 'two.log.gz');
    await writeSyntheticAuditLog(first, 500);
    const rest = join(dir(), 'rest.log');
    await writeSyntheticAuditLog(rest, 500);
    writeFileSync(second, gzipSync(readFileSync(rest)));
    await expectSameReport([first, second, rest], { policy: typical }, 4096);
  }, 120_000);

  test.skipIf(!hasCorpus('logs'))('every corpus log, alone and together (skipped without ../shared/corpus)', async () => {
    const logs = readdirSync(corpusPath('logs'))
      .filter((f) => !f.endsWith('.txt'))
      .map((f) => corpusPath(`logs/${f}`));
    for (const log of logs) await expectSameReport([log], { policy: typical }, 2048);
    await expectSameReport(logs, { policy: everyStage, baseline: typical }, 2048);
  }, 120_000);

  test('a request whose events span three ranges is stitched by auditID across all three', async () => {
    const filler = (i: number) => [event(`f${i}`, 'RequestReceived', { user: i % 2 ? 'alice' : 'carol' }), event(`f${i}`, 'ResponseComplete', { user: i % 2 ? 'alice' : 'carol' })];
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i === 3) lines.push(event('x', 'RequestReceived', { verb: 'watch' }));
      if (i === 15) lines.push(event('x', 'ResponseStarted', { verb: 'watch' }));
      if (i === 27) lines.push(event('x', 'ResponseComplete', { verb: 'watch' }));
      // A request without RequestReceived, its two events in different ranges too.
      if (i === 12) lines.push(event('y', 'ResponseStarted', { verb: 'watch', body: true }));
      if (i === 25) lines.push(event('y', 'ResponseComplete', { verb: 'watch', body: true }));
      lines.push(...filler(i));
    }
    const { log, starts } = writeLog('three-ranges.log', lines);
    const at = (id: string, stage: string) => starts[lines.indexOf(event(id, stage, { verb: 'watch' }))];
    const thirds = Math.ceil((starts[starts.length - 1] + 1) / 3);
    // The three events of x are in three different ranges of a third of the log.
    expect(new Set([at('x', 'RequestReceived'), at('x', 'ResponseStarted'), at('x', 'ResponseComplete')].map((start) => Math.floor(start / thirds))).size).toBe(3);
    const single = await replayAuditLogs([log], { policy: changes });
    expect(single.input.requests).toBe(32);
    for (const unitBytes of [thirds, ...rangeSizes(starts)]) {
      const foldings = await expectSameReport([log], { policy: changes }, unitBytes, [2, 3, 4]);
      // Stitched, not counted again: the merge itself is what is tested.
      expect(foldings['counted again']).toBe(0);
    }
  }, 120_000);

  test('an auditID reused across a range boundary', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) {
      lines.push(event(`f${i}`, 'RequestReceived'), event(`f${i}`, 'ResponseComplete'));
      // r: open across the middle, then a second RequestReceived (a new request under the same ID).
      if (i === 4) lines.push(event('r', 'RequestReceived'), event('r', 'ResponseStarted'));
      if (i === 14) lines.push(event('r', 'RequestReceived', { user: 'bob' }), event('r', 'ResponseComplete', { user: 'bob' }));
      // s: a second ResponseStarted in a later range (the line is handed back and stitched).
      if (i === 2) lines.push(event('s', 'RequestReceived', { verb: 'watch' }), event('s', 'ResponseStarted', { verb: 'watch' }));
      if (i === 16) lines.push(event('s', 'ResponseStarted', { verb: 'watch', user: 'bob' }));
    }
    const { log, starts } = writeLog('reused.log', lines);
    const single = await replayAuditLogs([log], { policy: changes });
    expect(single.window.reusedAuditIDs).toBe(2);
    const foldings: Foldings = { merged: 0, 'counted again': 0, 'counted here': 0 };
    for (const unitBytes of rangeSizes(starts)) {
      const f = await expectSameReport([log], { policy: changes }, unitBytes, [2, 3, 4]);
      foldings.merged += f.merged;
      foldings['counted again'] += f['counted again'];
    }
    // Both ways are taken: r's second RequestReceived was counted as new by its worker (its range is counted again here), s's stitched.
    expect(foldings.merged).toBeGreaterThan(0);
    expect(foldings['counted again']).toBeGreaterThan(0);
  }, 120_000);

  test('a small window that overflows across ranges', async () => {
    const lines: string[] = [];
    // Requests left open for a while: a window of 3 pushes the oldest out, then their later events open new requests.
    for (let i = 0; i < 40; i++) {
      lines.push(event(`w${i}`, 'RequestReceived', { user: i % 3 ? 'alice' : 'dave' }));
      if (i >= 5) lines.push(event(`w${i - 5}`, 'ResponseComplete', { user: (i - 5) % 3 ? 'alice' : 'dave' }));
      if (i % 7 === 0) lines.push(event(`s${i}`, 'RequestReceived'), event(`s${i}`, 'ResponseComplete'));
      // Requests opened by a line handed back (no RequestReceived) between ones a worker opened: carried on in the order they were opened.
      if (i % 4 === 1) lines.push(event(`v${i}`, 'ResponseStarted', { verb: 'watch', user: 'bob' }));
      if (i % 4 === 1 && i >= 9) lines.push(event(`v${i - 8}`, 'ResponseComplete', { verb: 'watch', user: 'bob' }));
    }
    const { log, starts } = writeLog('window.log', lines);
    const foldings: Foldings = { merged: 0, 'counted again': 0, 'counted here': 0 };
    for (const windowSize of [3, 5, 6, 9]) {
      const single = await replayAuditLogs([log], { policy: changes, windowSize });
      if (windowSize < 6) expect(single.window.evicted).toBeGreaterThan(0);
      for (const unitBytes of rangeSizes(starts)) {
        const f = await expectSameReport([log], { policy: changes, windowSize }, unitBytes, [2, 3, 4]);
        foldings.merged += f.merged;
        foldings['counted again'] += f['counted again'];
      }
    }
    // Ranges where the window may have filled are counted again; the others merged, their open requests carried on in order.
    expect(foldings.merged).toBeGreaterThan(0);
    expect(foldings['counted again']).toBeGreaterThan(0);

    // Requests a worker opened and requests opened on the main thread (handed back: no RequestReceived), interleaved;
    // later a burst fills the window, which pushes out the oldest of them: which ones depends on their order.
    const carol = (id: string) => event(id, 'RequestReceived', { user: 'carol' });
    const filler = (n: number) => Array.from({ length: n }, (_, i) => [carol(`f${n}-${i}`), event(`f${n}-${i}`, 'ResponseComplete', { user: 'carol' })]).flat();
    const watch = (id: string, stage: string) => event(id, stage, { verb: 'watch', user: 'bob' });
    const burst = writeLog('burst.log', [
      ...filler(3),
      ...['1', '2', '3'].flatMap((n) => [event(`w${n}`, 'RequestReceived'), watch(`v${n}`, 'ResponseStarted')]),
      ...filler(4),
      ...Array.from({ length: 8 }, (_, i) => carol(`b${i}`)),
      ...filler(5),
      ...['1', '2', '3'].flatMap((n) => [event(`w${n}`, 'ResponseComplete'), watch(`v${n}`, 'ResponseComplete')]),
      ...filler(2),
    ]);
    const single = await replayAuditLogs([burst.log], { policy: changes, windowSize: 12 });
    expect(single.window.evicted).toBeGreaterThan(0);
    for (const unitBytes of rangeSizes(burst.starts)) await expectSameReport([burst.log], { policy: changes, windowSize: 12 }, unitBytes, [2, 3, 4]);
  }, 120_000);

  test('more changed classes than are tracked', async () => {
    const dropAll = policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      // 30 classes (user × namespace), first appearing throughout the log; some requests begin without RequestReceived (handed back and stitched).
      const fields = { user: `u${i % 6}`, namespace: `n${i % 5}` };
      if (i % 4 === 1) lines.push(event(`c${i}`, 'ResponseComplete', fields));
      else lines.push(event(`c${i}`, 'RequestReceived', fields), event(`c${i}`, 'ResponseComplete', fields));
    }
    const { log, starts } = writeLog('classes.log', lines);
    const foldings: Foldings = { merged: 0, 'counted again': 0, 'counted here': 0 };
    for (const maxTrackedClasses of [1, 4, 7, 11, 20]) {
      const single = await replayAuditLogs([log], { policy: dropAll, maxTrackedClasses });
      expect(single.untrackedChangedRequests).toBeGreaterThan(0);
      expect(single.changedClasses).toHaveLength(maxTrackedClasses);
      for (const unitBytes of rangeSizes(starts)) {
        const f = await expectSameReport([log], { policy: dropAll, maxTrackedClasses }, unitBytes, [2, 3, 4]);
        foldings.merged += f.merged;
        foldings['counted again'] += f['counted again'];
      }
    }
    expect(foldings.merged).toBeGreaterThan(0);
  }, 120_000);

  test('the first examples (of a class, of malformed and of other lines) are the first in the log, whichever range they are in', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      // One class (alice's gets, Metadata → Request); every third request begins without RequestReceived and is counted on the main thread.
      if (i % 3 === 2) lines.push(event(`e${i}`, 'ResponseComplete'));
      else lines.push(event(`e${i}`, 'RequestReceived'), event(`e${i}`, 'ResponseComplete'));
      if (i % 5 === 4) lines.push(`not json ${i}`);
      if (i % 6 === 5) lines.push(`{"kind":"Other","n":${i}}`);
      // A malformed line with kube-apiserver's head: handed back (it might continue a request begun earlier).
      if (i % 9 === 8) lines.push(`${event(`m${i}`, 'ResponseComplete').slice(0, -1)},"broken":}`);
    }
    const { log, starts } = writeLog('examples.log', lines);
    for (const [examplesPerClass, malformedExamples] of [
      [1, 1],
      [2, 3],
      [5, 6],
    ]) {
      const options = { policy: changes, examplesPerClass, malformedExamples };
      const single = await replayAuditLogs([log], options);
      expect(single.changedClasses[0].examples).toHaveLength(examplesPerClass);
      expect(single.malformed.examples).toHaveLength(malformedExamples);
      expect(single.input.notEventExamples).toHaveLength(Math.min(malformedExamples, 6));
      for (const unitBytes of rangeSizes(starts)) await expectSameReport([log], options, unitBytes, [2, 3, 4]);
    }
  }, 120_000);

  test('classes tied in requests and label are listed in the order of their first request', async () => {
    const rr = { level: 'RequestResponse' };
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(event(`f${i}`, 'RequestReceived', { user: 'carol' }), event(`f${i}`, 'ResponseComplete', { user: 'carol' }));
    // alice's gets change to Request from Metadata (first) and from RequestResponse (second), twice each: a tie.
    lines.splice(6, 0, event('t1', 'RequestReceived'), event('t1', 'ResponseComplete'));
    lines.splice(10, 0, event('t2', 'RequestReceived', rr), event('t2', 'ResponseComplete', rr));
    // Without RequestReceived: handed back, counted on the main thread before the worker's counts are added.
    lines.splice(14, 0, event('t3', 'ResponseComplete'));
    lines.splice(16, 0, event('t4', 'RequestReceived', rr), event('t4', 'ResponseComplete', rr));
    const { log, starts } = writeLog('ties.log', lines);
    const single = await replayAuditLogs([log], { policy: changes });
    expect(single.changedClasses.map((c) => [c.label, c.from, c.requests])).toEqual([
      ['alice get core/pods in a', 'Metadata', 2],
      ['alice get core/pods in a', 'RequestResponse', 2],
    ]);
    for (const unitBytes of [starts[starts.length - 1] + 1, ...rangeSizes(starts)]) await expectSameReport([log], { policy: changes }, unitBytes, [2, 3, 4]);
  }, 120_000);

  test('a log whose requests begin without RequestReceived, in short ranges: once a worker hands back most of a range, this thread counts the rest', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 10 === 3) lines.push(event(`w${i}`, 'ResponseStarted', { verb: 'watch' }));
      if (i % 10 === 8) lines.push(event(`w${i - 5}`, 'ResponseComplete', { verb: 'watch' }));
      lines.push(event(`c${i}`, 'ResponseComplete', { user: i % 2 ? 'alice' : 'bob' }));
    }
    const { log, starts } = writeLog('last-stages.log', lines);
    let countedHere = 0;
    for (const unitBytes of rangeSizes(starts)) countedHere += (await expectSameReport([log], { policy: changes }, unitBytes, [2, 3]))['counted here'];
    // Units beyond the first few sent out (one per worker) are never sent.
    expect(countedHere).toBeGreaterThan(0);
  }, 120_000);

  test('a log whose requests begin without RequestReceived, in long ranges: workers count all but the first lines of each', async () => {
    const many = writeLog('last-stages-long.log', Array.from({ length: 6000 }, (_, i) => event(`l${i}`, 'ResponseComplete', { user: i % 3 ? 'alice' : 'bob' })));
    const halves = Math.ceil((many.starts[many.starts.length - 1] + 1) / 2);
    const foldings = await expectSameReport([many.log], { policy: changes }, halves, [2]);
    // Each half's first lines are handed back (they might continue a request of the half before); the rest its worker counted.
    expect(foldings.merged).toBeGreaterThanOrEqual(2);
    expect(foldings).toMatchObject({ 'counted again': 0, 'counted here': 0 });
  }, 120_000);

  test('how many first lines are handed back is learned from where the requests carried into a range reappear', async () => {
    // Lines of one length, so that ranges of 2000 lines' bytes start at known lines; single-event requests
    // (no RequestReceived: in a range's first lines each is handed back) and, in `straddling`, at each boundary a
    // request begun 3 lines before it and completed on the 100th line of the next range.
    const LENGTH = 400;
    const padded = (text: string) => `${text.slice(0, -1)},"pad":"${'x'.repeat(LENGTH - text.length - 9)}"}`;
    const RANGE_LINES = 2000;
    const RANGES = 10;
    const logOf = (name: string, straddling: boolean) => {
      const lines = Array.from({ length: RANGE_LINES * RANGES }, (_, i) => padded(event(`l${String(i).padStart(6, '0')}`, 'ResponseComplete', { user: i % 3 ? 'alice' : 'bob' })));
      if (straddling) {
        for (let k = 1; k < RANGES; k++) {
          lines[k * RANGE_LINES - 3] = padded(event(`s${String(k).padStart(6, '0')}`, 'RequestReceived', { verb: 'watch' }));
          lines[k * RANGE_LINES + 99] = padded(event(`s${String(k).padStart(6, '0')}`, 'ResponseComplete', { verb: 'watch' }));
        }
      }
      expect(new Set(lines.map((line) => line.length))).toEqual(new Set([LENGTH]));
      return writeLog(name, lines).log;
    };
    const unitBytes = RANGE_LINES * (LENGTH + 1);
    const handedBack = async (log: string) => {
      const units: { folding: UnitFolding; handBackLines?: number; lines?: number }[] = [];
      const single = JSON.stringify(await replayAuditLogs([log], { policy: changes }));
      const parallel = await replayAuditLogs([log], { policy: changes, jobs: 2, jobUnitBytes: unitBytes, onJobUnit: (unit, folding, back) => (units[unit] = { folding, ...back }) });
      expect(JSON.stringify(parallel)).toBe(single);
      expect(units).toHaveLength(RANGES);
      return units;
    };

    // Nothing is ever carried from one range to the next: the later ranges hand back the fewest lines.
    const apart = await handedBack(logOf('apart.log', false));
    expect(apart.every((unit) => unit.folding === 'merged')).toBe(true);
    expect(apart[0]).toMatchObject({ handBackLines: HAND_BACK_LINES, lines: HAND_BACK_LINES });
    expect(apart[RANGES - 1]).toMatchObject({ handBackLines: MIN_HAND_BACK_LINES, lines: MIN_HAND_BACK_LINES });

    // Requests reappear up to 100 lines into a range: later ranges hand back enough lines to stitch them (else each
    // such range would be counted again here), fewer than the default.
    const straddling = await handedBack(logOf('straddling.log', true));
    expect(straddling.every((unit) => unit.folding === 'merged')).toBe(true);
    expect(straddling[RANGES - 1].handBackLines).toBe(MIN_HAND_BACK_LINES + 2 * 100);
  }, 120_000);

  test("a long request's later event past the first lines of a range: that range is counted again here", async () => {
    // A watch begun (ResponseStarted, no RequestReceived) near the end of the first half, completed deep into the second:
    // past the lines handed back, its worker took the completion for a new request; a single thread joins the two.
    const lines = Array.from({ length: 400 }, (_, i) => event(`l${i}`, 'ResponseComplete', { user: i % 3 ? 'alice' : 'bob' }));
    lines.splice(190, 0, event('watch', 'ResponseStarted', { verb: 'watch' }));
    lines.splice(300, 0, event('watch', 'ResponseComplete', { verb: 'watch' }));
    const { log, starts } = writeLog('long-watch.log', lines);
    const halves = Math.ceil((starts[starts.length - 1] + 1) / 2);
    const foldings = await expectSameReport([log], { policy: changes, jobHandBackLines: 16 }, halves, [2]);
    expect(foldings).toMatchObject({ 'counted again': 1, 'counted here': 0 });
    // Without the watch spanning them, both halves merge.
    const apart = writeLog('no-long-watch.log', lines.filter((line) => !line.includes('"auditID":"watch"')));
    expect(await expectSameReport([apart.log], { policy: changes, jobHandBackLines: 16 }, halves, [2])).toMatchObject({ 'counted again': 0, 'counted here': 0 });
  }, 120_000);
});
