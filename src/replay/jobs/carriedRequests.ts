// Requests a `--jobs` worker leaves open at the end of its range, as posted to
// the main thread, which keeps them open for later ranges (their later events
// may be there). A request's decisions are the compiled policy's own objects:
// they travel as the rule's index and which of its decisions it is, and are
// looked up again on the other side.
import type { AuditDecision, CompiledPolicy } from '../../audit/policy/checker.js';
import type { OpenRequest } from '../tally.js';

/** The rule's index (-1 for the default) and which of its three decisions (see checker's request shapes). */
type DecisionRecord = [number, number];

export type CarriedRequest = [auditID: string, request: Omit<OpenRequest, 'after' | 'before'>, after: DecisionRecord, before: DecisionRecord | null];

function decisionsOf(compiled: CompiledPolicy, ruleIndex: number): readonly AuditDecision[] {
  return ruleIndex < 0 ? compiled.defaults : compiled.rules[ruleIndex].decisions;
}

function decisionRecord(compiled: CompiledPolicy, decision: AuditDecision): DecisionRecord {
  const ruleIndex = decision.ruleIndex ?? -1;
  const shape = decisionsOf(compiled, ruleIndex).indexOf(decision);
  if (shape === -1) throw new Error('internal error: a decision that is not the policy’s own');
  return [ruleIndex, shape];
}

export function encodeCarried(open: [string, OpenRequest][], after: CompiledPolicy, before: CompiledPolicy | undefined): CarriedRequest[] {
  return open.map(([auditID, { after: a, before: b, ...request }]) => [
    auditID,
    request,
    decisionRecord(after, a),
    b !== undefined && before !== undefined ? decisionRecord(before, b) : null,
  ]);
}

export function decodeCarried(carried: CarriedRequest, after: CompiledPolicy, before: CompiledPolicy | undefined): [string, OpenRequest] {
  const [auditID, request, a, b] = carried;
  return [
    auditID,
    {
      ...request,
      after: decisionsOf(after, a[0])[a[1]],
      before: b !== null && before !== undefined ? decisionsOf(before, b[0])[b[1]] : undefined,
    },
  ];
}
