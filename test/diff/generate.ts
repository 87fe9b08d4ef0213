// Random small policies over a small alphabet, and every request over that
// alphabet plus values no policy mentions: the brute-force side of the diff's
// tests (against our evaluator, and against upstream's through the oracle).
import type { Policy } from '../../src/audit/types.js';
import type { RequestAttributes, UserInfo } from '../../src/request/types.js';
import { buildPolicy, type PolicySpec, type RuleSpec } from './policyBuilder.js';
import { seededFloats } from '../../conformance/generate/random.js';

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];
const USERS = ['alice', 'bob'];
const GROUPS = ['g1', 'g2'];
const VERBS = ['get', 'create'];
const API_GROUPS = ['', 'apps', '*'];
const RESOURCE_PATTERNS = ['pods', 'secrets', 'pods/log', '*/log', 'pods/*', '*', '*/*', 'secrets/status', 'pods/log/x', '*/status'];
const NAMESPACES = ['', 'ns1'];
const NAMES = ['n1', ''];
const PATH_SPECS = ['*', '/api*', '/api', '/apis', '/healthz', '/healthz*', '/a*', '/other'];

/** The groups a generated rule's userGroups draws from, and every request's groups a subset of. */
const GROUP_ALPHABET = [...GROUPS, 'system:authenticated'];

export function generator(seed: number) {
  const next = seededFloats(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const subset = <T>(values: readonly T[]): T[] => {
    const chosen = values.filter(() => next() < 0.5);
    return chosen.length > 0 ? chosen : [pick(values)];
  };
  const maybe = <T>(p: number, make: () => T): T | undefined => (next() < p ? make() : undefined);

  const rule = (): RuleSpec => {
    const spec: RuleSpec = { level: pick(LEVELS) };
    spec.users = maybe(0.25, () => subset(USERS));
    spec.userGroups = maybe(0.25, () => subset(GROUP_ALPHABET));
    spec.verbs = maybe(0.4, () => subset(VERBS));
    const kind = next();
    if (kind < 0.5) {
      spec.namespaces = maybe(0.4, () => subset(NAMESPACES));
      spec.resources = maybe(0.8, () =>
        Array.from({ length: 1 + Math.floor(next() * 2) }, () => {
          const resources = maybe(0.85, () => subset(RESOURCE_PATTERNS)) ?? [];
          return {
            group: pick(API_GROUPS),
            resources,
            resourceNames: resources.length > 0 ? maybe(0.25, () => subset(NAMES)) : undefined,
          };
        }),
      );
    } else if (kind < 0.75) {
      spec.nonResourceURLs = subset(PATH_SPECS);
    }
    spec.omitStages = maybe(0.2, () => subset(STAGES));
    spec.omitManagedFields = maybe(0.3, () => next() < 0.5);
    return spec;
  };
  const spec = (file: string, rules: RuleSpec[] = Array.from({ length: 1 + Math.floor(next() * 5) }, rule)): PolicySpec => ({
    file,
    rules,
    omitStages: maybe(0.2, () => subset(STAGES)),
    omitManagedFields: next() < 0.3,
  });
  const policy = (file: string, rules?: RuleSpec[]): Policy => buildPolicy(spec(file, rules));
  return { next, pick, rule, spec, policy };
}

/** Every request over the alphabet plus values no policy mentions. */
export function allRequests(): RequestAttributes[] {
  const users: (UserInfo | null)[] = [null];
  for (const name of [...USERS, 'other-user']) {
    // Every subset of the groups rules name: a rule's userGroups can match a
    // member of g2 who is not system:authenticated, and only that request tells
    // it apart from one that names system:authenticated (the diff found such a
    // change that an alphabet of four group sets could not see).
    for (let mask = 0; mask < 1 << GROUP_ALPHABET.length; mask++) {
      users.push({ name, groups: GROUP_ALPHABET.filter((_, bit) => mask & (1 << bit)) });
    }
  }
  const requests: RequestAttributes[] = [];
  const base = { apiVersion: 'v1', path: '' };
  for (const user of users) {
    for (const verb of [...VERBS, 'other-verb']) {
      for (const apiGroup of ['', 'apps', 'other.group']) {
        for (const resource of ['pods', 'secrets', '*', 'other-resource']) {
          for (const subresource of ['', 'log', 'status', '*', 'other-sub']) {
            for (const namespace of ['', 'ns1', 'other-ns']) {
              for (const name of ['', 'n1', 'other-name']) {
                requests.push({ ...base, user, verb, resourceRequest: true, apiGroup, resource, subresource, namespace, name });
              }
            }
          }
        }
      }
      for (const path of ['/api', '/api/v1', '/apis', '/apis/x', '/healthz', '/healthz/x', '/a', '/other', '/other-x', '/', '*']) {
        requests.push({ user, verb, resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path });
      }
    }
  }
  return requests;
}

/** What kube-apiserver writes, independently of the diff's own notion. */
export function written(decision: { level: string; omitStages: readonly string[]; omitManagedFields: boolean }): string {
  if (decision.level === 'None') return 'None';
  const bodies = decision.level === 'Request' || decision.level === 'RequestResponse';
  return `${decision.level} ${decision.omitStages.join(',')} ${bodies ? decision.omitManagedFields : ''}`;
}


/** The policy as a kube-apiserver policy file (JSON, which is YAML too). */
export function policyText(spec: PolicySpec): string {
  const rules = spec.rules.map((rule) => {
    const out: Record<string, unknown> = { level: rule.level };
    for (const key of ['users', 'userGroups', 'verbs', 'namespaces', 'nonResourceURLs', 'omitStages'] as const) {
      if (rule[key] !== undefined) out[key] = rule[key];
    }
    if (rule.resources !== undefined) {
      out.resources = rule.resources.map((entry) => ({
        group: entry.group ?? '',
        ...(entry.resources !== undefined ? { resources: entry.resources } : {}),
        ...(entry.resourceNames !== undefined ? { resourceNames: entry.resourceNames } : {}),
      }));
    }
    if (rule.omitManagedFields !== undefined) out.omitManagedFields = rule.omitManagedFields;
    return out;
  });
  return JSON.stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    ...(spec.omitStages !== undefined ? { omitStages: spec.omitStages } : {}),
    omitManagedFields: spec.omitManagedFields ?? false,
    rules,
  });
}
