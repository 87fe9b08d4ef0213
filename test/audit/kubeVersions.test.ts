// The one table of supported versions: its pins, and how a version is named.
import { describe, expect, test } from 'vitest';
import {
  compareKubeVersions,
  DEFAULT_KUBE_VERSION,
  kubeRelease,
  NEWEST_KUBE_VERSION,
  OLDEST_KUBE_VERSION,
  parseKubeVersion,
  SUPPORTED_KUBE_VERSIONS,
} from '../../src/audit/kubeVersions.js';

describe('kubeVersions', () => {
  test('1.33 to 1.37, each pinned to a kubernetes release and the apiserver module built with it', () => {
    expect(SUPPORTED_KUBE_VERSIONS).toEqual(['1.33', '1.34', '1.35', '1.36', '1.37']);
    expect([OLDEST_KUBE_VERSION, NEWEST_KUBE_VERSION, DEFAULT_KUBE_VERSION]).toEqual(['1.33', '1.37', '1.37']);
    for (const version of SUPPORTED_KUBE_VERSIONS) {
      const { kubernetes, apiserverModule } = kubeRelease(version);
      expect(kubernetes.startsWith(`v${version}.`)).toBe(true);
      expect(apiserverModule).toBe(kubernetes.replace(/^v1\./, 'v0.'));
    }
  });

  test('a minor, "v" prefixed or not, with or without a patch; anything else refused with the list', () => {
    expect(['1.33', 'v1.34', 'v1.35.8', ' 1.36 ', '1.37.99'].map((v) => parseKubeVersion(v))).toEqual(['1.33', '1.34', '1.35', '1.36', '1.37']);
    expect(() => parseKubeVersion('1.38')).toThrow('kube version 1.38 is not supported; supported: 1.33, 1.34, 1.35, 1.36, 1.37');
    expect(() => parseKubeVersion('latest', '--kube-version')).toThrow('--kube-version must look like 1.37 (got "latest"); supported: ');
  });

  test('orders versions', () => {
    expect(compareKubeVersions('1.33', '1.37')).toBeLessThan(0);
    expect(compareKubeVersions('1.36', '1.36')).toBe(0);
  });
});
