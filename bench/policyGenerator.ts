// Seeded synthetic audit policies with the vocabulary of real ones (system
// users and groups, core and API-group resources, subresource wildcards,
// namespaces, non-resource prefixes), for the diff benchmark.
import type { GroupResources, Policy, PolicyRule } from '../src/audit/types.js';
import { seededFloats } from '../conformance/generate/random.js';

const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const GROUPS = ['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'policy', 'storage.k8s.io', 'coordination.k8s.io', 'example.com', '*'];
const RESOURCES = [
  'pods', 'pods/log', 'pods/exec', 'pods/status', 'secrets', 'configmaps', 'services', 'endpoints', 'nodes', 'nodes/status',
  'deployments', 'deployments/scale', 'replicasets', 'statefulsets', 'jobs', 'cronjobs', 'roles', 'rolebindings',
  'clusterroles', 'clusterrolebindings', 'ingresses', 'networkpolicies', 'leases', 'events', 'namespaces', 'serviceaccounts/token',
  '*/status', 'pods/*', '*', 'tokenreviews', 'subjectaccessreviews', 'persistentvolumes', 'persistentvolumeclaims',
];
const USERS = ['system:kube-proxy', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:apiserver', 'kubelet', 'admin', 'alice', 'bob', 'system:serviceaccount:kube-system:default'];
const USER_GROUPS = ['system:nodes', 'system:masters', 'system:serviceaccounts', 'system:authenticated', 'system:unauthenticated', 'dev', 'ops', 'system:serviceaccounts:kube-system'];
const NAMESPACES = ['kube-system', 'kube-public', 'default', '', 'prod', 'staging', 'monitoring'];
const NAMES = ['kube-root-ca.crt', 'cluster-info', 'admin', 'leader'];
const PATHS = ['/healthz*', '/livez*', '/readyz*', '/version', '/metrics', '/api*', '/apis*', '/openapi/*', '/logs/*', '*', '/debug/*'];

export function generatePolicy(seed: number, file: string, count: number): Policy {
  const next = seededFloats(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const some = <T>(values: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(next() * max) }, () => pick(values)))];
  const rules: PolicyRule[] = [];
  for (let i = 0; i < count; i++) {
    const pos = { file, line: i * 6 + 4, col: 3 };
    const kind = next();
    const resources: GroupResources[] =
      kind < 0.7
        ? Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
            group: pick(GROUPS),
            resources: next() < 0.85 ? some(RESOURCES, 4) : [],
            resourceNames: next() < 0.1 ? some(NAMES, 2) : [],
            pos,
          })).map((gr) => (gr.resources.length === 0 ? { ...gr, resourceNames: [] } : gr))
        : [];
    rules.push({
      level: pick(LEVELS),
      users: next() < 0.2 ? some(USERS, 3) : [],
      userGroups: next() < 0.2 ? some(USER_GROUPS, 2) : [],
      verbs: next() < 0.5 ? some(VERBS, 4) : [],
      resources,
      namespaces: kind < 0.7 && next() < 0.3 ? some(NAMESPACES, 3) : [],
      nonResourceURLs: kind >= 0.7 && kind < 0.9 ? some(PATHS, 3) : [],
      omitStages: next() < 0.2 ? ['RequestReceived'] : [],
      omitManagedFields: next() < 0.1 ? true : undefined,
      pos,
      fieldPos: {},
    });
  }
  rules.push({ level: 'Metadata', users: [], userGroups: [], verbs: [], resources: [], namespaces: [], nonResourceURLs: [], omitStages: [], omitManagedFields: undefined, pos: { file, line: count * 6 + 4, col: 3 }, fieldPos: {} });
  return { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, omitStages: ['RequestReceived'], omitManagedFields: false, file };
}

/** The old policy with a few realistic edits: levels changed, two rules swapped, one removed, one added. */
export function editPolicy(policy: Policy, seed: number): Policy {
  const next = seededFloats(seed);
  const rules = policy.rules.map((rule) => ({ ...rule, pos: { ...rule.pos, file: 'new.yaml' } }));
  for (let i = 0; i < 5; i++) {
    const at = Math.floor(next() * (rules.length - 1));
    rules[at] = { ...rules[at], level: LEVELS[Math.floor(next() * LEVELS.length)] };
  }
  const swap = Math.floor(next() * (rules.length - 2));
  [rules[swap], rules[swap + 1]] = [rules[swap + 1], rules[swap]];
  rules.splice(Math.floor(next() * (rules.length - 1)), 1);
  rules.splice(Math.floor(next() * (rules.length - 1)), 0, generatePolicy(seed + 1, 'new.yaml', 1).rules[0]);
  return { ...policy, rules, file: 'new.yaml' };
}

/** A 100-rule policy, a realistic edit of it, and an unrelated 100-rule policy. */
export function benchmarkPolicies(): { oldPolicy: Policy; editedPolicy: Policy; unrelatedPolicy: Policy } {
  const oldPolicy = generatePolicy(1, 'old.yaml', 100);
  return { oldPolicy, editedPolicy: editPolicy(oldPolicy, 2), unrelatedPolicy: generatePolicy(3, 'new.yaml', 100) };
}

