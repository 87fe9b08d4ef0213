import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'auditspec-diff-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const run = (args: string[]) => runCli(['diff', ...args]);

const head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n';
const before = file('before.yaml', `${head}- level: None\n  nonResourceURLs: ["/healthz*"]\n- level: Metadata\n`);
const reordered = file('reordered.yaml', `${head}- level: None\n  nonResourceURLs: ["/healthz*"]\n- level: Metadata\n  resources: [{group: apps}]\n- level: Metadata\n`);
const after = file('after.yaml', `${head}- level: None\n  nonResourceURLs: ["/healthz*"]\n- level: RequestResponse\n  resources: [{group: "", resources: [secrets]}]\n- level: Metadata\n`);

describe('auditspec diff', () => {
  it('exits 0 and says so when the policies are equivalent', async () => {
    const { code, stdout } = await run([before, reordered]);
    expect(code).toBe(0);
    expect(stdout).toContain('equivalent');
  });

  it('exits 1 with the changes in text', async () => {
    const { code, stdout } = await run([before, after]);
    expect(code).toBe(1);
    expect(stdout).toContain('1 class of requests audited differently');
    expect(stdout).toContain('level Metadata → RequestResponse');
    expect(stdout).toMatch(/new: RequestResponse \(.*after\.yaml:6\)/);
    expect(stdout).toMatch(/eval: \{"method":"[A-Z]+","url":"\/api\/v1\/[^"]*secrets/);
  });

  it('JSON: changes with an eval-ready example, both decisions and the class count', async () => {
    const { code, stdout } = await run([before, after, '--format', 'json']);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.classesChanged).toBe(1);
    expect(json.equivalent).toBe(false);
    const [change] = json.changes;
    expect(Object.keys(change.example).sort()).toEqual(['method', 'url', 'user']);
    expect(change.old).toEqual({ level: 'Metadata', omitStages: [], omitManagedFields: false, rule: expect.stringMatching(/before\.yaml:6$/), ruleIndex: 1 });
    expect(change.new).toEqual({ level: 'RequestResponse', omitStages: [], omitManagedFields: false, rule: expect.stringMatching(/after\.yaml:6$/), ruleIndex: 1 });
    expect(change.description).toContain('level Metadata → RequestResponse');
  });

  it('Markdown: a table fit for a pull-request comment', async () => {
    const { code, stdout } = await run([before, after, '--format', 'markdown']);
    expect(code).toBe(1);
    expect(stdout).toContain('| # | Example request | Old | New | Old rule | New rule |');
    expect(stdout).toMatch(/\| 1 \| `[^`]*secrets[^`]*` \| Metadata \| RequestResponse \|/);
    expect(stdout).toContain('```jsonl');
  });

  it('exits 2 with kube-apiserver\'s message and the file for an invalid policy', async () => {
    const invalid = file('invalid.yaml', `${head}- level: Loud\n`);
    const { code, stderr, stdout } = await run([before, invalid]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('invalid.yaml');
    expect(stderr).toContain('rules[0].level: Unsupported value: "Loud"');
  });

  it('exits 2 for a file that cannot be read', async () => {
    const { code, stderr } = await run([before, join(dir, 'missing.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toContain('missing.yaml');
  });

  it('exits 2 for a bad flag', async () => {
    expect((await run([before, after, '--format', 'html'])).code).toBe(2);
    expect((await run([before, after, '--kube-version', 'latest'])).code).toBe(2);
  });
});
