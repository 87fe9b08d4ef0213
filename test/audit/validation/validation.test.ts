// validatePolicy on its own: upstream's ValidatePolicy checks, field paths and
// messages (each message here also appears, checked against
// k8s.io/apiserver v0.36.4, in test/audit/policy/reader.test.ts), and where
// each error points when the policy has no source map.

import { describe, expect, it } from 'vitest';
import { readPolicy } from '../../../src/audit/policy/reader.js';
import type { Policy, PolicyRule } from '../../../src/audit/types.js';
import { aggregateMessage, dnsSubdomainProblems, validatePolicy } from '../../../src/audit/validation/validation.js';

const at = (line: number, col = 1) => ({ file: 'p.yaml', line, col });

function rule(overrides: Partial<PolicyRule> = {}): PolicyRule {
  return {
    level: 'Metadata',
    users: [],
    userGroups: [],
    verbs: [],
    resources: [],
    namespaces: [],
    nonResourceURLs: [],
    omitStages: [],
    omitManagedFields: undefined,
    pos: at(10),
    fieldPos: {},
    ...overrides,
  };
}

function policy(rules: PolicyRule[], omitStages: string[] = []): Policy {
  return { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, omitStages, omitManagedFields: false, file: 'p.yaml' };
}

const DNS_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validatePolicy', () => {
  it('accepts a valid policy, and an empty one (the loader refuses that afterwards)', () => {
    expect(validatePolicy(policy([rule({ resources: [{ group: 'apps', resources: ['deployments'], resourceNames: ['web'], pos: at(12) }] })]))).toEqual([]);
    expect(validatePolicy(policy([]))).toEqual([]);
  });

  it('reports levels: required, or one of the four', () => {
    const errors = validatePolicy(policy([rule({ level: '' }), rule({ level: 'metadata', fieldPos: { level: at(20, 3) } })]));
    expect(errors).toEqual([
      { field: 'rules[0].level', message: 'rules[0].level: Required value', pos: at(10) },
      {
        field: 'rules[1].level',
        message: 'rules[1].level: Unsupported value: "metadata": supported values: "None", "Metadata", "Request", "RequestResponse"',
        pos: at(20, 3),
      },
    ]);
  });

  it('reports non-resource URLs per entry, both problems of one entry, and never "*"', () => {
    const errors = validatePolicy(policy([rule({ nonResourceURLs: ['*', 'x*y', '/ok*'] })]));
    expect(errors.map((e) => e.message)).toEqual([
      `rules[0].nonResourceURLs[1]: Invalid value: "x*y": non-resource URL rules must begin with a '/' character`,
      `rules[0].nonResourceURLs[1]: Invalid value: "x*y": non-resource URL wildcards '*' must be the final character of the rule`,
    ]);
  });

  it('reports rules mixing non-resource URLs with resources or namespaces, at the nonResourceURLs key', () => {
    const errors = validatePolicy(policy([rule({ nonResourceURLs: ['/api', '/a<b'], namespaces: ['ns'], fieldPos: { nonResourceURLs: at(11, 3) } })]));
    expect(errors).toEqual([
      {
        field: 'rules[0].nonResourceURLs',
        message: 'rules[0].nonResourceURLs: Invalid value: ["/api","/a\\u003cb"]: rules cannot apply to both regular resources and non-resource URLs',
        pos: at(11, 3),
      },
    ]);
  });

  it('reports bad groups and resourceNames without an index, at the resources entry', () => {
    const errors = validatePolicy(
      policy([
        rule({
          resources: [
            { group: '', resources: [], resourceNames: [], pos: at(12, 5) },
            { group: 'Apps', resources: [], resourceNames: ['x'], pos: at(13, 5) },
          ],
        }),
      ]),
    );
    expect(errors).toEqual([
      { field: 'rules[0].resources.group', message: `rules[0].resources.group: Invalid value: "Apps": ${DNS_MESSAGE}`, pos: at(13, 5) },
      {
        field: 'rules[0].resources.resourceNames',
        message: 'rules[0].resources.resourceNames: Invalid value: ["x"]: using resourceNames requires at least one resource',
        pos: at(13, 5),
      },
    ]);
  });

  it('accepts group "*" from 1.36 and reports it before', () => {
    const p = policy([rule({ resources: [{ group: '*', resources: [], resourceNames: [], pos: at(12) }] })]);
    expect(validatePolicy(p)).toEqual([]);
    expect(validatePolicy(p, '1.36')).toEqual([]);
    expect(validatePolicy(p, '1.37')).toEqual([]);
    expect(validatePolicy(p, '1.35').map((e) => e.message)).toEqual([`rules[0].resources.group: Invalid value: "*": ${DNS_MESSAGE}`]);
  });

  it('reports stages, policy-wide ones first', () => {
    const errors = validatePolicy(policy([rule({ level: 'Bad', omitStages: ['Panic', 'panic'] })], ['Later']));
    expect(errors.map((e) => e.field)).toEqual(['omitStages[0]', 'rules[0].level', 'rules[0].omitStages[1]']);
    expect(errors[0].message).toBe('omitStages[0]: Invalid value: "Later": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic');
  });

  it('points at list items when the policy came from the reader', () => {
    const result = readPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs:\n  - /ok\n  - bad\n', { file: 'p.yaml' });
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.error.details).toEqual([
      { field: 'rules[0].nonResourceURLs[1]', message: `rules[0].nonResourceURLs[1]: Invalid value: "bad": non-resource URL rules must begin with a '/' character`, pos: at(7, 3) },
    ]);
  });

  it('refuses a kubeVersion it cannot read', () => {
    expect(() => validatePolicy(policy([]), 'v1.36' as never)).toThrow(/invalid Kubernetes version/);
  });
});

describe('helpers', () => {
  it('dnsSubdomainProblems: length in bytes, then the pattern', () => {
    expect(dnsSubdomainProblems('rbac.authorization.k8s.io')).toEqual([]);
    expect(dnsSubdomainProblems('a'.repeat(253))).toEqual([]);
    expect(dnsSubdomainProblems('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
    expect(dnsSubdomainProblems('rbac.authorization.k8s.io/v1')).toEqual([DNS_MESSAGE]);
    expect(dnsSubdomainProblems('-a')).toEqual([DNS_MESSAGE]);
  });

  it('prints a []string or an unsupported level as Go syntax on 1.33 and as JSON from 1.34', () => {
    const p = policy([rule({ level: 'Lo<ud', resources: [{ group: '', resources: [], resourceNames: ['a', 'b<'], pos: at(12) }] })]);
    expect(validatePolicy(p, '1.33').map((e) => e.message)).toEqual([
      'rules[0].level: Unsupported value: "Lo<ud": supported values: "None", "Metadata", "Request", "RequestResponse"',
      'rules[0].resources.resourceNames: Invalid value: []string{"a", "b<"}: using resourceNames requires at least one resource',
    ]);
    expect(validatePolicy(p, '1.34').map((e) => e.message)).toEqual([
      'rules[0].level: Unsupported value: "Lo\\u003cud": supported values: "None", "Metadata", "Request", "RequestResponse"',
      'rules[0].resources.resourceNames: Invalid value: ["a","b\\u003c"]: using resourceNames requires at least one resource',
    ]);
  });

  it('aggregateMessage: one message as is, several in brackets, repeats once', () => {
    const e = (message: string) => ({ field: 'f', message });
    expect(aggregateMessage([e('a')])).toBe('a');
    expect(aggregateMessage([e('a'), e('b'), e('a')])).toBe('[a, b]');
    expect(aggregateMessage([e('a'), e('a')])).toBe('a');
  });
});
