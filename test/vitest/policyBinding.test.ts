// loadPolicyBinding: a policy kube-apiserver would refuse is reported with
// where it points (file:line:col), kube-apiserver's own words, and a hint
// where those words say little.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULT_KUBE_VERSION } from '../../src/audit/kubeVersions.js';
import { loadPolicyBinding, PolicyNotLoaded } from '../../src/vitest/policyBinding.js';

const dir = mkdtempSync(join(tmpdir(), 'auditspec-binding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  try {
    loadPolicyBinding(file);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyNotLoaded);
    return (err as Error).message.replaceAll(relative(process.cwd(), file), name);
  }
  throw new Error(`${name} loaded`);
}

describe('loadPolicyBinding refusals', () => {
  test('a YAML error: one place, and go-yaml\'s own line count explained', () => {
    expect(refusal('yaml.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n users: [a]\n')).toBe(
      [
        'yaml.yaml:5:2: kube-apiserver would refuse to start with this policy: failed decoding: yaml: line 4: did not find expected key',
        'hint: go-yaml numbers lines from 0 in this message: its "line 4" is line 5 of the file, where the problem is (column 2)',
      ].join('\n'),
    );
  });

  test('an empty file', () => {
    expect(refusal('empty.yaml', '')).toBe(
      [
        'empty.yaml:1:1: kube-apiserver would refuse to start with this policy: unknown group version field audit.k8s.io/__internal, Kind=Policy in policy',
        'hint: the file is empty: a policy starts with "apiVersion: audit.k8s.io/v1" and "kind: Policy", then its rules',
      ].join('\n'),
    );
  });

  test('no apiVersion', () => {
    expect(refusal('noapi.yaml', 'kind: Policy\nrules:\n- level: None\n')).toBe(
      [
        'noapi.yaml:1:1: kube-apiserver would refuse to start with this policy: unknown group version field audit.k8s.io/__internal, Kind=Policy in policy',
        'hint: the file has no top-level apiVersion: kube-apiserver needs "apiVersion: audit.k8s.io/v1" and "kind: Policy" to know it is reading a policy',
      ].join('\n'),
    );
  });

  test('validation errors: each field where it is written, no hint where the message says it all', () => {
    const message = refusal('invalid.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n- level: None\n  omitStages: [Never]\n');
    expect(message.split('\n')[0]).toMatch(/^invalid\.yaml:4:10: kube-apiserver would refuse to start with this policy: /);
    expect(message).toContain('\ninvalid.yaml:4:10: rules[0].level: Unsupported value: "Loud"');
    expect(message).toContain('\ninvalid.yaml:6:16: rules[1].omitStages[0]: Invalid value: "Never": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic');
    expect(message).not.toContain('hint:');
  });
});

describe('loadPolicyBinding kubeVersion', () => {
  const wildcard = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: "*"\n';

  test('a block judged as 1.35 is refused with what kube-apiserver 1.35 says; the same file loads as 1.36', () => {
    const file = join(dir, 'wildcard.yaml');
    writeFileSync(file, wildcard);
    expect(() => loadPolicyBinding(file, { kubeVersion: '1.35' })).toThrow(/wildcard\.yaml:6:\d+: .*rules\[0\]\.resources\.group: Invalid value: "\*": a lowercase RFC 1123 subdomain/);
    expect(loadPolicyBinding(file, { kubeVersion: '1.36' }).kubeVersion).toBe('1.36');
  });

  test('a release spelling names its minor; without one, the project version (the default outside a configured run)', () => {
    const file = join(dir, 'plain.yaml');
    writeFileSync(file, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    expect(loadPolicyBinding(file, { kubeVersion: 'v1.33.13' }).kubeVersion).toBe('1.33');
    expect(loadPolicyBinding(file).kubeVersion).toBe(DEFAULT_KUBE_VERSION);
  });

  test('an unsupported version is refused with the supported list', () => {
    expect(() => loadPolicyBinding(join(dir, 'plain.yaml'), { kubeVersion: '1.30' })).toThrow(
      'kubeVersion 1.30 is not supported; supported: 1.33, 1.34, 1.35, 1.36, 1.37',
    );
  });
});
