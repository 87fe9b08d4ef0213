// What a log line looks like before anything is decided on it: blank, a later
// event of a request recognised from its first fields alone, or JSON to parse
// (only its metadata when it has kube-apiserver's layout).
import type { Stage } from '../audit/types.js';
import { STAGES } from '../audit/types.js';

/**
 * The first fields of an event as kube-apiserver writes it. A later event of a
 * request that is already open is recognised by them and measured from the line
 * alone: the request was decided on its first event, so the only thing this
 * event adds is its size, and skipping JSON.parse for it halves the work on a
 * typical log. Such a line is checked for the expected layout (this prefix,
 * a closing brace, the request's recorded level and a stage not seen yet) but
 * not parsed in full; anything else takes the ordinary path.
 */
const CONTINUATION_PREFIX = /^\{"kind":"Event","apiVersion":"audit\.k8s\.io\/v1","level":"([A-Za-z]+)","auditID":"([^"\\]+)","stage":"([A-Za-z]+)",/;

const STAGE_BY_NAME = new Map<string, Stage>(STAGES.map((stage) => [stage, stage]));

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
  const stage = STAGE_BY_NAME.get(head[3]);
  if (stage === undefined) return undefined;
  return { level: head[1], auditID: head[2], stage };
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
 * The line as JSON: only its metadata when it is in kube-apiserver's layout
 * (prefixEnd ≥ 0, see metadataPrefixEnd), else all of it (prefixEnd = -1).
 */
export function parseLine(text: string): ParsedLine {
  const prefixEnd = metadataPrefixEnd(text);
  if (prefixEnd !== -1) {
    try {
      return { ok: true, record: JSON.parse(`${text.slice(0, prefixEnd)}}`), prefixEnd };
    } catch {
      // Not the layout it looked like: parse the whole line.
    }
  }
  try {
    return { ok: true, record: JSON.parse(text), prefixEnd: -1 };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
