// compilePolicy's index (candidate rules per verb and API group, resource
// patterns sorted by form) must only ever skip rules that cannot match: the
// answers have to stay upstream's. Checked on every combination of a grid of
// requests against the oracle (upstream's own evaluator), for a policy full of
// pattern corners and for one too large to be indexed by group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Oracle } from '../../../conformance/oracle/index.js';
import { compilePolicy, evaluatePolicy, firstMatchingRule, isLongRunning } from '../../../src/audit/policy/checker.js';
import { readPolicy } from '../../../src/audit/policy/reader.js';
import type { RequestAttributes } from '../../../src/request/types.js';
import { canRunOracle, NO_ORACLE, ORACLE_START_TIMEOUT } from '../../conformance/support.js';

const CORNERS = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  verbs: [get]
  resources:
  - group: apps
    resources: ["deployments/*"]
  - group: "*"
    resources: ["*/status"]
    resourceNames: [web]
- level: Request
  resources:
  - group: ""
    resources: ["pods/log", "*/*", "a/b/c"]
  - group: apps
- level: RequestResponse
  namespaces: [prod, ""]
  resources:
  - group: batch
    resources: ["jobs", "*"]
    resourceNames: [nightly]
  - group: ""
    resources: ["/*", "secrets"]
- level: Metadata
  verbs: [watch, list]
  resources:
  - group: "*"
- level: Metadata
  userGroups: [ops]
  resources:
  - group: example.com
    resources: [widgets/scale]
- level: None
  nonResourceURLs: ["/healthz*", /version]
- level: RequestResponse
  verbs: [create, delete]
`;

const VERBS = ['get', 'list', 'watch', 'create', 'delete', 'proxy', 'patch'];
const GROUPS = ['', 'apps', 'batch', 'example.com', 'other.io'];
const TARGETS: [string, string][] = [
  ['pods', ''],
  ['pods', 'log'],
  ['pods', 'status'],
  ['deployments', ''],
  ['deployments', 'scale'],
  ['jobs', ''],
  ['widgets', 'scale'],
  ['secrets', ''],
  ['', ''],
  ['a/b', 'c'],
  ['a', 'b/c'],
  ['*', ''],
  ['*', 'status'],
];

function grid(): RequestAttributes[] {
  const out: RequestAttributes[] = [];
  let i = 0;
  for (const verb of VERBS) {
    for (const apiGroup of GROUPS) {
      for (const [resource, subresource] of TARGETS) {
        i++;
        out.push({
          user: i % 11 === 0 ? null : { name: 'u', groups: i % 3 === 0 ? ['ops'] : ['dev'] },
          verb,
          resourceRequest: true,
          apiGroup,
          apiVersion: 'v1',
          resource,
          subresource,
          namespace: ['prod', '', 'dev'][i % 3],
          name: ['web', 'nightly', ''][i % 3],
          path: '/apis/x',
        });
      }
    }
    for (const path of ['/healthz', '/healthz/etcd', '/version', '/metrics', '/debug/pprof/heap']) {
      out.push({ user: { name: 'u', groups: [] }, verb, resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path });
    }
  }
  return out;
}

// Rules that end a candidate list (they match every request of its kind, verb
// and group) next to rules that only nearly do: names, a namespace, a user
// group, one group's resources.
const ALMOST_CATCH_ALLS = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Request
  resources:
  - group: "*"
    resources: ["*"]
    resourceNames: [web]
- level: Metadata
  namespaces: [prod]
- level: None
  userGroups: [ops]
- level: RequestResponse
  resources:
  - group: apps
    resources: ["*"]
  - group: batch
    resources: ["jobs"]
- level: Request
  verbs: [get]
- level: None
  nonResourceURLs: ["/healthz*"]
- level: Metadata
  nonResourceURLs: ["*"]
- level: RequestResponse
  verbs: [list]
  resources:
  - group: ""
- level: None
`;

