import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';

const run = (args: string[]) => runCli(['record', ...args]);

describe.skipIf(!hasCorpus('logs/audit2rbac-demo.log'))('auditspec record (skipped without ../shared/corpus)', () => {
  // Made inside the block: a file whose tests are all skipped runs no hooks, so a directory made at the top would be left behind.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'auditspec-record-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('--out writes the spec and stderr summarises', async () => {
    const out = join(dir, 'demo.audit.spec.ts');
    const { code, stdout, stderr } = await run([corpusPath('logs/audit2rbac-demo.log'), '--policy', corpusPath('policies/audit2rbac-demo-policy.yaml'), '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/wrote .*demo\.audit\.spec\.ts\n\s+37 requests, \d+ tests/);
    expect(readFileSync(out, 'utf8')).toMatch(/^describePolicy\('.*audit2rbac-demo-policy\.yaml', \(\) => \{$/m);
  });

  test('to standard output, capped by --max-classes, with a placeholder policy when none is given', async () => {
    const { code, stdout, stderr } = await run([corpusPath('logs/audit2rbac-demo.log'), '--max-classes', '2']);
    expect(code).toBe(0);
    expect(stdout.match(/^\s+test\(/gm)).toHaveLength(2);
    expect(stdout).toContain("describePolicy('audit-policy.yaml'");
    expect(stderr).toContain('no --policy');
  });

  test('usage errors exit 2', async () => {
    expect((await run([join(dir, 'missing.log')])).code).toBe(2);
    expect((await run([corpusPath('logs/audit2rbac-demo.log'), '--max-classes', 'x'])).code).toBe(2);
  });
});
