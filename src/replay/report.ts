// The replay's answer: what the logs held, how each level and rule fared under
// the policy (and the baseline or the recorded levels), which request classes
// change, and the log volume before and after. JSON output is this object.
import type { Level, SourcePosition, Stage } from '../audit/types.js';
import type { RequestClass } from './requestClass.js';
import type { settleVolume } from './volume.js';

export interface RuleCount {
  /** null for "no rule matched" (the default, level None). */
  index: number | null;
  pos: SourcePosition | null;
  level: Level;
  requests: number;
}

export interface LineProblem {
  file: string;
  line: number;
  reason: string;
}

export interface ChangedClass {
  class: RequestClass;
  label: string;
  from: Level;
  to: Level;
  requests: number;
  examples: { auditID: string; requestURI: string; file: string; line: number }[];
}

export interface StageVolume {
  stage: Stage;
  before: { events: number; bytes: number };
  after: { events: number; bytes: number };
}

export interface ReplayReport {
  policyFile: string;
  baselineFile: string | null;
  /** What "before" is: the levels in the log, or the baseline policy's decisions. */
  compareWith: 'recorded' | 'baseline';
  input: {
    files: { path: string; lines: number; bytes: number; gzip: boolean }[];
    lines: number;
    blankLines: number;
    events: number;
    requests: number;
    /** Lines that are JSON but not audit events (e.g. a cloud provider's own log format). */
    notEvents: number;
    notEventExamples: LineProblem[];
  };
  malformed: { count: number; examples: LineProblem[] };
  window: {
    capacity: number;
    /** Requests finished early because the window was full. */
    evicted: number;
    /** Events whose auditID was in use by a request that already had that stage: treated as a new request. */
    reusedAuditIDs: number;
  };
  levels: { before: Record<Level, number>; after: Record<Level, number> };
  rules: { policy: RuleCount[]; baseline: RuleCount[] | null };
  /** transitions[before][after] = requests. */
  transitions: Record<Level, Record<Level, number>>;
  changedRequests: number;
  changedClasses: ChangedClass[];
  untrackedChangedRequests: number;
  volume: {
    stages: StageVolume[];
    total: { before: { events: number; bytes: number }; after: { events: number; bytes: number } };
    /** Which parts of the numbers are estimates, in words. */
    notes: string[];
  };
}

export function volumeNotes(
  baseline: boolean,
  before: ReturnType<typeof settleVolume>,
  after: ReturnType<typeof settleVolume>,
): string[] {
  const notes = [
    baseline
      ? 'before: estimated for the baseline policy from the recorded events; after: estimated for the policy.'
      : 'before: the recorded lines, byte for byte; after: estimated for the policy from the recorded events.',
    'Recorded stages keep their measured size minus bodies the new level drops (measured) and plus bodies it adds.',
    'Stages the log does not hold are derived from the same request\'s other events (RequestReceived = the response event without responseStatus, annotations, impersonatedUser and bodies, with the objectRef the request itself names).',
    'Panic events are only written when a request panicked; the replay keeps them where the log has them.',
  ];
  const fromMeans = before.bodiesFromMeans + after.bodiesFromMeans;
  if (fromMeans > 0) {
    notes.push(
      `${fromMeans} request/response bodies the log did not record were sized as the mean of the same verb and resource (else verb) among recorded bodies.`,
    );
  }
  const noSample = before.bodiesWithoutSample + after.bodiesWithoutSample;
  if (noSample > 0) {
    notes.push(`${noSample} bodies had no recorded sample of their verb at all and count as 0 bytes: the "after" size is a lower bound.`);
  }
  const tails = before.responseTailsFromMean + after.responseTailsFromMean;
  if (tails > 0) {
    notes.push(`${tails} response events were derived from RequestReceived alone, with the log's mean size of responseStatus, annotations and impersonatedUser added.`);
  }
  return notes;
}
