// Checks that a reported change is real: its example, evaluated under both
// policies, decides exactly as reported — and so does the HTTP form `auditspec
// eval` would read.
import { expect } from 'vitest';
import { compilePolicy, evaluatePolicy, type AuditDecision } from '../../src/audit/policy/checker.js';
import { readPolicy } from '../../src/audit/policy/reader.js';
import type { Policy } from '../../src/audit/types.js';
import type { DecisionSide, PolicyDiff } from '../../src/diff/diffPolicies.js';
import { parseRequestValue } from '../../src/request/jsonl.js';

export function policyFromYaml(text: string, file: string): Policy {
  const result = readPolicy(text, { file });
  if (!result.ok) throw result.error;
  return result.policy;
}

function expectSide(decision: AuditDecision, side: DecisionSide): void {
  expect({
    level: decision.level,
    omitStages: decision.omitStages,
    omitManagedFields: decision.omitManagedFields,
    ruleIndex: decision.ruleIndex,
    rule: decision.rule === null ? 'default' : `${decision.rule.pos.file}:${decision.rule.pos.line}`,
  }).toEqual({
    level: side.level,
    omitStages: side.omitStages,
    omitManagedFields: side.omitManagedFields,
    ruleIndex: side.ruleIndex,
    rule: side.rule,
  });
}

/** Every change's example reproduces it, as attributes and as the `auditspec eval` line. */
export function expectReproducible(diff: PolicyDiff, oldPolicy: Policy, newPolicy: Policy, { httpRequired = true } = {}): void {
  const before = compilePolicy(oldPolicy);
  const after = compilePolicy(newPolicy);
  for (const change of diff.changes) {
    expectSide(evaluatePolicy(before, change.attributes), change.old);
    expectSide(evaluatePolicy(after, change.attributes), change.new);
    if (change.http === null) {
      if (httpRequired) throw new Error(`no HTTP example for ${change.description}`);
      continue;
    }
    const parsed = parseRequestValue(JSON.parse(JSON.stringify(change.http)));
    if (!parsed.ok) throw new Error(`auditspec eval cannot read ${JSON.stringify(change.http)}: ${parsed.error}`);
    expectSide(evaluatePolicy(before, parsed.request.attributes), change.old);
    expectSide(evaluatePolicy(after, parsed.request.attributes), change.new);
  }
}
