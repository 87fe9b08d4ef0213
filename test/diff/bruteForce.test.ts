// The diff against brute force: random small policy pairs over a small alphabet,
// every request over that alphabet plus "other" values evaluated with the
// evaluator under both policies. The diff must report a change exactly when some
// request's written outcome differs, every such request must lie in a reported
// class of its own (old rule, new rule) pair, no unchanged request may lie in
// any reported class, and every example must really differ as reported.
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy, type AuditDecision } from '../../src/audit/policy/checker.js';
import type { Policy } from '../../src/audit/types.js';
import { diffPolicies } from '../../src/diff/diffPolicies.js';
import { regionContains } from '../../src/diff/example.js';
import { partitionChanges } from '../../src/diff/partition.js';
import type { RequestAttributes, UserInfo } from '../../src/request/types.js';
import { buildPolicy, type RuleSpec } from './policyBuilder.js';

/** mulberry32: small, seeded, reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];
const USERS = ['alice', 'bob'];
const GROUPS = ['g1', 'g2'];
const VERBS = ['get', 'create'];
const API_GROUPS = ['', 'apps', '*'];
const RESOURCE_PATTERNS = ['pods', 'secrets', 'pods/log', '*/log', 'pods/*', '*', '*/*', 'secrets/status', 'pods/log/x', '*/status'];
const NAMESPACES = ['', 'ns1'];
const NAMES = ['n1', ''];
const PATH_SPECS = ['*', '/api*', '/api', '/apis', '/healthz', '/healthz*', '/a*', '/other'];

function generator(seed: number) {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const subset = <T>(values: readonly T[]): T[] => {
    const chosen = values.filter(() => next() < 0.5);
    return chosen.length > 0 ? chosen : [pick(values)];
  };
  const maybe = <T>(p: number, make: () => T): T | undefined => (next() < p ? make() : undefined);

  const rule = (): RuleSpec => {
    const spec: RuleSpec = { level: pick(LEVELS) };
    spec.users = maybe(0.25, () => subset(USERS));
    spec.userGroups = maybe(0.25, () => subset([...GROUPS, 'system:authenticated']));
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
  const policy = (file: string, rules: RuleSpec[] = Array.from({ length: 1 + Math.floor(next() * 5) }, rule)): Policy =>
    buildPolicy({
      file,
      rules,
      omitStages: maybe(0.2, () => subset(STAGES)),
      omitManagedFields: next() < 0.3,
    });
  return { next, pick, rule, policy };
}

/** Every request over the alphabet plus values no policy mentions. */
function allRequests(): RequestAttributes[] {
  const users: (UserInfo | null)[] = [null];
  for (const name of [...USERS, 'other-user']) {
    for (const groups of [[], ['g1'], ['g2', 'system:authenticated'], ['g1', 'g2', 'system:authenticated']]) {
      users.push({ name, groups });
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
function written(decision: AuditDecision): string {
  if (decision.level === 'None') return 'None';
  const bodies = decision.level === 'Request' || decision.level === 'RequestResponse';
  return `${decision.level} ${decision.omitStages.join(',')} ${bodies ? decision.omitManagedFields : ''}`;
}

const REQUESTS = allRequests();

function checkPair(oldPolicy: Policy, newPolicy: Policy): { changed: boolean } {
  const oldCompiled = compilePolicy(oldPolicy);
  const newCompiled = compilePolicy(newPolicy);
  const diff = diffPolicies(oldPolicy, newPolicy);
  const { classes } = partitionChanges(oldPolicy, newPolicy);
  const byPair = new Map(classes.map((c) => [`${c.oldRule}:${c.newRule}`, c]));
  let someDiffer = false;
  for (const [index, request] of REQUESTS.entries()) {
    const before = evaluatePolicy(oldCompiled, request);
    const after = evaluatePolicy(newCompiled, request);
    const differs = written(before) !== written(after);
    someDiffer ||= differs;
    const own = byPair.get(`${before.ruleIndex}:${after.ruleIndex}`);
    const inOwnClass = own !== undefined && own.regions.some((region) => regionContains(region, request));
    if (differs && !inOwnClass) {
      throw new Error(`missed: ${JSON.stringify(request)} ${written(before)} -> ${written(after)}`);
    }
    // Scanning every class for every unchanged request is the slow part. Every
    // seventh request will do: 7 is coprime with each dimension's size, so every
    // combination of values still comes up.
    if (!differs && index % 7 === 0) {
      for (const c of classes) {
        if (c.regions.some((region) => regionContains(region, request))) {
          throw new Error(`unchanged request reported in class ${c.oldRule}:${c.newRule}: ${JSON.stringify(request)}`);
        }
      }
    }
  }
  expect(diff.classesChanged > 0).toBe(someDiffer);
  expect(diff.classesChanged).toBe(diff.changes.length);
  for (const change of diff.changes) {
    const before = evaluatePolicy(oldCompiled, change.attributes);
    const after = evaluatePolicy(newCompiled, change.attributes);
    expect(written(before)).not.toBe(written(after));
    expect(before.ruleIndex).toBe(change.old.ruleIndex);
    expect(after.ruleIndex).toBe(change.new.ruleIndex);
    expect({ level: before.level, omitStages: before.omitStages, omitManagedFields: before.omitManagedFields }).toEqual({
      level: change.old.level,
      omitStages: change.old.omitStages,
      omitManagedFields: change.old.omitManagedFields,
    });
    expect({ level: after.level, omitStages: after.omitStages, omitManagedFields: after.omitManagedFields }).toEqual({
      level: change.new.level,
      omitStages: change.new.omitStages,
      omitManagedFields: change.new.omitManagedFields,
    });
  }
  return { changed: someDiffer };
}

describe('diff against brute-force evaluation', () => {
  it('agrees on independent random pairs', { timeout: 60_000 }, () => {
    const gen = generator(20261121);
    let changed = 0;
    for (let i = 0; i < 60; i++) if (checkPair(gen.policy('old.yaml'), gen.policy('new.yaml')).changed) changed++;
    // The generator must exercise both answers.
    expect(changed).toBeGreaterThan(10);
  });

  it('agrees on pairs that differ by one small edit', { timeout: 60_000 }, () => {
    const gen = generator(7);
    let equivalent = 0;
    for (let i = 0; i < 80; i++) {
      const rules = Array.from({ length: 2 + Math.floor(gen.next() * 4) }, gen.rule);
      const edited = [...rules];
      const at = Math.floor(gen.next() * rules.length);
      const edit = gen.next();
      if (edit < 0.3 && at + 1 < rules.length) [edited[at], edited[at + 1]] = [edited[at + 1], edited[at]];
      else if (edit < 0.5) edited.splice(at, 1);
      else if (edit < 0.7) edited.splice(at, 0, gen.rule());
      else edited[at] = { ...edited[at], level: gen.pick(LEVELS) };
      const oldPolicy = buildPolicy({ file: 'old.yaml', rules });
      const newPolicy = buildPolicy({ file: 'new.yaml', rules: edited });
      if (!checkPair(oldPolicy, newPolicy).changed) equivalent++;
    }
    expect(equivalent).toBeGreaterThan(5);
  });
});
