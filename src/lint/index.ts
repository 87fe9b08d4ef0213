// The policy linter: every rule in rules/, run over one loaded policy. Findings
// are warnings about what a policy kube-apiserver accepts actually does.
import { DEFAULT_KUBE_VERSION, type KubeVersion, type Policy, type PolicyWarning } from '../audit/types.js';
import type { LintContext, LintFinding, LintRule } from './types.js';
import { clusterScopedNamespaces } from './rules/clusterScopedNamespaces.js';
import { coreGroup } from './rules/coreGroup.js';
import { deadModule } from './rules/deadModule.js';
import { silentlyIgnored } from './rules/silentlyIgnored.js';
import { literalWildcard } from './rules/literalWildcard.js';
import { malformedResource } from './rules/malformedResource.js';
import { noCatchAll } from './rules/noCatchAll.js';
import { requestReceived } from './rules/requestReceived.js';
import { resourceNamesWithoutName } from './rules/resourceNamesWithoutName.js';
import { sensitiveData } from './rules/sensitiveData.js';
import { shadowedRule } from './rules/shadowedRule.js';
import { staleIdentity } from './rules/staleIdentity.js';
import { starSlashStar } from './rules/starSlashStar.js';
import { unknownResource } from './rules/unknownResource.js';
import { unknownVerb } from './rules/unknownVerb.js';
import { userGroupMixup } from './rules/userGroupMixup.js';

export type { LintContext, LintFinding, LintRule } from './types.js';

/** Every lint rule, in no particular order (findings are sorted by position). */
export const LINT_RULES: readonly LintRule[] = [
  silentlyIgnored,
  starSlashStar,
  malformedResource,
  coreGroup,
  unknownResource,
  clusterScopedNamespaces,
  resourceNamesWithoutName,
  unknownVerb,
  literalWildcard,
  userGroupMixup,
  staleIdentity,
  shadowedRule,
  deadModule,
  sensitiveData,
  requestReceived,
  noCatchAll,
];

export interface LintOptions {
  /** The reader's warnings for this policy (fields kube-apiserver drops, duplicate keys). */
  warnings?: readonly PolicyWarning[];
  kubeVersion?: KubeVersion;
  /** Run only these rule codes (default: all). */
  only?: readonly string[];
}

/** Lints a loaded (valid) policy; findings in source order. */
export function lintPolicy(policy: Policy, options: LintOptions = {}): LintFinding[] {
  const context: LintContext = {
    policy,
    warnings: options.warnings ?? [],
    kubeVersion: options.kubeVersion ?? DEFAULT_KUBE_VERSION,
  };
  const rules = options.only ? LINT_RULES.filter((rule) => options.only!.includes(rule.code)) : LINT_RULES;
  const findings = rules.flatMap((rule) => rule.check(context));
  // A module directory's findings are in several files: in the order kube-apiserver reads them.
  const fileOrder = new Map(policy.modules?.map((m, i) => [m.file, i]));
  const fileRank = (f: LintFinding) => fileOrder.get(f.pos.file) ?? -1;
  return findings.sort(
    (a, b) =>
      fileRank(a) - fileRank(b) ||
      a.pos.line - b.pos.line ||
      a.pos.col - b.pos.col ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}
