// Every request a non-None rule logs is written at RequestReceived and again at
// ResponseComplete (plus ResponseStarted for long-running ones). The
// RequestReceived event carries nothing ResponseComplete lacks except the
// moment the request arrived, so most policies omit it: it doubles log volume.
// Omitted stages are the union of the policy's and the rule's (checker.go's
// NewPolicyRuleEvaluator), so either place works.
import type { LintRule } from '../types.js';

const CODE = 'request-received-logged';

export const requestReceived: LintRule = {
  code: CODE,
  summary: 'RequestReceived is not omitted, so logged requests are written twice',
  check({ policy }) {
    if (policy.omitStages.includes('RequestReceived')) return [];
    const logging = policy.rules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule }) => rule.level !== 'None' && !rule.omitStages.includes('RequestReceived'));
    if (logging.length === 0) return [];
    const [first] = logging;
    // A module directory's rules are in several files: each then named with its file.
    const oneFile = logging.every(({ rule }) => rule.pos.file === first.rule.pos.file);
    const lines = logging.map(({ rule }) => (oneFile ? String(rule.pos.line) : `${rule.pos.file}:${rule.pos.line}`));
    return [
      {
        code: CODE,
        severity: 'warning',
        message:
          `RequestReceived is not omitted for the rule${lines.length > 1 ? 's' : ''} at line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}: ` +
          'each request they log is written once when it arrives and again when it completes, doubling the log volume for little information. ' +
          'Add "omitStages: [RequestReceived]" at the top level of the policy (it applies to every rule), unless you need arrival events.',
        pos: first.rule.pos,
        ruleIndex: first.index,
      },
    ];
  },
};