/** More rules × groups × verbs than compilePolicy indexes by group. */
function outsized(): string {
  const rules: string[] = [];
  for (let i = 0; i < 400; i++) {
    rules.push(`- level: ${['Metadata', 'Request', 'None'][i % 3]}\n  verbs: [v${i % 10}]\n  resources:\n  - group: g${i}.io\n    resources: [r${i % 7}]`);
  }
  rules.push('- level: RequestResponse\n  resources:\n  - group: "*"\n    resources: [r3]');
  return `apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n${rules.join('\n')}\n`;
}

function outsizedRequests(): RequestAttributes[] {
  const out: RequestAttributes[] = [];
  for (let i = 0; i < 3000; i++) {
    out.push({
      user: { name: 'u', groups: [] },
      verb: i % 13 === 0 ? 'watch' : `v${(i * 7) % 11}`,
      resourceRequest: true,
      apiGroup: `g${(i * 31) % 420}.io`,
      apiVersion: 'v1',
      resource: `r${i % 8}`,
      subresource: '',
      namespace: '',
      name: '',
      path: '/apis/x',
    });
  }
  return out;
}

describe.skipIf(!canRunOracle)(`compiled policy index${canRunOracle ? '' : ` — ${NO_ORACLE}`}`, () => {
  let oracle: Oracle;
  beforeAll(async () => {
    oracle = await Oracle.start();
  }, ORACLE_START_TIMEOUT);
  afterAll(async () => {
    await oracle?.close();
  });

  for (const [name, text, requests] of [
    ['pattern corners', CORNERS, grid()],
    ['a policy too large to index by group', outsized(), outsizedRequests()],
    ['rules that match every candidate, and rules that nearly do', ALMOST_CATCH_ALLS, grid()],
    // Checked directly, without the candidate lists.
    ['a policy of one rule', `apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  userGroups: [ops]\n  verbs: [get, watch]\n  resources:\n  - group: apps\n`, grid()],
    // The first rule decides everything (compiled without lookups); the rest never can.
    ['a first rule without conditions', `apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Request\n  omitStages: [ResponseStarted]\n${CORNERS.split('rules:\n')[1]}`, grid()],
  ] as const) {
    it(`decides as upstream: ${name}`, async () => {
      const read = readPolicy(text);
      if (!read.ok) throw read.error;
      const compiled = compilePolicy(read.policy);
      const upstream = await oracle.eval({ policy: text }, requests);
      const ours = requests.map((r) => {
        const d = evaluatePolicy(compiled, r);
        return { level: d.level, ruleIndex: d.ruleIndex, omitStages: [...d.omitStages], omitManagedFields: d.omitManagedFields };
      });
      expect(ours).toEqual(upstream);
      // Every reachable rule of the policy decides some request, so no rule is indexed away wholesale.
      const decided = new Set(ours.map((d) => d.ruleIndex));
      if (compiled.always !== null) expect([...decided]).toEqual([0]);
      else expect(decided.size).toBeGreaterThan(Math.min(read.policy.rules.length, 5));
      for (const [i, r] of requests.entries()) expect(firstMatchingRule(compiled, r)).toBe(ours[i].ruleIndex ?? -1);
    });
  }
});

// No oracle needed: the stages follow from the request alone.
describe('compiled policy index, stages', () => {
  it('writes ResponseStarted for long-running requests whatever verbs the policy names, indexed or not', () => {
    for (const text of [CORNERS, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n']) {
      const read = readPolicy(text);
      if (!read.ok) throw read.error;
      const compiled = compilePolicy(read.policy);
      for (const r of grid()) {
        const d = evaluatePolicy(compiled, r);
        if (d.level === 'None') continue;
        const expected = r.user === null ? ['ResponseStarted'] : isLongRunning(r) ? ['ResponseStarted', 'ResponseComplete'] : ['ResponseComplete'];
        expect(d.stages, JSON.stringify(r)).toEqual(expected);
      }
    }
  });
});
