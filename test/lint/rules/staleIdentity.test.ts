import { describe, expect, it } from 'vitest';
import { lint } from '../lintFixture.js';

describe('stale-identity', () => {
  it('reports system:unsecured, kubelet and system:kube-proxy', () => {
    const findings = lint('stale-identity', 'rules:\n- level: None\n  users: ["system:unsecured", "kubelet", "system:kube-proxy"]\n');
    const about = (user: string) => findings.find((f) => f.message.startsWith(`user "${user}"`))?.message;
    expect(findings).toHaveLength(3);
    expect(about('system:unsecured')).toContain('insecure port');
    expect(about('kubelet')).toContain('system:nodes');
    expect(about('system:kube-proxy')).toContain('system:serviceaccount:kube-system:kube-proxy');
  });

  it('is satisfied when the rule also names the current identity', () => {
    expect(lint('stale-identity', 'rules:\n- level: None\n  users: ["system:kube-proxy", "system:serviceaccount:kube-system:kube-proxy"]\n')).toEqual([]);
  });

  it('does not report identities kube-apiserver still uses (system:apiserver is its loopback client)', () => {
    expect(lint('stale-identity', 'rules:\n- level: None\n  users: ["system:apiserver", "system:kube-scheduler", "system:kube-controller-manager"]\n')).toEqual([]);
  });
});
