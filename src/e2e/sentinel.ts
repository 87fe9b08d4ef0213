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
// other byte kube-apiserver reads is the user's. Where it goes is found with the
// reader that reproduces kube-apiserver's own decoding (readPolicyTree), so any
// policy kube-apiserver loads gets its sentinel: old Mac or NEL line ends,
// merge keys, a second YAML document, "rules" written twice in JSON.
import { readPolicyTree, topLevelRules } from '../audit/policy/decode.js';
import type { JsonArray, JsonNode } from '../go/json/tree.js';
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
  const tree = readPolicyTree(text);
  if (!tree.ok) return { ok: false, problem: `the policy is not valid ${tree.format === 'json' ? 'JSON' : 'YAML'}: ${tree.message}` };
  // Usually one list. JSON may write "rules" twice, and Go decodes the second
  // list into the first one's elements: the sentinel goes first in each, so
  // every rule stays aligned with the one it merges with.
  const lists = topLevelRules(tree.root);
  if (lists.length === 0) return { ok: false, problem: 'the policy has no rules list' };
  if (lists[lists.length - 1].items.length === 0) return { ok: false, problem: 'the policy has no rules' };
  let inserted = text;
  // From the end of the text back, so that earlier offsets stay valid.
  for (const list of [...lists].sort((a, b) => (b.insertAt ?? 0) - (a.insertAt ?? 0))) {
    const result = insertFirst(inserted, list);
    if (typeof result !== 'string') return result;
    inserted = result;
  }
  const omitted = new Set(lastStringList(tree.root, 'omitStages'));
  return { ok: true, text: inserted, sentinelLogged: !WRITABLE_BY_SENTINEL.every((s) => omitted.has(s)) };
}

/** A YAML line break (go-yaml's: CR, LF, CRLF, NEL, LS, PS). */
const BREAKS = new Set(['\n', '\r', '\u0085', '\u2028', '\u2029']);

function insertFirst(text: string, list: JsonArray): string | { ok: false; problem: string } {
  const at = list.insertAt;
  if (at === undefined) return { ok: false, problem: 'the rules list has no place for a first rule' };
  if (list.flow) {
    if (text[at - 1] !== '[') return { ok: false, problem: 'the rules list is not where its source position says' };
    return `${text.slice(0, at)}${SENTINEL_RULE}${list.items.length > 0 ? ', ' : ''}${text.slice(at)}`;
  }
  // A block sequence: a new item at the first one's indentation, ended by the file's own line break.
  let lineStart = at;
  while (lineStart > 0 && text[lineStart - 1] === ' ') lineStart--;
  if (text[at] !== '-' || (lineStart > 0 && !BREAKS.has(text[lineStart - 1]))) {
    return { ok: false, problem: 'the rules list is not a plain block sequence' };
  }
  const lineBreak = lineStart === 0 ? '\n' : text[lineStart - 1] === '\n' && text[lineStart - 2] === '\r' ? '\r\n' : text[lineStart - 1];
  return `${text.slice(0, at)}- ${SENTINEL_RULE}${lineBreak}${text.slice(lineStart, at)}${text.slice(at)}`;
}

/** The strings of the last top-level `key` that is a list (what Go's decoder ends with). */
function lastStringList(root: JsonNode, key: string): string[] {
  if (root.kind !== 'object') return [];
  const list = root.entries.filter((e) => e.key === key && e.value.kind === 'array').at(-1)?.value;
  return list?.kind === 'array' ? list.items.flatMap((item) => (item.kind === 'string' ? [item.value] : [])) : [];
}
