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
import { replayAuditLogs, type ReplayOptions } from '../../src/replay/replay.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';

// Worker threads run JavaScript: from the sources, replay --jobs uses the build (npm test builds first).
const built = existsSync(fileURLToPath(new URL('../../dist/replay/jobs/worker.js', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'auditspec-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policy(yaml: string): Policy {
  const read = readPolicy(yaml, { file: 'policy.yaml' });
  if (!read.ok) throw new Error(read.error.message);
  return read.policy;
}
// A typical production policy, the one the replay benchmark uses.
const typical = typicalPolicy();
const everyStage = policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n  verbs: ["create", "update"]\n- level: Metadata\n');

/** The report of `jobs` workers on ranges of `unitBytes`, next to the single-threaded one: they must be identical. */
async function expectSameReport(files: string[], options: ReplayOptions, unitBytes: number): Promise<void> {
  const single = await replayAuditLogs(files, options);
  const parallel = await replayAuditLogs(files, { ...options, jobs: 2, jobUnitBytes: unitBytes });
  expect(JSON.stringify(parallel)).toBe(JSON.stringify(single));
}

describe.skipIf(!built)('replay --jobs gives the report a single thread gives (skipped without the build: npm run build)', () => {
  test('a generated log cut into many ranges: requests straddle them, stitched by auditID', async () => {
    const log = join(dir, 'synthetic.log');
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
    const log = join(dir, 'odd.log');
    writeFileSync(log, text);
    // Every range size from 1 byte up: boundaries fall on every byte of the log.
    for (let unitBytes = 1; unitBytes < 120; unitBytes += 7) await expectSameReport([log], { policy: everyStage }, unitBytes);
  }, 120_000);

  test('several files, compressed and not, a request spanning two of them', async () => {
    const first = join(dir, 'one.log');
    const second = join(dir, 'two.log.gz');
    await writeSyntheticAuditLog(first, 500);
    const rest = join(dir, 'rest.log');
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
});
