// auditspec/config: what plain `vitest` needs to run specs offline and end to end.
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { auditspecTestConfig } from '../../src/vitest/config.js';

describe('auditspecTestConfig', () => {
  test('offline: only the matchers, from a file that exists', () => {
    const config = auditspecTestConfig();
    expect(config).toEqual({ setupFiles: [expect.stringMatching(/vitest\/extend-expect\.(ts|js)$/)], globalSetup: [], provide: {} });
    expect(existsSync(config.setupFiles[0])).toBe(true);
    expect(auditspecTestConfig({ cluster: '' })).toEqual(config);
  });

  test('end to end: the run-wide control plane, the per-worker observer, the backend, timeouts for a cold start', () => {
    const config = auditspecTestConfig({ cluster: 'local', apiserverBin: '/opt/kube-apiserver' });
    expect(config.setupFiles).toHaveLength(2);
    for (const file of [...config.setupFiles, ...config.globalSetup]) expect(existsSync(file), file).toBe(true);
    expect(config.globalSetup).toEqual([expect.stringMatching(/e2e\/vitest\/globalSetup\.(ts|js)$/)]);
    expect(Object.values(config.provide)).toEqual([{ backend: 'local', options: { apiserverBin: '/opt/kube-apiserver' } }]);
    expect(config).toMatchObject({ testTimeout: 120_000, hookTimeout: 300_000 });
  });

  test('the backend settings are the options given over its environment variables, handed on through provide (never written to the environment)', () => {
    const env = { AUDITSPEC_KUBECONFIG: '/env/kc', AUDITSPEC_CONTEXT: 'staging', AUDITSPEC_KIND_REUSE: '1' };
    const config = auditspecTestConfig({ cluster: 'existing', kubeconfig: '/tmp/kc', auditLog: 'webhook' }, env);
    expect(Object.values(config.provide)).toEqual([{ backend: 'existing', options: { kubeconfig: '/tmp/kc', context: 'staging', auditLog: 'webhook' } }]);
    expect(process.env.AUDITSPEC_KUBECONFIG).toBeUndefined();
  });

  test('an unknown backend is refused with the list', () => {
    expect(() => auditspecTestConfig({ cluster: 'minikube' })).toThrow('unknown cluster backend "minikube" (available: ');
  });
});
