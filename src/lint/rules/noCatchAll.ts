// A request no rule matches gets policy.go's DefaultAuditLevel, None: it is not
// logged at all, and nothing in the policy says so. The check is on the whole
// policy (the union of all rules covers every request kube-apiserver can
// evaluate), not on the last rule's text, so e.g. a resource catch-all followed by
// nonResourceURLs ["*"] counts as complete.
import type { LintRule } from '../types.js';
import { everyRequest, findUncovered, requestSpaceOf, ruleRegion } from '../requestSpace.js';
import { describeRequest } from '../describe.js';

const CODE = 'no-catch-all';

export const noCatchAll: LintRule = {
  code: CODE,
  summary: 'some requests match no rule and silently get the default level None',
  check({ policy }) {
    const space = requestSpaceOf(policy);
    const all = policy.rules.flatMap((rule) => ruleRegion(space, rule));
    const coverage = findUncovered(space, [everyRequest(space)], all);
    if (coverage.covered !== false) return [];
    const last = policy.rules.length - 1;
    return [
      {
        code: CODE,
        severity: 'warning',
        message:
          `some requests match no rule (e.g. ${describeRequest(coverage.witness)}), so they get the default level None and are not logged, ` +
          'without the policy saying so. End the policy with a rule that matches everything: "- level: Metadata" to log the rest, or "- level: None" to state that the rest is not logged.',
        pos: last >= 0 ? policy.rules[last].pos : { file: policy.file, line: 1, col: 1 },
        ...(last >= 0 ? { ruleIndex: last } : {}),
      },
    ];
  },
};
