// The seam between the matchers and an end-to-end backend. Offline, no observer
// is installed and matchers answer from evaluatePolicy alone. When specs run with
// `--cluster <backend>`, the end-to-end setup installs an observer; matchers then
// send the request for real and assert on what kube-apiserver wrote.
import type { Level, Stage } from '../audit/types.js';
import type { EndToEndTally } from '../e2e/tally.js';
import type { AuditRequest } from '../request/types.js';

/** What kube-apiserver really wrote to its audit log for one request. */
export interface ObservedResult {
  auditID: string;
  /** HTTP status the apiserver answered with. */
  status: number;
  /** As logged; "None" when no event was written. */
  level: Level;
  /** The stages written, in the order they appear in the log. */
  stages: Stage[];
}

export interface EndToEndObserver {
  /** e.g. "local", "kind" — shown in failure messages. */
  readonly backend: string;
  /** Sends `request` to a kube-apiserver running `policyFile` and reads back its events. */
  observe(policyFile: string, request: AuditRequest): Promise<ObservedResult>;
  /**
   * Optional: `policyFile` will be observed later in this run (describePolicy
   * says so at collection), so the backend can start it ahead. Fire and forget.
   */
  announce?(policyFile: string): void;
  /** Adds one test's counts to the run's (see e2e/tally.ts); the run prints the total at its end. */
  tally?(counts: EndToEndTally): Promise<void>;
}

let current: EndToEndObserver | undefined;

export function installObserver(observer: EndToEndObserver | undefined): void {
  current = observer;
}

export function currentObserver(): EndToEndObserver | undefined {
  return current;
}
