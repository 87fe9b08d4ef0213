// The shape every auditspec failure message has: the matcher hint, expected
// vs received, then the request, decision and rule trace.
import type { MatcherState } from 'vitest';
import { describeSubject, type MatcherSubject } from '../subject.js';

export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

export function result(
  state: MatcherState,
  matcherName: string,
  subject: MatcherSubject,
  pass: boolean,
  expected: unknown,
  received: unknown,
  expectedArg = 'expected',
): MatcherResult {
  const { matcherHint, printExpected, printReceived } = state.utils;
  return {
    pass,
    actual: received,
    expected,
    message: () =>
      [
        matcherHint(`${state.isNot ? '.not' : ''}.${matcherName}`, 'request', expectedArg, { isNot: state.isNot }),
        '',
        `Expected: ${state.isNot ? 'not ' : ''}${printExpected(expected)}`,
        `Received: ${printReceived(received)}`,
        '',
        describeSubject(subject),
      ].join('\n'),
  };
}
