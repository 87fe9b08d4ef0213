// auditspec/config: what plain `vitest` needs to run specs offline and end to end.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { auditspecTestConfig } from '../../src/vitest/config.js';

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['AUDITSPEC_KUBECONFIG', 'AUDITSPEC_AUDIT_LOG', 'AUDITSPEC_KIND_REUSE']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

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
    expect(Object.values(config.provide)).toEqual([{ backend: 'local', apiserverBin: '/opt/kube-apiserver', etcdBin: undefined }]);
    expect(config).toMatchObject({ testTimeout: 120_000, hookTimeout: 300_000 });
  });

  test('existing and kind settings reach the backends through the environment', () => {
    auditspecTestConfig({ cluster: 'existing', kubeconfig: '/tmp/kc', auditLog: 'webhook' });
    expect(process.env.AUDITSPEC_KUBECONFIG).toBe('/tmp/kc');
    expect(process.env.AUDITSPEC_AUDIT_LOG).toBe('webhook');
  });

  test('an unknown backend is refused with the list', () => {
    expect(() => auditspecTestConfig({ cluster: 'minikube' })).toThrow('unknown cluster backend "minikube" (available: ');
  });
});
