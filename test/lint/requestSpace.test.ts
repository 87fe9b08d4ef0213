// The request space must agree with the checker (the only source of matching
// semantics) on every request, and its coverage answers must be exact: a witness
// must really fall through the covering rules, and a "covered" answer must hold for
// every request of the region.
import { describe, expect, it } from 'vitest';
import type { GroupResources, Policy, PolicyRule } from '../../src/audit/types.js';
import { attributesFromHttp, httpFromAttributes } from '../../src/request/attributes.js';
import type { Identity, RequestAttributes } from '../../src/request/types.js';
import { compilePolicy, firstMatchingRule, ruleMatchesRequest } from '../../src/audit/policy/checker.js';
import {
  buildRequestSpace,
  everyRequest,
  findUncovered,
  impossibleRequests,
  intersectBoxes,
  requestIn,
  ruleRegion,
  type Box,
  type RequestSpace,
} from '../../src/lint/requestSpace.js';

const pos = { file: 'fuzz.yaml', line: 1, col: 1 };

/** A small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = {
  users: ['alice', 'bob', 'system:anonymous'],
  groups: ['dev', 'ops', 'system:authenticated', 'system:unauthenticated'],
  verbs: ['get', 'list', 'watch', 'create', 'delete', 'deletecollection', 'update', 'GET', 'post', ''],
  apiGroups: ['', 'apps', '*', 'example.com'],
  resources: ['pods', 'pods/log', 'pods/*', '*/log', '*', 'deployments', '*/*', 'secrets', 'pods/status', 'a/b/c', ''],
  names: ['a', 'b', ''],
  namespaces: ['', 'prod', 'dev'],
  urls: ['/healthz', '/healthz*', '/api*', '*', '/', '/*', '/metrics', '/apis/*'],
};

function pickSome<T>(rand: () => number, values: readonly T[], max: number): T[] {
  const n = Math.floor(rand() * (max + 1));
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(values[Math.floor(rand() * values.length)]);
  return out;
}

function randomRule(rand: () => number): PolicyRule {
  const kind = rand();
  const resources: GroupResources[] =
    kind < 0.6
      ? pickSome(rand, VOCAB.apiGroups, 2).map((group) => {
          const res = pickSome(rand, VOCAB.resources, 2);
          return { group, resources: res, resourceNames: res.length > 0 && rand() < 0.3 ? pickSome(rand, VOCAB.names, 2) : [], pos };
        })
      : [];
  const namespaces = kind < 0.6 && rand() < 0.3 ? pickSome(rand, VOCAB.namespaces, 2) : [];
  const nonResourceURLs = kind >= 0.6 && kind < 0.85 ? pickSome(rand, VOCAB.urls, 2) : [];
  return {
    level: ['None', 'Metadata', 'Request', 'RequestResponse'][Math.floor(rand() * 4)],
    users: rand() < 0.3 ? pickSome(rand, VOCAB.users, 2) : [],
    userGroups: rand() < 0.3 ? pickSome(rand, VOCAB.groups, 2) : [],
    verbs: rand() < 0.5 ? pickSome(rand, VOCAB.verbs, 3) : [],
    resources,
    namespaces,
    nonResourceURLs,
    omitStages: [],
    omitManagedFields: undefined,
    pos,
    fieldPos: {},
  };
}

function randomPolicy(rand: () => number): Policy {
  const n = 1 + Math.floor(rand() * 6);
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    rules: Array.from({ length: n }, () => randomRule(rand)),
    omitStages: [],
    omitManagedFields: false,
    file: 'fuzz.yaml',
  };
}

/** A single random point of `box`, as a one-hot box. */
function randomPoint(rand: () => number, space: RequestSpace, box: Box): Box {
  return box.map((mask, d) => {
    const size = space.sizes[d];
    const allowed = [...Array(size).keys()].filter((i) => mask === null || mask[i] === 1);
    const one = new Uint8Array(size);
    one[allowed[Math.floor(rand() * allowed.length)]] = 1;
    return one;
  });
}

const inRegion = (point: Box, region: readonly Box[]) => region.some((box) => intersectBoxes(point, box) !== null);

