// Snapshot tables: the decisions of a policy for a table of requests, one
// aligned line per request, kept as a Vitest snapshot. A policy edit then shows
// up as a reviewable diff of exactly the requests whose treatment changed.
//
//   expectPolicySnapshot('policies/audit.yaml', [
//     as('alice', ['dev']).get('secrets', 'db', { namespace: 'prod' }),
//     anonymous().nonResource('GET', '/healthz'),
//   ]);
import { expect } from 'vitest';
import type { AuditDecision } from '../audit/policy/checker.js';
import { evaluatePolicy } from '../audit/policy/checker.js';
import { formatPosition } from '../audit/policy/sourceMap.js';
import type { AuditRequest } from '../request/types.js';
import { reportDecision } from './decisions.js';
import { activePolicy, loadPolicyBinding, type PolicyBinding } from './policyBinding.js';
import { toAuditRequest } from './subject.js';

/** A list of requests, or requests keyed by the label to show for them. */
export type SnapshotRequests = readonly unknown[] | Readonly<Record<string, unknown>>;

export interface SnapshotRow {
  label: string;
  decision: AuditDecision;
}

/** The text stored in the snapshot; printed verbatim by the serializer below. */
export class AuditSnapshot {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

let serializerAdded = false;
function ensureSerializer(): void {
  if (serializerAdded) return;
  expect.addSnapshotSerializer({
    test: (value: unknown) => value instanceof AuditSnapshot,
    serialize: (value: unknown) => (value as AuditSnapshot).text,
  });
  serializerAdded = true;
}

function resolveBinding(policy: string | PolicyBinding | undefined): PolicyBinding {
  if (typeof policy === 'string') return loadPolicyBinding(policy);
  if (policy !== undefined) return policy;
  const active = activePolicy();
  if (!active) {
    throw new Error(
      'auditspec: expectPolicySnapshot needs a policy: pass its path, or call it inside describePolicy(…) / after usePolicy(…).',
    );
  }
  return active;
}

function labelled(requests: SnapshotRequests): AuditRequest[] {
  if (Array.isArray(requests)) return requests.map(toAuditRequest);
  return Object.entries(requests as Record<string, unknown>).map(([label, value]) => ({ ...toAuditRequest(value), label }));
}

/** Decides every request under the policy, reporting each decision for rule coverage. */
export function decideSnapshotRows(binding: PolicyBinding, requests: SnapshotRequests): SnapshotRow[] {
  return labelled(requests).map((request) => {
    const decision = evaluatePolicy(binding.compiled, request.attributes);
    reportDecision({ policyFile: binding.file, ruleIndex: decision.ruleIndex, request, mode: 'offline' });
    return { label: request.label, decision };
  });
}

function ruleColumn(decision: AuditDecision): string {
  if (decision.ruleIndex === null || decision.rule === null) return 'default (no rule matched)';
  return `rule #${decision.ruleIndex} ${formatPosition(decision.rule.pos, { column: false })}`;
}

// The level and omit columns have fixed widths (the widest level, and the
// omitStages most rules use): a width computed from the decisions would shift
// every line when one decision changes, and the snapshot diff would no longer
// show just the requests whose treatment changed. Rarer, longer stage lists
// overflow their own line only.
const LEVEL_WIDTH = '→ RequestResponse'.length;
const OMIT_WIDTH = 'omit RequestReceived,ResponseStarted'.length;

/** One line per request: label → level, omitted stages, deciding rule. */
export function formatSnapshotTable(binding: PolicyBinding, rows: readonly SnapshotRow[]): string {
  const labelWidth = Math.max(0, ...rows.map((row) => row.label.length));
  const lines = rows.map(({ label, decision }) =>
    [
      label.padEnd(labelWidth),
      `→ ${decision.level}`.padEnd(LEVEL_WIDTH),
      (decision.omitStages.length > 0 ? `omit ${decision.omitStages.join(',')}` : 'omit -').padEnd(OMIT_WIDTH),
      ruleColumn(decision),
    ].join('  '),
  );
  return [`policy ${binding.displayPath}`, ...lines].join('\n');
}

/** The snapshot text for `requests` under `policy` (a path, a binding, or the active describePolicy). */
export function policySnapshot(policy: string | PolicyBinding | undefined, requests: SnapshotRequests): AuditSnapshot {
  const binding = resolveBinding(policy);
  return new AuditSnapshot(formatSnapshotTable(binding, decideSnapshotRows(binding, requests)));
}

/**
 * Asserts the decisions for `requests` match the stored snapshot (Vitest's
 * toMatchSnapshot: `vitest -u` updates it after a reviewed policy change).
 */
export function expectPolicySnapshot(policy: string | PolicyBinding | undefined, requests: SnapshotRequests, hint?: string): void {
  ensureSerializer();
  const snapshot = policySnapshot(policy, requests);
  if (hint === undefined) expect(snapshot).toMatchSnapshot();
  else expect(snapshot).toMatchSnapshot(hint);
}
