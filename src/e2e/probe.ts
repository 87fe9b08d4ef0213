// `auditspec probe`: sends JSON-line requests to a real kube-apiserver running a
// policy and reports, per input line and in input order, what it logged.
import { parseRequestLine } from '../request/jsonl.js';
import type { HttpRequest } from '../request/types.js';
import type { AuditSession } from './session.js';

export type ProbeLineResult =
  | { auditID: string; status: number; level: string; stages: string[] }
  | { line: number; error: string };

/** One result per non-blank line; malformed lines become error objects and are not sent. */
export async function probeLines(session: AuditSession, policyFile: string, lines: readonly string[]): Promise<ProbeLineResult[]> {
  const slots: (ProbeLineResult | number)[] = [];
  const requests: HttpRequest[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = parseRequestLine(line);
    if (!parsed.ok) {
      slots.push({ line: i + 1, error: parsed.error });
    } else if (!parsed.request.http) {
      slots.push({ line: i + 1, error: `no HTTP request reproduces these attributes, so it cannot be sent (${parsed.request.label})` });
    } else {
      slots.push(requests.length);
      requests.push(parsed.request.http);
    }
  });
  // In input order, one at a time: a probe may create something and then read it.
  const outcomes = requests.length > 0 ? await session.run(policyFile, requests, { sequential: true }) : [];
  return slots.map((slot) => {
    if (typeof slot !== 'number') return slot;
    const { auditID, status, level, stages } = outcomes[slot];
    return { auditID, status, level, stages };
  });
}

export function formatProbeText(result: ProbeLineResult, request?: string): string {
  if ('error' in result) return `line ${result.line}: error: ${result.error}`;
  const stages = result.stages.length > 0 ? result.stages.join(',') : '-';
  return `${result.status} ${result.level.padEnd(15)} ${stages.padEnd(50)} ${request ?? ''} ${result.auditID}`.trimEnd();
}
