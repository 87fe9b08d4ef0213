// The `auditspec/github-actions` Vitest reporter: under GitHub Actions, one
// `::error file=<policy>,line=<rule line>,title=…::…` workflow command per
// failing expectation, pointing at the policy rule that decided (recorded by
// failedExpectations.ts), alongside Vitest's own annotation on the spec line.
// `auditspec test` adds it when GITHUB_ACTIONS=true; with plain vitest:
//   reporters: ['default', 'github-actions', 'auditspec/github-actions']
import type { Reporter, TestCase } from 'vitest/node';
import { failedExpectationsOf, type FailedExpectation } from './failedExpectationMeta.js';

export interface GithubActionsOptions {
  /** Print the commands; default: only when GITHUB_ACTIONS is "true", as on GitHub's runners. */
  enabled?: boolean;
  /** Where the commands go; default standard output, which is where GitHub reads them. */
  write?: (text: string) => void;
}

/** GitHub's escaping of a workflow command's message. */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** ... and of a property value, where ":" and "," separate. */
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function annotationCommand(failure: FailedExpectation, testName: string): string {
  const properties = `file=${escapeProperty(failure.file)},line=${failure.line},title=${escapeProperty(failure.title)}`;
  return `::error ${properties}::${escapeData(`${testName}\n${failure.message}`)}\n`;
}

export default class GithubActionsReporter implements Reporter {
  private readonly enabled: boolean;
  private readonly write: (text: string) => void;

  constructor(options: GithubActionsOptions = {}) {
    this.enabled = options.enabled ?? process.env.GITHUB_ACTIONS === 'true';
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  onTestCaseResult(testCase: TestCase): void {
    if (!this.enabled || testCase.result().state !== 'failed') return;
    for (const failure of failedExpectationsOf(testCase.meta())) this.write(annotationCommand(failure, testCase.fullName));
  }
}
