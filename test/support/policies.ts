// Builds Policy objects directly, for tests of code below the loader.
import type { GroupResources, Policy, PolicyRule } from '../../src/audit/types.js';
import type { RequestAttributes } from '../../src/request/types.js';

type RuleInput = Partial<Omit<PolicyRule, 'resources' | 'pos' | 'fieldPos'>> & {
  level: string;
  resources?: Array<Partial<Omit<GroupResources, 'pos'>>>;
};

const pos = (line: number) => ({ file: 'test.yaml', line, col: 3 });

export function policyOf(rules: RuleInput[], top: Partial<Pick<Policy, 'omitStages' | 'omitManagedFields'>> = {}): Policy {
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    file: 'test.yaml',
    omitStages: top.omitStages ?? [],
    omitManagedFields: top.omitManagedFields ?? false,
    rules: rules.map((r, i) => ({
      level: r.level,
      users: r.users ?? [],
      userGroups: r.userGroups ?? [],
      verbs: r.verbs ?? [],
      namespaces: r.namespaces ?? [],
      nonResourceURLs: r.nonResourceURLs ?? [],
      omitStages: r.omitStages ?? [],
      omitManagedFields: r.omitManagedFields,
      resources: (r.resources ?? []).map((gr) => ({
        group: gr.group ?? '',
        resources: gr.resources ?? [],
        resourceNames: gr.resourceNames ?? [],
        pos: pos(10 * i + 2),
      })),
      pos: pos(10 * i + 1),
      fieldPos: {},
    })),
  };
}

export function resourceRequest(over: Partial<RequestAttributes> = {}): RequestAttributes {
  return {
    user: { name: 'alice', groups: ['dev', 'system:authenticated'] },
    verb: 'get',
    resourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'pods',
    subresource: '',
    namespace: 'default',
    name: 'web',
    path: '/api/v1/namespaces/default/pods/web',
    ...over,
  };
}

export function nonResourceRequest(path: string, over: Partial<RequestAttributes> = {}): RequestAttributes {
  return {
    user: { name: 'alice', groups: ['system:authenticated'] },
    verb: 'get',
    resourceRequest: false,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path,
    ...over,
  };
}
