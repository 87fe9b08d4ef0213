import { describe, expect, it } from 'vitest';
import { fillFlags, loadDefinition, withFlag } from '../../../src/clusters/common/definition.js';

const VALUES = {
  runDir: '/tmp/run',
  etcdClientPort: 1,
  etcdPeerPort: 2,
  apiserverPort: 3,
  policyFile: '/p.yaml',
  auditLogFile: '/a.log',
};

describe('the local control plane definition', () => {
  const definition = loadDefinition();

  it('fills every placeholder from the values the control plane provides', () => {
    const etcd = fillFlags(definition.etcd, VALUES);
    const api = fillFlags(definition['kube-apiserver'], VALUES);
    expect([...etcd, ...api].filter((f) => f.includes('${'))).toEqual([]);
    expect(etcd).toContain('--listen-client-urls=http://127.0.0.1:1');
  });

  it('runs kube-apiserver as the audit tests need it', () => {
    const api = fillFlags(definition['kube-apiserver'], VALUES);
    for (const flag of [
      '--authorization-mode=RBAC',
      '--audit-policy-file=/p.yaml',
      '--audit-log-path=/a.log',
      '--audit-log-mode=blocking',
      '--audit-log-format=json',
      '--anonymous-auth=true',
      '--secure-port=3',
      '--bind-address=127.0.0.1',
    ]) {
      expect(api).toContain(flag);
    }
    // No rotation: the log is tailed as one file.
    expect(api).toContain('--audit-log-maxsize=0');
  });

  it("sets only Go runtime variables in kube-apiserver's environment (nothing that could change what is audited)", () => {
    const names = Object.keys(definition['kube-apiserver-environment']);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS'].includes(name))).toEqual([]);
  });

  it('rejects a placeholder without a value, and replaces a flag', () => {
    expect(() => fillFlags(['--x=${nope}'], VALUES)).toThrow(/\$\{nope\}/);
    expect(withFlag(['--a=1', '--b=2'], 'a', '3')).toEqual(['--b=2', '--a=3']);
  });
});
