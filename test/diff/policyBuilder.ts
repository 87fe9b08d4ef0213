// Builds loaded-policy objects directly, for tests that generate many policies.
import type { GroupResources, Policy, PolicyRule } from '../../src/audit/types.js';

export interface RuleSpec {
  level: string;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: { group?: string; resources?: string[]; resourceNames?: string[] }[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: string[];
  omitManagedFields?: boolean;
}

export interface PolicySpec {
  file?: string;
  rules: RuleSpec[];
  omitStages?: string[];
  omitManagedFields?: boolean;
}

export function buildPolicy(spec: PolicySpec): Policy {
  const file = spec.file ?? 'policy.yaml';
  const rules = spec.rules.map((rule, index): PolicyRule => {
    const pos = { file, line: index * 10 + 5, col: 3 };
    const resources = (rule.resources ?? []).map(
      (entry): GroupResources => ({
        group: entry.group ?? '',
        resources: entry.resources ?? [],
        resourceNames: entry.resourceNames ?? [],
        pos,
      }),
    );
    return {
      level: rule.level,
      users: rule.users ?? [],
      userGroups: rule.userGroups ?? [],
      verbs: rule.verbs ?? [],
      resources,
      namespaces: rule.namespaces ?? [],
      nonResourceURLs: rule.nonResourceURLs ?? [],
      omitStages: rule.omitStages ?? [],
      omitManagedFields: rule.omitManagedFields,
      pos,
      fieldPos: {},
    };
  });
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    rules,
    omitStages: spec.omitStages ?? [],
    omitManagedFields: spec.omitManagedFields ?? false,
    file,
  };
}
