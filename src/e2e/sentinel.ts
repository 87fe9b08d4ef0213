// The barrier that proves absence. Every end-to-end run prepends ONE rule to the
// policy under test:
//
//   - {"level": "Metadata", "users": ["auditspec:sentinel"]}
//
// It matches only requests from the reserved user `auditspec:sentinel`, which
// specs must not use, so it cannot become any other request's first match:
// every other request is decided exactly as by the user's policy. After a batch
// of requests has been answered, auditspec sends one request as that user and
// reads the audit log until the sentinel's event appears; kube-apiserver writes
// each request's events before it finishes answering it (--audit-log-mode=blocking),
// and the log is append-only, so every earlier request's events are then in what
// was read. Whatever is not there was not written — no sleeping involved.
//
// The sentinel asks for a long-running path (/debug/pprof/…, see
// BasicLongRunningRequestCheck in k8s.io/apiserver/pkg/server/filters) so it
// can write ResponseStarted too: its event appears unless the policy's
// top-level omitStages omits all three of RequestReceived, ResponseStarted and
// ResponseComplete — in which case no request can ever write anything, and the
// barrier is not needed.
//
// The rule is inserted into the policy's text (not re-serialised) so that every
// other byte kube-apiserver reads is the user's.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { HttpRequest } from '../request/types.js';

export const SENTINEL_USER = 'auditspec:sentinel';
/** Long-running (pprof prefix), forbidden to the sentinel: a fast 403 that is still audited. */
export const SENTINEL_PATH = '/debug/pprof/auditspec-sentinel';
// Quoted keys and values: the same text is a YAML flow mapping and a JSON object,
// so it also fits policies written in JSON (kube-apiserver decodes a file that
// starts with "{" as JSON, where bare words are a syntax error).
export const SENTINEL_RULE = `{"level": "Metadata", "users": ["${SENTINEL_USER}"]}`;

export function sentinelRequest(): HttpRequest {
  return { method: 'GET', url: SENTINEL_PATH, identity: { kind: 'user', name: SENTINEL_USER, groups: [] } };
}

export type SentinelPolicy =
  | { ok: true; text: string; sentinelLogged: boolean }
  | { ok: false; problem: string };

const WRITABLE_BY_SENTINEL = ['RequestReceived', 'ResponseStarted', 'ResponseComplete'];

/** The policy text with the sentinel rule first, or why it cannot be added. */
export function withSentinelRule(text: string): SentinelPolicy {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) return { ok: false, problem: `the policy is not valid YAML: ${doc.errors[0].message}` };
  // With a repeated "rules" key kube-apiserver keeps the last one (lenient decoding), so that is where the sentinel goes.
  const rules = isMap(doc.contents)
    ? doc.contents.items.filter((pair) => isScalar(pair.key) && pair.key.value === 'rules').at(-1)?.value
    : undefined;
  if (!isSeq(rules) || !rules.range) return { ok: false, problem: 'the policy has no rules list' };
  if (rules.items.length === 0) return { ok: false, problem: 'the policy has no rules' };
  const at = rules.range[0];
  let inserted: string;
  if (rules.flow) {
    if (text[at] !== '[') return { ok: false, problem: 'the rules list is not where its source range says' };
    inserted = `${text.slice(0, at + 1)}${SENTINEL_RULE}, ${text.slice(at + 1)}`;
  } else {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const indent = text.slice(lineStart, at);
    if (text[at] !== '-' || !/^[ ]*$/.test(indent)) {
      return { ok: false, problem: 'the rules list is not a plain block sequence' };
    }
    inserted = `${text.slice(0, at)}- ${SENTINEL_RULE}\n${indent}${text.slice(at)}`;
  }
  let omit: unknown;
  try {
    omit = (doc.toJS() as { omitStages?: unknown } | null)?.omitStages;
  } catch {
    omit = undefined; // e.g. unresolvable aliases: kube-apiserver's verdict comes from the preflight
  }
  const omitted = new Set(Array.isArray(omit) ? omit.map(String) : []);
  return { ok: true, text: inserted, sentinelLogged: !WRITABLE_BY_SENTINEL.every((s) => omitted.has(s)) };
}