// Fuzzing over hundreds of policies; generous timeouts for a shared machine.
describe('request space', { timeout: 60_000 }, () => {
  it('agrees with the checker on which rules match every sampled request', () => {
    const rand = prng(1);
    for (let p = 0; p < 300; p++) {
      const policy = randomPolicy(rand);
      const compiled = compilePolicy(policy);
      const space = buildRequestSpace(policy.rules);
      const regions = policy.rules.map((rule) => ruleRegion(space, rule));
      for (let s = 0; s < 60; s++) {
        const point = randomPoint(rand, space, everyRequest(space));
        const attrs = requestIn(space, point);
        policy.rules.forEach((_, k) => {
          expect(inRegion(point, regions[k]), JSON.stringify({ rule: policy.rules[k], attrs })).toBe(
            ruleMatchesRequest(compiled, k, attrs),
          );
        });
      }
    }
  });

  it('gives witnesses that really reach the rule, and "covered" answers that hold for every request', () => {
    const rand = prng(2);
    let shadowed = 0;
    let reached = 0;
    let typical = 0;
    for (let p = 0; p < 400; p++) {
      const policy = randomPolicy(rand);
      const compiled = compilePolicy(policy);
      const space = buildRequestSpace(policy.rules);
      const impossible = impossibleRequests(space);
      const regions = policy.rules.map((rule) => ruleRegion(space, rule));
      policy.rules.forEach((_, k) => {
        const coverage = findUncovered(space, regions[k], regions.slice(0, k).flat());
        expect(coverage.covered).not.toBe('unknown');
        if (coverage.covered === false) {
          reached++;
          expect(firstMatchingRule(compiled, coverage.witness)).toBe(k);
          // An ordinary witness is a request a client can really send.
          if (coverage.typical) {
            typical++;
            expect(httpFromAttributes(coverage.witness), JSON.stringify(coverage.witness)).toBeDefined();
          }
        } else {
          shadowed++;
          for (const box of regions[k]) {
            for (let s = 0; s < 20; s++) {
              const point = randomPoint(rand, space, box);
              if (inRegion(point, impossible)) continue;
              expect(firstMatchingRule(compiled, requestIn(space, point))).toBeLessThan(k);
            }
          }
        }
      });
    }
    // Both answers must actually have been exercised.
    expect(shadowed).toBeGreaterThan(50);
    expect(reached).toBeGreaterThan(50);
    expect(typical).toBeGreaterThan(50);
  });

  it('treats as impossible only requests kube-apiserver never produces', () => {
    const rand = prng(3);
    const policy = randomPolicy(rand);
    const space = buildRequestSpace(policy.rules, { verbs: ['GET', 'impersonate'], userGroups: ['dev'] });
    const resourceVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy', ''];
    for (const box of impossibleRequests(space)) {
      for (let s = 0; s < 200; s++) {
        const attrs = requestIn(space, randomPoint(rand, space, box));
        // Each violates one of requestinfo.go's or the authenticators' invariants.
        const violates =
          (attrs.resourceRequest && !resourceVerbs.includes(attrs.verb)) ||
          attrs.verb !== attrs.verb.toLowerCase() ||
          (attrs.resourceRequest && (attrs.verb === 'get' || attrs.verb === 'delete') && attrs.name === '') ||
          (attrs.resourceRequest && attrs.verb === 'deletecollection' && attrs.name !== '') ||
          (attrs.user !== null &&
            attrs.user.name !== 'system:anonymous' &&
            !attrs.user.groups.includes('system:authenticated') &&
            !attrs.user.groups.includes('system:unauthenticated'));
        expect(violates, JSON.stringify(attrs)).toBe(true);
      }
    }
  });

  it('never calls a request impossible that kube-apiserver really resolves (resolveRequestInfo, policyUser)', () => {
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'];
    const urls = [
      '/api/v1/pods',
      '/api/v1/namespaces/ns/pods/x',
      '/api/v1/namespaces/ns/pods/x/log',
      '/api/v1/namespaces/ns/pods/x/eviction',
      '/api/v1/namespaces/ns',
      '/api/v1/namespaces/ns/status',
      '/apis/apps/v1/namespaces/ns/deployments?fieldSelector=metadata.name%3Dweb',
      '/apis/apps/v1/namespaces/ns/deployments?watch=1',
      '/api/v1/watch/namespaces/ns/pods/x',
      '/api/v1/proxy/nodes/n1',
      '/api/v1/pods//status',
      '/healthz',
      '/api',
      '/apis/apps',
    ];
    const identities: Identity[] = [
      { kind: 'user', name: 'alice', groups: ['dev'] },
      { kind: 'user', name: 'system:anonymous', groups: ['dev'] },
      { kind: 'anonymous' },
      { kind: 'failed-authentication' },
      { kind: 'impersonating', caller: { name: 'bob', groups: [] }, as: { name: 'carol', groups: ['ops'] } },
    ];
    let checked = 0;
    for (const method of methods) {
      for (const url of urls) {
        for (const identity of identities) {
          let attrs: RequestAttributes;
          try {
            attrs = attributesFromHttp({ method, url, identity });
          } catch {
            continue; // kube-apiserver answers before any audit policy is evaluated
          }
          const space = buildRequestSpace([], {
            users: attrs.user ? [attrs.user.name] : [],
            userGroups: attrs.user ? attrs.user.groups : [],
            verbs: [attrs.verb],
            apiGroups: [attrs.apiGroup],
            resources: [[attrs.resource, attrs.subresource]],
            namespaces: [attrs.namespace],
          });
          const point = pointOf(space, attrs);
          expect(inRegion(point, impossibleRequests(space)), `${method} ${url} ${JSON.stringify(attrs)}`).toBe(false);
          expect(requestIn(space, point).verb).toBe(attrs.verb);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
  });
});

/** The one-hot box of a request whose values are all constants of `space` (any non-empty name is "some name"). */
function pointOf(space: RequestSpace, attrs: RequestAttributes): Box {
  const oneHot = (size: number, index: number) => {
    expect(index).toBeGreaterThanOrEqual(0);
    const m = new Uint8Array(size);
    m[index] = 1;
    return m;
  };
  const nameIndex = space.names.indexOf(attrs.name);
  const masks: Box = [
    oneHot(2, attrs.user ? 0 : 1),
    oneHot(space.sizes[1], attrs.user ? space.users.indexOf(attrs.user.name) : 0),
    oneHot(space.sizes[2], space.verbs.indexOf(attrs.verb)),
    oneHot(2, attrs.resourceRequest ? 0 : 1),
    oneHot(space.sizes[4], space.apiGroups.indexOf(attrs.apiGroup)),
    oneHot(space.sizes[5], space.resources.findIndex(([r, s]) => r === attrs.resource && s === attrs.subresource)),
    oneHot(space.sizes[6], space.namespaces.indexOf(attrs.namespace)),
    oneHot(space.sizes[7], nameIndex >= 0 ? nameIndex : space.names.length - 1),
    oneHot(space.sizes[8], 0),
    ...space.groups.map((g) => oneHot(2, attrs.user?.groups.includes(g) ? 1 : 0)),
  ];
  return masks;
}
