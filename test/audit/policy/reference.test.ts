// The reference predicates of checker.ts (checker.go's matching, plainly) and
// the compiled evaluator that must agree with them on every rule and request.
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  evaluatePolicy,
  groupResourcesMatch,
  listAllows,
  nonResourceURLMatches,
  referenceRuleMatches,
  resourcePatternMatches,
  ruleMatchesRequest,
} from '../../../src/audit/policy/checker.js';
import { readPolicy } from '../../../src/audit/policy/reader.js';
import type { RequestAttributes } from '../../../src/request/types.js';

describe('reference predicates, one per pattern kind', () => {
  it('resources patterns: exact, resource/subresource, */subresource, resource/*, *', () => {
    expect(resourcePatternMatches('pods', 'pods', '')).toBe(true);
    expect(resourcePatternMatches('pods', 'pods', 'log')).toBe(false);
    expect(resourcePatternMatches('pods/log', 'pods', 'log')).toBe(true);
    expect(resourcePatternMatches('*/log', 'pods', 'log')).toBe(true);
    expect(resourcePatternMatches('*/log', 'pods', '')).toBe(false);
    expect(resourcePatternMatches('pods/*', 'pods', '')).toBe(true);
    expect(resourcePatternMatches('pods/*', 'pods', 'exec')).toBe(true);
    expect(resourcePatternMatches('pods/*', 'nodes', 'exec')).toBe(false);
    expect(resourcePatternMatches('*', 'anything', 'at-all')).toBe(true);
    expect(resourcePatternMatches('po*', 'pods', '')).toBe(false);
  });

  it('group/resource entries: the group or "*", no resources for the whole group, resourceNames only with resources', () => {
    const attrs = { apiGroup: 'apps', resource: 'deployments', subresource: '', name: 'web' };
    expect(groupResourcesMatch({ group: 'apps', resources: ['deployments'], resourceNames: [] } as never, attrs)).toBe(true);
    expect(groupResourcesMatch({ group: '', resources: ['deployments'], resourceNames: [] } as never, attrs)).toBe(false);
    expect(groupResourcesMatch({ group: '*', resources: ['deployments'], resourceNames: ['web'] } as never, attrs)).toBe(true);
    expect(groupResourcesMatch({ group: 'apps', resources: ['deployments'], resourceNames: ['db'] } as never, attrs)).toBe(false);
    expect(groupResourcesMatch({ group: 'apps', resources: [], resourceNames: ['db'] } as never, attrs)).toBe(true);
  });

  it('nonResourceURLs: "*", the path itself, "/prefix*"', () => {
    expect(nonResourceURLMatches('*', '/healthz')).toBe(true);
    expect(nonResourceURLMatches('/healthz', '/healthz')).toBe(true);
    expect(nonResourceURLMatches('/healthz', '/healthz/etcd')).toBe(false);
    expect(nonResourceURLMatches('/healthz*', '/healthz/etcd')).toBe(true);
    expect(nonResourceURLMatches('/logs**', '/logs/x')).toBe(true);
    expect(nonResourceURLMatches('/a*b', '/axb')).toBe(false);
  });

  it('users, groups, verbs, namespaces: empty allows all, otherwise literal membership', () => {
    expect(listAllows([], 'anything')).toBe(true);
    expect(listAllows(['get'], 'get')).toBe(true);
    expect(listAllows(['*'], 'get')).toBe(false);
  });
});

// A small vocabulary, crossed: every rule against every request.
const GROUPS = ['', 'apps', '*'];
const PATTERNS = ['pods', 'pods/log', '*/log', 'pods/*', '*', 'deployments', 'deployments/scale', 'po*'];
const URLS = ['/healthz', '/healthz*', '*', '/api/*'];

function policyText(): string {
  const rules: string[] = [];
  let k = 0;
  for (const group of GROUPS) {
    for (const pattern of PATTERNS) {
      const names = k % 3 === 0 ? ', resourceNames: ["web"]' : '';
      const ns = k % 4 === 1 ? '\n  namespaces: ["prod", ""]' : '';
      const verbs = k % 5 === 2 ? '\n  verbs: ["get", "list"]' : '';
      const users = k % 7 === 3 ? '\n  users: ["alice"]' : k % 7 === 5 ? '\n  userGroups: ["devs"]' : '';
      rules.push(`- level: Metadata${users}${verbs}${ns}\n  resources: [{group: "${group}", resources: ["${pattern}"]${names}}]`);
      k++;
    }
    rules.push(`- level: Request\n  resources: [{group: "${group}"}]`);
  }
  for (const url of URLS) rules.push(`- level: Request\n  nonResourceURLs: ["${url}"]`);
  rules.push('- level: None\n  namespaces: ["kube-system"]');
  rules.push('- level: None\n  users: ["bob"]\n  nonResourceURLs: ["/healthz"]');
  return `apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n${rules.join('\n')}\n`;
}

function requests(): RequestAttributes[] {
  const out: RequestAttributes[] = [];
  const users = [null, { name: 'alice', groups: ['system:authenticated'] }, { name: 'bob', groups: ['devs'] }];
  for (const user of users) {
    for (const verb of ['get', 'list', 'create']) {
      for (const [apiGroup, resource, subresource] of [
        ['', 'pods', ''],
        ['', 'pods', 'log'],
        ['', 'pods', 'exec'],
        ['', 'nodes', 'log'],
        ['apps', 'deployments', ''],
        ['apps', 'deployments', 'scale'],
        ['batch', 'jobs', ''],
      ]) {
        for (const namespace of ['prod', '', 'kube-system']) {
          for (const name of ['', 'web']) {
            out.push({ user, verb, resourceRequest: true, apiGroup, apiVersion: 'v1', resource, subresource, namespace, name, path: '/api' });
          }
        }
      }
      for (const path of ['/healthz', '/healthz/etcd', '/api/v1', '/metrics']) {
        out.push({ user, verb, resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path });
      }
    }
  }
  return out;
}

describe('the compiled evaluator agrees with the reference', () => {
  const read = readPolicy(policyText(), { file: 'reference.yaml' });
  if (!read.ok) throw new Error(read.error.message);
  const policy = read.policy;
  const compiled = compilePolicy(policy);
  const attrs = requests();

  it(`rule by rule: ${policy.rules.length} rules x ${attrs.length} requests`, () => {
    let matches = 0;
    const disagreements: string[] = [];
    for (const a of attrs) {
      policy.rules.forEach((rule, i) => {
        const reference = referenceRuleMatches(rule, a);
        if (reference) matches++;
        if (ruleMatchesRequest(compiled, i, a) !== reference) disagreements.push(`rule ${i} on ${JSON.stringify(a)}: reference says ${reference}`);
      });
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Neither "never" nor "always": the vocabulary exercises both outcomes.
    expect(matches).toBeGreaterThan(attrs.length);
    expect(matches).toBeLessThan(attrs.length * policy.rules.length);
  });

  it('first match: evaluatePolicy decides by the first rule the reference matches', () => {
    for (const a of attrs) {
      const first = policy.rules.findIndex((rule) => referenceRuleMatches(rule, a));
      expect(evaluatePolicy(compiled, a).ruleIndex).toBe(first < 0 ? null : first);
    }
  });
});
