// "*/*" reads like "every resource and every subresource" but checker.go has no
// such case: it is compared like any other pattern, so it only matches a request
// whose resource or subresource is literally "*" (e.g. GET /api/v1/*/x), which
// no client sends. "*" already covers every resource and subresource.
import type { LintFinding, LintRule } from '../types.js';

const CODE = 'star-slash-star';

export const starSlashStar: LintRule = {
  code: CODE,
  summary: 'resources "*/*" matches no real request; "*" is the wildcard for resources and subresources',
  check({ policy }) {
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      for (const gr of rule.resources) {
        if (!gr.resources.includes('*/*')) continue;
        const alone = gr.resources.every((r) => r === '*/*');
        findings.push({
          code: CODE,
          severity: 'warning',
          message:
            `resources "*/*" only matches a resource or subresource literally named "*", which no real request has` +
            (alone ? ', so this entry never matches' : '') +
            `. Write "*" to match every resource and all their subresources, or "*/<subresource>" for one subresource of every resource.`,
          pos: gr.pos,
          ruleIndex,
        });
      }
    });
    return findings;
  },
};
