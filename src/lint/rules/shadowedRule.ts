// kube-apiserver stops at the first rule that matches (policyRuleEvaluator), so a
// rule every one of whose requests an earlier rule already matches never decides
// anything: its level, omitStages and omitManagedFields are dead. Decided exactly
// with requestSpace (set reasoning on the rule language, not sampling); a rule
// that only partly overlaps earlier ones is not reported. In a policy composed
// from a module directory the earlier rule may be another module's: the message
// then names that module's file:line too.
import type { LintFinding, LintRule } from '../types.js';
import { findUncovered, intersectRegions, requestSpaceOf, ruleRegion, type Box } from '../requestSpace.js';
import { ruleLine, ruleReference } from '../describe.js';

const CODE = 'shadowed-rule';
/** Only yes/no answers are needed here. */
const NO_WITNESS = { typicalWitness: false };

export const shadowedRule: LintRule = {
  code: CODE,
  summary: 'a rule that never decides a request because earlier rules match everything it matches',
  check({ policy }) {
    const space = requestSpaceOf(policy);
    const regions = policy.rules.map((rule) => ruleRegion(space, rule));
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, index) => {
      const region = regions[index];
      // A rule that matches no possible request is reported (with its reason) by
      // the rule that spots the cause, not as shadowed.
      if (index === 0 || findUncovered(space, region, [], NO_WITNESS).covered !== false) return;
      const earlier: Box[] = regions.slice(0, index).flat();
      if (findUncovered(space, region, earlier, NO_WITNESS).covered !== true) return;
      // Name the earlier rule that covers it alone when there is one, else every
      // earlier rule that overlaps it.
      const alone = regions.slice(0, index).findIndex((r) => findUncovered(space, region, r, NO_WITNESS).covered === true);
      const shadowers =
        alone >= 0
          ? [alone]
          : regions
              .slice(0, index)
              .map((r, i) => (findUncovered(space, intersectRegions(region, r), [], NO_WITNESS).covered === false ? i : -1))
              .filter((i) => i >= 0);
      const by =
        shadowers.length === 1
          ? ruleReference(policy.rules[shadowers[0]], rule)
          : shadowers.every((i) => policy.rules[i].pos.file === rule.pos.file)
            ? `the rules at lines ${shadowers.map((i) => policy.rules[i].pos.line).join(', ')} together`
            : `the rules at ${shadowers.map((i) => ruleLine(policy.rules[i], rule)).join(', ')} together`;
      findings.push({
        code: CODE,
        severity: 'warning',
        message:
          `this rule never applies: every request it matches is matched first by ${by}, and kube-apiserver uses the first matching rule, ` +
          `so its level ${rule.level} is never used. Remove it, or move it above ${shadowers.length === 1 ? 'that rule' : 'those rules'} if it should take precedence.`,
        pos: rule.pos,
        ruleIndex: index,
      });
    });
    return findings;
  },
};
