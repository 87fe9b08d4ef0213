import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import type { ReplayReport } from '../../src/replay/replay.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'auditspec-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const run = (args: string[]) => runCli(['replay', ...args]);

const policy = file('policy.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: ["/healthz"]\n- level: Metadata\n');
const event = (id: string, uri: string) =>
  JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Request', auditID: id, stage: 'ResponseComplete', requestURI: uri, verb: 'get', user: { username: 'u', groups: [] } });
const log = file('audit.log.gz', gzipSync(`${event('1', '/healthz')}\n${event('2', '/metrics')}\nnot json\n`));

describe('auditspec replay', () => {
  test('--format json prints the report; no progress bar when stderr is not a terminal', async () => {
    const { code, stdout, stderr } = await run([policy, log, '--format', 'json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as ReplayReport;
    expect(report.input.events).toBe(2);
    expect(report.transitions.Request).toEqual({ None: 1, Metadata: 1, Request: 0, RequestResponse: 0 });
    expect(report.malformed).toMatchObject({ count: 1, examples: [{ line: 3 }] });
  });

  test('text by default, with the transition matrix and the volume estimate', async () => {
    const { code, stdout } = await run([policy, log]);
    expect(code).toBe(0);
    expect(stdout).toContain('Transitions (rows: recorded, columns: policy):');
    expect(stdout).toContain('Estimated log volume per stage:');
    expect(stdout).toMatch(/Request\s+→ None|Request → None/);
  });

  test('--baseline compares with another policy', async () => {
    const none = file('none.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    const { code, stdout } = await run([policy, log, '--baseline', none, '--format', 'json']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as ReplayReport).transitions.None.Metadata).toBe(1);
  });

  test('usage errors exit 2; a policy kube-apiserver refuses exits 1', async () => {
    expect((await run([policy, join(dir, 'missing.log')])).code).toBe(2);
    expect((await run([policy, log, '--format', 'yaml'])).code).toBe(2);
    expect((await run([policy, log, '--window', '0'])).code).toBe(2);
    const bad = file('bad.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n');
    const refused = await run([bad, log]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('kube-apiserver would refuse to start');
  });

  test.skipIf(!hasCorpus('logs/audit2rbac-demo.log'))('the corpus logs, all at once (skipped without ../shared/corpus)', async () => {
    const logs = ['logs/audit2rbac-demo.log', 'logs/elastic-integrations-test-audit.log', 'logs/falco-k8s-audit-trace-files.jsonl'].map(corpusPath);
    const { code, stdout } = await run([corpusPath('policies/audit2rbac-demo-policy.yaml'), ...logs]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Replayed \d+ events/);
  });
});
