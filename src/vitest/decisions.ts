// Every time a matcher decides a request under a policy it reports the decision
// here. Rule coverage listens; matchers don't know who listens.
import type { AuditRequest } from '../request/types.js';

export interface DecisionRecord {
  /** Absolute path of the policy file. */
  policyFile: string;
  /** Deciding rule, or null when no rule matched (the default). */
  ruleIndex: number | null;
  request: AuditRequest;
  /** "offline" or the end-to-end backend's name. */
  mode: string;
}

type Listener = (record: DecisionRecord) => void;
const listeners = new Set<Listener>();

export function onDecision(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportDecision(record: DecisionRecord): void {
  for (const listener of listeners) listener(record);
}
