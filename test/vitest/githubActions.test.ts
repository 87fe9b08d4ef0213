// The GitHub Actions reporter: workflow commands escaped as GitHub reads them,
// printed only on GitHub (or when asked), only for failed tests.
import { describe, expect, test } from 'vitest';
import type { TestCase } from 'vitest/node';
import { FAILED_EXPECTATIONS_META_KEY, type FailedExpectation } from '../../src/vitest/failedExpectationMeta.js';
import GithubActionsReporter, { annotationCommand } from '../../src/vitest/githubActions.js';

const failure: FailedExpectation = {
  file: 'policies/a,b.yaml',
  line: 12,
  title: 'expect(request).toBeLoggedAt(level): decided by rule 2 at policies/a,b.yaml:12',
  message: 'Expected: "Request"\nReceived: "Metadata" (100%)',
};

/** Just what the reporter reads of a TestCase. */
const testCase = (state: string, failures: FailedExpectation[]) =>
  ({ fullName: 'policy x > a test', result: () => ({ state }), meta: () => ({ [FAILED_EXPECTATIONS_META_KEY]: failures }) }) as unknown as TestCase;

describe('annotationCommand', () => {
  test('escapes % CR LF in the message, and : , too in properties', () => {
    expect(annotationCommand(failure, 'policy x > a test')).toBe(
      '::error file=policies/a%2Cb.yaml,line=12,title=expect(request).toBeLoggedAt(level)%3A decided by rule 2 at policies/a%2Cb.yaml%3A12::' +
        'policy x > a test%0AExpected: "Request"%0AReceived: "Metadata" (100%25)\n',
    );
  });
});

describe('GithubActionsReporter', () => {
  const collect = (enabled: boolean, ...cases: TestCase[]) => {
    const out: string[] = [];
    const reporter = new GithubActionsReporter({ enabled, write: (t) => out.push(t) });
    for (const c of cases) reporter.onTestCaseResult(c);
    return out;
  };

  test('one command per failing expectation of a failed test', () => {
    expect(collect(true, testCase('failed', [failure, { ...failure, line: 3 }]))).toEqual([
      annotationCommand(failure, 'policy x > a test'),
      annotationCommand({ ...failure, line: 3 }, 'policy x > a test'),
    ]);
  });

  test('nothing for passed tests (an expectation caught inside a passing test is not a failure), nor off GitHub', () => {
    expect(collect(true, testCase('passed', [failure]))).toEqual([]);
    expect(collect(false, testCase('failed', [failure]))).toEqual([]);
  });
});
