// The core API group (pods, secrets, ...) is served under /api/v1 and its group
// name is "". "core" passes validation (it is a valid DNS subdomain), so
// kube-apiserver loads the policy and the entry silently matches nothing built in.
import type { LintFinding, LintRule } from '../types.js';

const CODE = 'core-group';

export const coreGroup: LintRule = {
  code: CODE,
  summary: 'group "core" is not the core API group; the core group is ""',
  check({ policy }) {
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      for (const gr of rule.resources) {
        if (gr.group !== 'core') continue;
        findings.push({
          code: CODE,
          severity: 'warning',
          message:
            'group "core" is not the core API group: kube-apiserver compares groups literally and the core group (pods, secrets, configmaps, ...) is "", ' +
            'so this entry only matches an API group really named "core". Write group: "" (or omit group).',
          pos: gr.pos,
          ruleIndex,
        });
      }
    });
    return findings;
  },
};
