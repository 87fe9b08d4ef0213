// The version-keyed behaviour table: a row for every supported version, and
// each difference switching where upstream's diffs say it does.
import { describe, expect, test } from 'vitest';
import { SUPPORTED_KUBE_VERSIONS } from '../../src/audit/kubeVersions.js';
import { readPolicy } from '../../src/audit/policy/reader.js';
import { behaviourOf } from '../../src/audit/versionBehaviour.js';

describe('behaviourOf', () => {
  test('has a row for every supported version', () => {
    for (const version of SUPPORTED_KUBE_VERSIONS) expect(behaviourOf(version)).toBeDefined();
  });

  test('group "*" from 1.36, JSON field values from 1.34, the scheme line moved in 1.35', () => {
    expect(SUPPORTED_KUBE_VERSIONS.map((v) => behaviourOf(v).wildcardGroup)).toEqual([false, false, false, true, true]);
    expect(SUPPORTED_KUBE_VERSIONS.map((v) => behaviourOf(v).fieldErrorValues)).toEqual(['go-syntax', 'json', 'json', 'json', 'json']);
    expect(SUPPORTED_KUBE_VERSIONS.map((v) => behaviourOf(v).schemeName.split(':')[1])).toEqual(['110', '110', '111', '111', '111']);
  });

  test('an unknown version is refused', () => {
    expect(() => behaviourOf('1.32' as never)).toThrow('invalid Kubernetes version "1.32": supported are 1.33, 1.34, 1.35, 1.36, 1.37');
  });
});

describe('the loader names the scheme as each version does', () => {
  const beta = 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: None\n';
  test.each([
    ['1.34', 'pkg/runtime/scheme.go:110'],
    ['1.35', 'pkg/runtime/scheme.go:111'],
  ] as const)('%s', (version, scheme) => {
    const result = readPolicy(beta, { kubeVersion: version });
    expect(result.ok ? 'loaded' : result.error.reason).toBe(
      `failed decoding: no kind "Policy" is registered for version "audit.k8s.io/v1beta1" in scheme "${scheme}"`,
    );
  });
});
