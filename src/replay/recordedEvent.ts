// One parsed log line as the replay needs it: the audit Event (unwrapped from a
// cloud provider's record when needed) with the fields that say which request,
// which stage and which level, checked so that one odd line is reported instead
// of skewing the numbers.
import type { Level, Stage } from '../audit/types.js';
import { LEVELS, STAGES } from '../audit/types.js';
import { readAuditRecord, type AuditEventRecord } from '../request/event.js';

export type RecordedEventRead =
  | {
      kind: 'event';
      event: AuditEventRecord;
      stage: Stage;
      level: Level;
      /** "" when the event has none: it then stands alone as one request. */
      auditID: string;
      requestURI: string;
      /** The line is a provider's record around the event, not the event itself. */
      wrapped: boolean;
    }
  /** Valid JSON that is not an audit Event at all (e.g. a GKE Cloud Audit Log entry). */
  | { kind: 'not-event'; reason: string }
  /** An Event that cannot be replayed (no stage, an unknown level, …). */
  | { kind: 'invalid'; reason: string };

function isEventWithoutApiVersion(record: unknown): record is Record<string, unknown> {
  return typeof record === 'object' && record !== null && (record as Record<string, unknown>).kind === 'Event' && !('apiVersion' in record);
}

const STAGE_SET = new Set<string>(STAGES);
// kube-apiserver never writes an event at None: such a line was not written by it.
const LOGGED_LEVELS = new Set<string>(LEVELS.filter((level) => level !== 'None'));

export function readRecordedEvent(record: unknown): RecordedEventRead {
  let read = readAuditRecord(record);
  if (!read.ok && isEventWithoutApiVersion(record)) {
    // Some tools re-serialise events and drop apiVersion (e.g. Falco's test
    // fixtures); the fields are those of audit.k8s.io/v1, so read them as such.
    read = readAuditRecord({ ...record, apiVersion: 'audit.k8s.io/v1' });
  }
  if (!read.ok) {
    // An Event of an apiVersion we do not read is still an Event, just not one we can trust.
    const isEvent = typeof record === 'object' && record !== null && (record as { kind?: unknown }).kind === 'Event';
    return { kind: isEvent ? 'invalid' : 'not-event', reason: read.error };
  }
  const event = read.event;
  const { stage, level, verb } = event;
  if (typeof stage !== 'string' || !STAGE_SET.has(stage)) return { kind: 'invalid', reason: `Event without a known stage (${JSON.stringify(stage)})` };
  if (typeof level !== 'string' || !LOGGED_LEVELS.has(level)) return { kind: 'invalid', reason: `Event without a logged level (${JSON.stringify(level)})` };
  if (typeof verb !== 'string') return { kind: 'invalid', reason: 'Event without a verb' };
  if (event.requestURI !== undefined && typeof event.requestURI !== 'string') return { kind: 'invalid', reason: 'Event whose requestURI is not a string' };
  if (event.objectRef !== undefined && (typeof event.objectRef !== 'object' || Array.isArray(event.objectRef))) {
    return { kind: 'invalid', reason: 'Event whose objectRef is not an object' };
  }
  return {
    kind: 'event',
    event,
    stage: stage as Stage,
    level: level as Level,
    auditID: typeof event.auditID === 'string' ? event.auditID : '',
    requestURI: event.requestURI ?? '',
    wrapped: event !== record,
  };
}
