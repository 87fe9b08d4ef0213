// Only resources ("*", "res/*", "*/sub"), group ("*") and nonResourceURLs
// ("*", "/prefix*") have wildcards in checker.go. users, userGroups, verbs,
// namespaces and resourceNames are compared with plain string equality, so "*"
// there matches only the literal string — never what it appears to say.
import type { SourcePosition } from '../../audit/types.js';
import type { LintFinding, LintRule } from '../types.js';
import { fieldPosition, quote } from '../describe.js';

const CODE = 'literal-wildcard';

export const literalWildcard: LintRule = {
  code: CODE,
  summary: '"*" in users, userGroups, verbs, namespaces or resourceNames, where it is not a wildcard',
  check({ policy }) {
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      const report = (field: string, values: readonly string[], pos: SourcePosition) => {
        for (const value of new Set(values.filter((v) => v.includes('*')))) {
          findings.push({
            code: CODE,
            severity: 'warning',
            message:
              `${field} are compared literally, so ${quote(value)} only matches that exact string, not a pattern. ` +
              (value === '*' ? `Omit ${field} to match every value.` : `List the values you mean.`),
            pos,
            ruleIndex,
          });
        }
      };
      report('users', rule.users, fieldPosition(rule, 'users'));
      report('userGroups', rule.userGroups, fieldPosition(rule, 'userGroups'));
      report('verbs', rule.verbs, fieldPosition(rule, 'verbs'));
      report('namespaces', rule.namespaces, fieldPosition(rule, 'namespaces'));
      for (const gr of rule.resources) report('resourceNames', gr.resourceNames, gr.pos);
    });
    return findings;
  },
};
