// auditspec/config: what plain `vitest` needs to run specs offline and end to end.
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DEFAULT_KUBE_VERSION } from '../../src/audit/kubeVersions.js';
import { auditspecTestConfig } from '../../src/vitest/config.js';
import { KUBE_VERSION_KEY } from '../../src/vitest/kubeVersion.js';

describe('auditspecTestConfig', () => {
  test('offline: only the matchers, from a file that exists', () => {
    const config = auditspecTestConfig();
    expect(config).toEqual({
      setupFiles: [expect.stringMatching(/vitest\/extend-expect\.(ts|js)$/)],
      globalSetup: [],
      provide: { [KUBE_VERSION_KEY]: DEFAULT_KUBE_VERSION },
    });
    expect(existsSync(config.setupFiles[0])).toBe(true);
    expect(auditspecTestConfig({ cluster: '' })).toEqual(config);
  });

  test('end to end: the run-wide control plane, the per-worker observer, the backend, timeouts for a cold start', () => {
    const config = auditspecTestConfig({ cluster: 'local', apiserverBin: '/opt/kube-apiserver' });
    expect(config.setupFiles).toHaveLength(2);
    for (const file of [...config.setupFiles, ...config.globalSetup]) expect(existsSync(file), file).toBe(true);
    expect(config.globalSetup).toEqual([expect.stringMatching(/e2e\/vitest\/globalSetup\.(ts|js)$/)]);
    expect(Object.values(config.provide)).toEqual([
      DEFAULT_KUBE_VERSION,
      { backend: 'local', options: { apiserverBin: '/opt/kube-apiserver', kubeVersion: DEFAULT_KUBE_VERSION } },
    ]);
    expect(config).toMatchObject({ testTimeout: 120_000, hookTimeout: 300_000 });
  });

  test('the backend settings are the options given over its environment variables, handed on through provide (never written to the environment)', () => {
    const env = { AUDITSPEC_KUBECONFIG: '/env/kc', AUDITSPEC_CONTEXT: 'staging', AUDITSPEC_KIND_REUSE: '1' };
    const config = auditspecTestConfig({ cluster: 'existing', kubeconfig: '/tmp/kc', auditLog: 'webhook' }, env);
    expect(Object.values(config.provide)).toEqual([
      DEFAULT_KUBE_VERSION,
      { backend: 'existing', options: { kubeconfig: '/tmp/kc', context: 'staging', auditLog: 'webhook', kubeVersion: DEFAULT_KUBE_VERSION } },
    ]);
    expect(process.env.AUDITSPEC_KUBECONFIG).toBeUndefined();
  });

  test('the project kube-apiserver version reaches every worker through provide, in any spelling', () => {
    expect(auditspecTestConfig({ kubeVersion: '1.33' }).provide).toEqual({ [KUBE_VERSION_KEY]: '1.33' });
    const live = auditspecTestConfig({ kubeVersion: 'v1.37.2', cluster: 'local' }).provide;
    expect(live[KUBE_VERSION_KEY]).toBe('1.37');
    // The backend gets the same version: its kube-apiserver is that version's release.
    expect(Object.values(live)).toContainEqual({ backend: 'local', options: { kubeVersion: '1.37' } });
  });

  test('an unsupported kube-apiserver version is refused with the list, before any worker starts', () => {
    expect(() => auditspecTestConfig({ kubeVersion: '1.32' })).toThrow('kubeVersion 1.32 is not supported; supported: 1.33, 1.34, 1.35, 1.36, 1.37');
  });

  test('an unknown backend is refused with the list', () => {
    expect(() => auditspecTestConfig({ cluster: 'minikube' })).toThrow('unknown cluster backend "minikube" (available: ');
  });
});
