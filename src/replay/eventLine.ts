// What a log line looks like before anything is decided on it: blank, a later
// event of a request recognised from its first fields alone, or JSON to parse
// (only its metadata when it has kube-apiserver's layout).
import type { Stage } from '../audit/types.js';
import { STAGES } from '../audit/types.js';
import { readEventMetadata } from './eventMetadata.js';
import { closingQuote } from './jsonScan.js';

/**
 * The first fields of an event as kube-apiserver writes it. A later event of a
 * request that is already open is recognised by them and measured from the line
 * alone: the request was decided on its first event, so the only thing this
 * event adds is its size, and skipping JSON.parse for it halves the work on a
 * typical log. Such a line is checked for the expected layout (this prefix,
 * a closing brace, the request's recorded level and a stage not seen yet) but
 * not parsed in full; anything else takes the ordinary path.
 */
const CONTINUATION_PREFIX = new RegExp(
  `^\\{"kind":"Event","apiVersion":"audit\\.k8s\\.io\\/v1","level":"([A-Za-z]+)","auditID":"([^"\\\\]+)","stage":"(?:${STAGES.map((stage) => `${stage}()`).join('|')})",`,
);
/** The capture group of the first stage's marker: one empty group per stage, in STAGES' order, says which stage it is without building its name. */
const FIRST_STAGE_GROUP = 3;

export interface ContinuationHead {
  level: string;
  auditID: string;
  stage: Stage;
}

/** The level, auditID and stage of a line in kube-apiserver's layout, read without parsing; undefined for any other line. */
export function continuationHead(text: string): ContinuationHead | undefined {
  if (text.charCodeAt(text.length - 1) !== 0x7d /* } */) return undefined;
  const head = CONTINUATION_PREFIX.exec(text);
  if (head === null) return undefined;
  let stage = 0;
  while (head[FIRST_STAGE_GROUP + stage] === undefined) stage++;
  return { level: head[1], auditID: head[2], stage: STAGES[stage] };
}

/**
 * Where the request's metadata ends in a line of kube-apiserver's layout, or -1.
 * Its Event fields come in a fixed order: everything the policy and the replay
 * read (level, auditID, stage, requestURI, verb, user, impersonatedUser,
 * objectRef) precedes responseStatus, the bodies and the timestamps. Parsing the
 * line only up to there skips the bodies, usually most of the bytes; they are
 * measured by position instead. A quote inside a JSON string is always escaped,
 * so `,"responseStatus":` with bare quotes is a member boundary; if the cut
 * lands anywhere odd, the shortened text does not parse and the whole line is
 * parsed instead. The price: a line damaged only inside its bodies still counts
 * as an event (a truncated line does not: it lacks the closing brace).
 */
const AFTER_METADATA_KEYS = [',"responseStatus":', ',"requestObject":', ',"responseObject":', ',"requestReceivedTimestamp":'];
function metadataPrefixEnd(text: string): number {
  if (!text.startsWith('{"kind":"Event","apiVersion":"audit.k8s.io/v1",') || text.charCodeAt(text.length - 1) !== 0x7d /* } */) return -1;
  // responseStatus, when there is one, is the first of them: stop looking there.
  const status = text.indexOf(AFTER_METADATA_KEYS[0]);
  if (status !== -1) return status;
  let end = -1;
  for (let i = 1; i < AFTER_METADATA_KEYS.length; i++) {
    const at = text.indexOf(AFTER_METADATA_KEYS[i]);
    if (at !== -1 && (end === -1 || at < end)) end = at;
  }
  return end;
}

export type ParsedLine = { ok: true; record: unknown; prefixEnd: number } | { ok: false; error: string };

/**
 * The members the replay reads from an event. JSON.parse keeps the last of a key
 * given twice, so the metadata alone decides only if none of them comes again
 * after the cut (kube-apiserver never writes that, but a log can say anything).
 */
