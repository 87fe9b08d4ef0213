// `auditspec check`: exit codes and output, in-process through main() and once
// through the built bin. Expected kube-apiserver messages were obtained from
// k8s.io/apiserver v0.36.4's LoadPolicyFromBytes.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CheckReport } from '../../src/cli/commands/check.js';

const dir = mkdtempSync(join(tmpdir(), 'auditspec-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';
function policyFile(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${HEADER}${body}`);
  return path;
}

const CLEAN = policyFile('clean.yaml', 'omitStages: ["RequestReceived"]\nrules:\n- level: None\n  nonResourceURLs: ["/healthz*"]\n- level: Metadata\n');
const LINTY = policyFile('linty.yaml', 'rules:\n- level: None\n  resources:\n  - group: core\n    resources: ["pods"]\n- level: Metadata\n  omitStages: ["RequestReceived"]\n');
const BAD_LEVEL = policyFile('bad-level.yaml', 'rules:\n- level: Foo\n');
const TWO_ERRORS = policyFile('two-errors.yaml', 'rules:\n- level: Foo\n- nonResourceURLs: ["healthz"]\n  level: None\n');
const BAD_YAML = policyFile('bad-yaml.yaml', 'rules:\n- level: "None\n');
const BAD_TYPE = policyFile('bad-type.yaml', 'rules:\n- level: None\n  verbs: get\n');

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(['check', ...args]);
  return { code, out: stdout, err: stderr };
}

describe('auditspec check', () => {
  it('exits 0 for a policy kube-apiserver loads, with no warnings when there is nothing to say', async () => {
    const { code, out } = await run(CLEAN);
    expect(code).toBe(0);
    expect(out).toBe(`${CLEAN}: kube-apiserver would load this policy\n`);
  });

  it('prints lint findings as file:line:col warnings and still exits 0', async () => {
    const { code, out } = await run(LINTY);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${LINTY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:3: warning: group "core" is not the core API group.* \\[core-group\\]$`));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`${LINTY}: kube-apiserver would load this policy; 1 warning`);
  });

  it('--strict exits 1 when there is any finding, 0 when there is none', async () => {
    expect((await run(LINTY, '--strict')).code).toBe(1);
    expect((await run(CLEAN, '--strict')).code).toBe(0);
  });

  it("exits 1 with kube-apiserver's exact message and its position when it would refuse the policy", async () => {
    const { code, out } = await run(BAD_LEVEL);
    expect(code).toBe(1);
    expect(out.split('\n')[0]).toBe(
      `${BAD_LEVEL}:4:10: error: rules[0].level: Unsupported value: "Foo": supported values: "None", "Metadata", "Request", "RequestResponse"`,
    );
    expect(out).toContain('kube-apiserver would refuse to start with this policy');
  });

  it('prints the aggregated message once and points at each validation error', async () => {
    const { code, out } = await run(TWO_ERRORS);
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      `${TWO_ERRORS}:4:10: error: [rules[0].level: Unsupported value: "Foo": supported values: "None", "Metadata", "Request", "RequestResponse", rules[1].nonResourceURLs[0]: Invalid value: "healthz": non-resource URL rules must begin with a '/' character]`,
    );
    expect(lines[1]).toMatch(/:4:10: note: rules\[0\]\.level: /);
    expect(lines[2]).toMatch(/:5:\d+: note: rules\[1\]\.nonResourceURLs\[0\]: /);
  });

  it('exits 1 for documents kube-apiserver cannot decode', async () => {
    const yaml = await run(BAD_YAML);
    expect(yaml.code).toBe(1);
    expect(yaml.out).toContain('error: failed decoding: yaml: line 5: found unexpected end of stream\n');
    const type = await run(BAD_TYPE);
    expect(type.code).toBe(1);
    expect(type.out).toContain(
      'error: failed decoding: json: cannot unmarshal string into Go struct field PolicyRule.rules.verbs of type []string\n',
    );
  });

  it('exits 2 on usage errors and unreadable files', async () => {
    const missing = await run(join(dir, 'missing.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
    // A directory is a module directory; one without modules is no policy at all.
    const empty = mkdtempSync(join(dir, 'empty-'));
    const directory = await run(empty);
    expect(directory.code).toBe(2);
    expect(directory.err).toContain('a directory without policy modules');
    const version = await run(CLEAN, '--kube-version', 'banana');
    expect(version.code).toBe(2);
    expect(version.err).toContain('--kube-version');
    const format = await run(CLEAN, '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.err).toContain('--format');
    expect((await run()).code).toBe(2);
  });

  it('--format json reports loadable policies with their lint findings', async () => {
    const { code, out } = await run(LINTY, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as CheckReport;
    expect(Object.keys(report)).toEqual(['file', 'valid', 'error', 'errors', 'hints', 'warnings', 'lint']);
    expect(report).toMatchObject({ file: LINTY, valid: true, error: null, errors: [], hints: [], warnings: [] });
    expect(report.lint.map((f) => f.code)).toContain('core-group');
    expect(report.lint.find((f) => f.code === 'core-group')).toMatchObject({ severity: 'warning', ruleIndex: 0, pos: { line: 6, col: 3 } });
  });

  it('--format json reports refused policies with the exact message and each field error', async () => {
    const { code, out } = await run(TWO_ERRORS, '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(out) as CheckReport;
    expect(report.valid).toBe(false);
    expect(report.error).toMatch(/^\[rules\[0\]\.level: Unsupported value/);
    expect(report.errors.map((e) => e.field)).toEqual(['rules[0].level', 'rules[1].nonResourceURLs[0]']);
    expect(report.lint).toEqual([]);
  });

  it('adds a hint beside kube-apiserver\'s bare message for an empty file or a missing apiVersion', async () => {
    // Written without the header policyFile adds: the header is what is missing.
    const raw = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const empty = await run(raw('empty.yaml', ''));
    expect(empty.code).toBe(1);
    expect(empty.out).toMatch(/empty\.yaml:1:1: error: unknown group version field audit\.k8s\.io\/__internal, Kind=Policy in policy\n.*empty\.yaml:1:1: hint: the file is empty: a policy starts with "apiVersion: audit\.k8s\.io\/v1" and "kind: Policy", then its rules\n/);
    const noApi = await run(raw('noapi.yaml', 'kind: Policy\nrules:\n- level: None\n'), '--format', 'json');
    expect((JSON.parse(noApi.out) as CheckReport).hints).toEqual([
      'the file has no top-level apiVersion: kube-apiserver needs "apiVersion: audit.k8s.io/v1" and "kind: Policy" to know it is reading a policy',
    ]);
  });

  it('reports dropped fields from lenient decoding as warnings', async () => {
    const path = policyFile('typo.yaml', 'omitStages: ["RequestReceived"]\nrules:\n- level: None\n  verb: ["get"]\n- level: Metadata\n');
    const { code, out } = await run(path, '--strict');
    expect(code).toBe(1);
    expect(out).toMatch(/typo\.yaml:6:3: warning: "verb" .*matches every verb.* \[silently-ignored\]/);
  });
});

const BIN = join(import.meta.dirname, '../../bin/auditspec.js');
const BUILT = join(import.meta.dirname, '../../dist/cli/commands/check.js');

describe.skipIf(!existsSync(BUILT))('auditspec check through the built bin (npm run build first)', { timeout: 60_000 }, () => {
  it('gives the same exit codes and output as in-process', async () => {
    const exec = promisify(execFile);
    const runBin = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      exec(process.execPath, [BIN, 'check', ...args]).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const ok = await runBin(CLEAN);
    expect(ok).toMatchObject({ code: 0, stdout: `${CLEAN}: kube-apiserver would load this policy\n` });
    const refused = await runBin(BAD_LEVEL);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('error: rules[0].level: Unsupported value: "Foo"');
    const strict = await runBin(LINTY, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe((await run(LINTY, '--strict')).out);
    const usage = await runBin(join(dir, 'missing.yaml'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('no such file');
  });
});
