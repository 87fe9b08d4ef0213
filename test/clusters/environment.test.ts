// Backends' settings come from the environment in one place, at the edge.
import { describe, expect, it } from 'vitest';
import { BACKEND_ENVIRONMENT, backendOptionsFromEnv } from '../../src/clusters/environment.js';
import { clusterSettings } from '../../src/cli/clusterFlags.js';
import { UsageError } from '../../src/cli/errors.js';

describe('backendOptionsFromEnv', () => {
  it('takes only the named backend’s variables, booleans as booleans, empty as unset', () => {
    const env = {
      AUDITSPEC_KUBECONFIG: '/k/config',
      AUDITSPEC_AUDIT_LOG: 'webhook',
      AUDITSPEC_KIND_REUSE: 'yes',
      AUDITSPEC_KIND_RETAIN: '0',
      AUDITSPEC_KIND_NAME: '',
      AUDITSPEC_APISERVER_IMAGE: 'mine/kube-apiserver:v1',
    };
    expect(backendOptionsFromEnv('existing', env)).toEqual({ kubeconfig: '/k/config', auditLog: 'webhook' });
    expect(backendOptionsFromEnv('kind', env)).toEqual({ reuse: true, retain: false });
    expect(backendOptionsFromEnv('containers', env)).toEqual({ apiserverImage: 'mine/kube-apiserver:v1' });
    expect(backendOptionsFromEnv('local', env)).toEqual({});
  });

  it('names every variable once', () => {
    const names = BACKEND_ENVIRONMENT.map((s) => s.variable);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('clusterSettings (the CLI’s --cluster flags)', () => {
  it('lets a flag override the environment', () => {
    expect(clusterSettings('existing', { kubeconfig: '/flag' }, { AUDITSPEC_KUBECONFIG: '/env', AUDITSPEC_AUDIT_LOG: '/log' })).toEqual({
      backend: 'existing',
      options: { kubeconfig: '/flag', auditLog: '/log' },
    });
    expect(clusterSettings('kind', { reuse: true }, {})).toEqual({ backend: 'kind', options: { reuse: true } });
  });

  it('refuses a flag of another backend, a flag without --cluster, and an unknown backend', () => {
    expect(() => clusterSettings('local', { reuse: true }, {})).toThrow(new UsageError('--reuse is for --cluster kind, not --cluster local'));
    expect(() => clusterSettings(undefined, { kubeconfig: 'x', etcdBin: 'y' }, {})).toThrow(
      new UsageError('--etcd-bin, --kubeconfig only mean something with --cluster'),
    );
    expect(() => clusterSettings('minikube', {}, {})).toThrow(/unknown cluster backend "minikube" \(available: local, containers, kind, existing\)/);
    expect(clusterSettings(undefined, {}, {})).toBeUndefined();
  });
});
