// Requests for the matcher benchmark: traffic shaped like a real cluster's
// (node and controller reads, watches, writes by people and service accounts,
// health probes, a few failed authentications), with half of every field drawn
// from what the policy itself names, so that most of a policy's rules are
// reached and not only its catch-all. Deterministic for a given seed, so both
// evaluators (and every run) see exactly the same requests.
import type { Policy } from '../src/audit/types.js';
import type { RequestAttributes, UserInfo } from '../src/request/types.js';
import { seededFloats } from '../conformance/generate/random.js';

interface Resource {
  group: string;
  resource: string;
  namespaced: boolean;
}

// What a cluster's traffic mostly touches.
const COMMON_RESOURCES: readonly Resource[] = [
  { group: '', resource: 'pods', namespaced: true },
  { group: '', resource: 'configmaps', namespaced: true },
  { group: '', resource: 'secrets', namespaced: true },
  { group: '', resource: 'events', namespaced: true },
  { group: '', resource: 'endpoints', namespaced: true },
  { group: '', resource: 'services', namespaced: true },
  { group: '', resource: 'serviceaccounts', namespaced: true },
  { group: '', resource: 'nodes', namespaced: false },
  { group: '', resource: 'namespaces', namespaced: false },
  { group: 'apps', resource: 'deployments', namespaced: true },
  { group: 'apps', resource: 'replicasets', namespaced: true },
  { group: 'coordination.k8s.io', resource: 'leases', namespaced: true },
  { group: 'discovery.k8s.io', resource: 'endpointslices', namespaced: true },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespaced: true },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespaced: false },
  { group: 'authentication.k8s.io', resource: 'tokenreviews', namespaced: false },
  { group: 'example.com', resource: 'widgets', namespaced: true },
];
const SUBRESOURCES = ['status', 'log', 'exec', 'scale', 'token', 'binding', 'eviction'];
const NAMESPACES = ['default', 'kube-system', 'kube-public', 'team-a', 'team-b', 'monitoring'];
const NAMES = ['web-0', 'db', 'kube-root-ca.crt', 'leader', 'node-1', 'settings'];
const NON_RESOURCE_PATHS = ['/healthz', '/readyz', '/livez', '/version', '/metrics', '/openapi/v2', '/apis', '/api', '/logs/x'];
const VERBS_BY_WEIGHT: readonly [number, string][] = [
  [30, 'get'],
  [15, 'list'],
  [15, 'watch'],
  [10, 'update'],
  [8, 'patch'],
  [8, 'create'],
  [5, 'delete'],
  [1, 'deletecollection'],
];
const USERS: readonly UserInfo[] = [
  { name: 'system:node:node-1', groups: ['system:nodes', 'system:authenticated'] },
  { name: 'system:kube-proxy', groups: ['system:authenticated'] },
  { name: 'system:kube-scheduler', groups: ['system:authenticated'] },
  { name: 'system:kube-controller-manager', groups: ['system:authenticated'] },
  { name: 'system:apiserver', groups: ['system:masters'] },
  {
    name: 'system:serviceaccount:kube-system:replicaset-controller',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  },
  { name: 'alice@example.com', groups: ['developers', 'system:authenticated'] },
  { name: 'system:anonymous', groups: ['system:unauthenticated'] },
];

/** Every value the policy names, so that requests can be aimed at its rules. */
interface PolicyVocabulary {
  users: string[];
  groups: string[];
  verbs: string[];
  resources: Resource[];
  namespaces: string[];
  names: string[];
  paths: string[];
}

function vocabularyOf(policy: Policy): PolicyVocabulary {
  const v: PolicyVocabulary = { users: [], groups: [], verbs: [], resources: [], namespaces: [], names: [], paths: [] };
  for (const rule of policy.rules) {
    v.users.push(...rule.users);
    v.groups.push(...rule.userGroups);
    v.verbs.push(...rule.verbs);
    v.namespaces.push(...rule.namespaces);
    for (const gr of rule.resources) {
      v.names.push(...gr.resourceNames);
      const group = gr.group === '*' ? 'apps' : gr.group;
      for (const pattern of gr.resources) {
        // Wildcards become a concrete resource they cover.
        const [resource, sub] = pattern.split('/', 2);
        const name = resource === '*' ? 'pods' : resource;
        v.resources.push({ group, resource: sub === undefined ? name : `${name}/${sub === '*' ? 'status' : sub}`, namespaced: true });
      }
      if (gr.resources.length === 0) v.resources.push({ group, resource: 'things', namespaced: true });
    }
    for (const url of rule.nonResourceURLs) v.paths.push(url.endsWith('*') ? `${url.replace(/\*+$/, '')}x` : url);
  }
  return v;
}

/** `count` requests for `policy`, the same ones for the same seed. */
export function benchRequests(policy: Policy, count: number, seed = 1): RequestAttributes[] {
  const random = seededFloats(seed);
  const v = vocabularyOf(policy);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  // Half from the policy, half from ordinary traffic (when the policy names any).
  const aimed = <T>(own: readonly T[], common: readonly T[]): T => (own.length > 0 && random() < 0.5 ? pick(own) : pick(common));
  const totalWeight = VERBS_BY_WEIGHT.reduce((sum, [w]) => sum + w, 0);
  const commonVerb = (): string => {
    let x = random() * totalWeight;
    for (const [w, verb] of VERBS_BY_WEIGHT) if ((x -= w) < 0) return verb;
    return 'get';
  };
  const requests: RequestAttributes[] = [];
  for (let i = 0; i < count; i++) {
    let user: UserInfo | null;
    const who = random();
    if (who < 0.01) user = null; // failed authentication
    else if (who < 0.3 && (v.users.length > 0 || v.groups.length > 0)) {
      const name = v.users.length > 0 ? pick(v.users) : pick(USERS).name;
      const groups = v.groups.length > 0 && random() < 0.7 ? [pick(v.groups), 'system:authenticated'] : ['system:authenticated'];
      user = { name, groups };
    } else user = pick(USERS);

    const verb = v.verbs.length > 0 && random() < 0.5 ? pick(v.verbs) : commonVerb();
    if (random() < 0.12) {
      const path = aimed(v.paths, NON_RESOURCE_PATHS);
      requests.push({ user, verb, resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path });
      continue;
    }
    const target = aimed(v.resources, COMMON_RESOURCES);
    let [resource, subresource = ''] = target.resource.split('/', 2);
    if (subresource === '' && random() < 0.1) subresource = pick(SUBRESOURCES);
    const namespace = target.namespaced && random() < 0.8 ? aimed(v.namespaces, NAMESPACES) : '';
    const name = verb === 'list' || verb === 'watch' || verb === 'create' || verb === 'deletecollection' ? '' : aimed(v.names, NAMES);
    const apiVersion = 'v1';
    const prefix = target.group === '' ? '/api/v1' : `/apis/${target.group}/${apiVersion}`;
    const path = `${prefix}${namespace ? `/namespaces/${namespace}` : ''}/${resource}${name ? `/${name}` : ''}${subresource ? `/${subresource}` : ''}`;
    requests.push({ user, verb, resourceRequest: true, apiGroup: target.group, apiVersion, resource, subresource, namespace, name, path });
  }
  return requests;
}
