import { describe, expect, it } from 'vitest';
import { lintPolicy } from '../../../src/lint/index.js';
import { lint, load } from '../lintFixture.js';

const entry = (group: string, resources: string) => `rules:\n- level: None\n  resources:\n  - group: ${group}\n    resources: ${resources}\n`;

describe('unknown-resource', () => {
  it('asks the catalogue of the version the policy is judged as', () => {
    const { policy, warnings } = load(entry('scheduling.k8s.io', '["workloads"]'));
    expect(lintPolicy(policy, { warnings, only: ['unknown-resource'], kubeVersion: '1.36' })).toEqual([]);
    const [finding] = lintPolicy(policy, { warnings, only: ['unknown-resource'], kubeVersion: '1.33' });
    expect(finding?.message).toContain('kube-apiserver 1.33.13 serves no resource "workloads" in group "scheduling.k8s.io"');
    // Workloads arrived in 1.35 (alpha, off by default): 1.34's own discovery lacks them, 1.35's has them.
    const [in134] = lintPolicy(policy, { warnings, only: ['unknown-resource'], kubeVersion: '1.34' });
    expect(in134?.message).toContain('kube-apiserver 1.34.12 serves no resource "workloads"');
    expect(lintPolicy(policy, { warnings, only: ['unknown-resource'], kubeVersion: '1.35' })).toEqual([]);
  });

  it('reports a built-in resource named in the wrong built-in group, with the right one', () => {
    const [finding] = lint('unknown-resource', entry('""', '["deployments"]'));
    expect(finding.message).toContain('no resource "deployments" in the core group');
    expect(finding.message).toContain('built-in "deployments" is in group "apps"');
  });

  it('suggests the plural resource for a kind, including subresource kinds', () => {
    expect(lint('unknown-resource', entry('apps', '["Deployment"]'))).toEqual([]); // upper case: malformed-resource
    expect(lint('unknown-resource', entry('apps', '["deployment"]'))[0].message).toContain('"deployments" in group "apps"');
    expect(lint('unknown-resource', entry('authentication.k8s.io', '["tokenrequests"]'))[0].message).toContain('"serviceaccounts/token" in the core group');
  });

  it('reports subresources the resource does not have', () => {
    const [finding] = lint('unknown-resource', entry('""', '["pods/logs"]'));
    expect(finding.message).toContain('no subresource "logs"');
    expect(finding.message).toContain('"log"');
  });

  it('reports groups that cannot be custom (no dot, or *.k8s.io) when the resource exists built in elsewhere', () => {
    expect(lint('unknown-resource', entry('extensions', '["deployments", "ingresses"]'))).toHaveLength(2);
    expect(lint('unknown-resource', entry('extensions', '["deployments"]'))[0].message).toContain('custom resource groups always contain a dot');
  });

  it('leaves custom and aggregated groups alone, even with built-in names', () => {
    expect(lint('unknown-resource', entry('projectcalico.org', '["networkpolicies"]'))).toEqual([]);
    expect(lint('unknown-resource', entry('metrics.k8s.io', '["pods", "nodes"]'))).toEqual([]);
    expect(lint('unknown-resource', entry('example.com', '["widgets"]'))).toEqual([]);
  });

  it('accepts real resources, wildcards and whole groups', () => {
    expect(lint('unknown-resource', entry('""', '["pods", "pods/log", "pods/*", "*/status", "*", "namespaces/finalize"]'))).toEqual([]);
    expect(lint('unknown-resource', entry('"*"', '["deployments"]'))).toEqual([]);
    expect(lint('unknown-resource', 'rules:\n- level: None\n  resources:\n  - group: apps\n')).toEqual([]);
  });
});