const READ_MEMBERS = new Set(['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'impersonatedUser', 'objectRef']);
/**
 * Anything after the cut that might be one of them: the key in quotes before a
 * colon (JSON allows whitespace between them), or any \u escape (a key can be
 * spelled with escapes; letters with no other). kind and apiVersion start every
 * Kubernetes object in a body, so those hits are common. Those that are among
 * the first members of an object, after nothing but plain string members, are
 * passed over by the expression itself (NESTED_EARLY_MEMBER); the rest are told
 * apart by looking back (inNestedObject) or, failing that, by a walk
 * (topLevelKeyAfter).
 */
const READ_KEY = `"(?:${[...READ_MEMBERS].join('|')})"\\s*:`;
/**
 * The key just matched is preceded by a brace that is not the line's first
 * character, then up to four members of plain strings: it is a member of a
 * nested object. (The brace is structure: a quote right after it opens a
 * string, as JSON has no other place for one; any brace after the line's first
 * character opens a nested object. On a line that is not JSON this may say
 * anything, like the rest of the cut's reading.)
 */
const NESTED_EARLY_MEMBER = `(?<![^]\\{(?:"[^"\\\\]*":"[^"\\\\]*",){0,4}${READ_KEY})`;
const MAYBE_READ_MEMBER = new RegExp(`${READ_KEY}${NESTED_EARLY_MEMBER}|\\\\u`, 'g');

/**
 * The line as JSON: only its metadata when it is in kube-apiserver's layout
 * (prefixEnd ≥ 0: read by readEventMetadata, or parsed up to metadataPrefixEnd),
 * else all of it (prefixEnd = -1). Either way, the members the replay reads are
 * what JSON.parse of the whole line gives: escapes and unicode are decoded by
 * JSON.parse itself, and a line that repeats one of them after the metadata is
 * parsed in full.
 */
export function parseLine(text: string): ParsedLine {
  const metadata = readEventMetadata(text);
  if (metadata !== undefined) {
    if (!readMemberAfter(text, metadata.end)) return { ok: true, record: metadata.record, prefixEnd: metadata.end };
  } else {
    const prefixEnd = metadataPrefixEnd(text);
    if (prefixEnd !== -1 && !readMemberAfter(text, prefixEnd)) {
      try {
        return { ok: true, record: JSON.parse(`${text.slice(0, prefixEnd)}}`), prefixEnd };
      } catch {
        // Not the layout it looked like: parse the whole line.
      }
    }
  }
  try {
    return { ok: true, record: JSON.parse(text), prefixEnd: -1 };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Whether a member the replay reads (see READ_MEMBERS) is repeated at the top level after `from`. */
function readMemberAfter(text: string, from: number): boolean {
  MAYBE_READ_MEMBER.lastIndex = from;
  for (let hit = MAYBE_READ_MEMBER.exec(text); hit !== null; hit = MAYBE_READ_MEMBER.exec(text)) {
    let key = hit.index;
    if (text.charCodeAt(key) === 0x5c /* \ */) {
      // An escape inside a string (the only place JSON has backslashes): a key's?
      const escape = key;
      key = openingQuoteBefore(text, escape);
      const close = closingQuote(text, key);
      // Past the string (always forward, even on a line that is not JSON).
      MAYBE_READ_MEMBER.lastIndex = Math.max(close + 1, escape + 2);
      if (key < from || !isKey(text, close)) continue;
    }
    if (!inNestedObject(text, key)) return topLevelKeyAfter(text, from, (name) => READ_MEMBERS.has(name));
  }
  return false;
}

/** Whether the string that closes at `close` is a key: a colon follows, after any whitespace. */
function isKey(text: string, close: number): boolean {
  let i = close + 1;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09 || text.charCodeAt(i) === 0x0d || text.charCodeAt(i) === 0x0a) i++;
  return text.charCodeAt(i) === 0x3a /* : */;
}

/** How far inNestedObject looks back before it gives up (the forward walk then decides). */
const LOOK_BACK = 512;

/**
 * Whether the key whose opening quote is at `at` belongs to an object other
 * than the line's own, found by looking back over the members before it in
 * its object to the brace that opens it: any brace but the line's first
 * character opens a nested object. A body's kind and apiVersion (its first
 * members) are thus told apart in a few steps rather than by walking the line
 * from the cut. False when unsure (whitespace, a long look); on a line that is
 * not JSON it may say anything, like the rest of the cut's reading (see
 * metadataPrefixEnd).
 */
function inNestedObject(text: string, at: number): boolean {
  let i = at - 1;
  const stop = at - LOOK_BACK;
  while (i > stop) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) return i > 0;
    if (c !== 0x2c /* , */) return false;
    // The member before: its value, a colon, its key.
    const value = valueStartBefore(text, i - 1, stop);
    if (value <= 0 || text.charCodeAt(value - 1) !== 0x3a /* : */ || text.charCodeAt(value - 2) !== 0x22) return false;
    i = openingQuoteBefore(text, value - 2) - 1;
  }
  return false;
}

/** Where the JSON value that ends at `last` starts, or -1 (past `stop`, or not a value of compact JSON). */
function valueStartBefore(text: string, last: number, stop: number): number {
  const c = text.charCodeAt(last);
  if (c === 0x22 /* " */) return openingQuoteBefore(text, last);
  if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
    let depth = 0;
    for (let i = last; i > stop; i--) {
      const d = text.charCodeAt(i);
      if (d === 0x22) i = openingQuoteBefore(text, i);
      else if (d === 0x7d || d === 0x5d) depth++;
      else if (d === 0x7b || d === 0x5b) {
        depth--;
        if (depth === 0) return i;
      }
    }
    return -1;
  }
  // A number, true, false or null.
  let i = last;
  while (i > stop && isLiteralChar(text.charCodeAt(i))) i--;
  return i === last ? -1 : i + 1;
}

function isLiteralChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45;
}

/** The quote that opens the string whose closing quote is at `close`: the nearest quote before it that no odd run of backslashes escapes; -1 if none. */
function openingQuoteBefore(text: string, close: number): number {
  let quote = text.lastIndexOf('"', close - 1);
  while (quote > 0) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if ((backslashes & 1) === 0) return quote;
    quote = text.lastIndexOf('"', quote - 1);
  }
  return quote;
}

/**
 * Whether some key of the top-level object, from `from` (a position at depth 1,
 * between members) to the end, satisfies `wanted`. Strings are skipped as a
 * whole and brackets counted; nothing is validated (a line that is not JSON
 * fails its parse anyway, or is read as its metadata says, see metadataPrefixEnd).
 * Keys written with escapes are decoded by JSON.parse.
 */
export function topLevelKeyAfter(text: string, from: number, wanted: (key: string) => boolean): boolean {
  let depth = 1;
  // At depth 1, the string after `{` or `,` is a key.
  let expectKey = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i = closingQuote(text, i);
      if (depth === 1 && expectKey) {
        const escaped = hasBackslash(text, start + 1, i);
        let key: string;
        try {
          key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        } catch {
          return true; // a broken key: let the full parse say what it is
        }
        if (wanted(key)) return true;
      }
      expectKey = false;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      expectKey = false;
    } else if (c === 0x2c /* , */ && depth === 1) expectKey = true;
  }
  return false;
}

/** Whether text[from..to) holds a backslash: a key's own characters, so the look stays within the key. */
function hasBackslash(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x5c /* \ */) return true;
  return false;
}

export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
