// The shape every auditspec failure message has: the matcher hint, expected
// vs received, then the request, decision and rule trace.
//
// Matchers print Expected/Received themselves, in words that fit audit levels
// and stages, and so return no `expected`/`actual`: Vitest would otherwise
// print its own diff of them below ours, a second Expected/Received.
// Messages carry no colour codes: they also end up in JUnit files and GitHub
// annotations, where escape sequences are noise.
import { stripVTControlCharacters } from 'node:util';
import type { MatcherState } from 'vitest';
import { formatRuleLocation } from '../../format/explanation.js';
import { recordFailedExpectation } from '../failedExpectations.js';
import { describeSubject, type MatcherSubject } from '../subject.js';

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

export interface Expectation {
  /** What the matcher asserts, printed after "Expected:". */
  expected: unknown;
  /**
   * What `.not` asserts, when "not <expected>" would read wrong (for
   * `.not.toBeLogged()` that is "None", not "not a level above None").
   * Without it, `.not` prints "not <expected>".
   */
  negated?: unknown;
  received: unknown;
  /** The argument's name in the hint: expect(request).toBeLoggedAt(level). */
  argument?: string;
  /** Lines printed after Received, before the request (e.g. every rule's line range). */
  details?: string[];
}

/** A description, printed without quotes: a level above None, not "a level above None". */
export class Words {
  constructor(readonly text: string) {}
}
export const words = (text: string): Words => new Words(text);

/** Descriptions as they are, values through Vitest's printer (quoted; its colours are stripped below). */
function show(value: unknown, print: (v: unknown) => string): string {
  return value instanceof Words ? value.text : print(value);
}

export function result(state: MatcherState, matcherName: string, subject: MatcherSubject, pass: boolean, e: Expectation): MatcherResult {
  const { matcherHint, printExpected, printReceived } = state.utils;
  const message = () => {
    // matcherHint adds ".not" itself when told isNot; the name must not carry it too.
    const hint = matcherHint(`.${matcherName}`, 'request', e.argument ?? '', { isNot: state.isNot });
    const expected =
      state.isNot && e.negated !== undefined ? show(e.negated, printExpected) : `${state.isNot ? 'not ' : ''}${show(e.expected, printExpected)}`;
    const lines = [hint, '', `Expected: ${expected}`, `Received: ${show(e.received, printReceived)}`, ...(e.details ?? []), '', describeSubject(subject)];
    return stripVTControlCharacters(lines.join('\n'));
  };
  // The expectation fails: note the deciding rule for the GitHub Actions reporter.
  if (state.isNot ? pass : !pass) {
    const rule = subject.decision.rule;
    const lines = message().split('\n');
    recordFailedExpectation({
      // The deciding rule's own file: for a module directory, its module.
      file: rule ? rule.pos.file : subject.binding.displayPath,
      line: rule ? rule.pos.line : 1,
      title: `${lines[0]}: decided by ${rule ? `rule ${subject.decision.ruleIndex} at ${formatRuleLocation(rule)}` : "kube-apiserver's default (no rule matched)"}`,
      // Expected, Received, then the request and the decision: what fits an annotation.
      message: [...lines.filter((l) => /^(Expected|Received):/.test(l)), '', ...lines.filter((l) => /^(Request|Decision):/.test(l))].join('\n'),
    });
  }
  return { pass, message };
}
