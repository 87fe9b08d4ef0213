// Estimates how many events, and how many bytes, a request would have written to
// the audit log under some decision, from what its recorded events show.
//
// What is measured and what is estimated:
// - A recorded stage under the recorded level: its line, byte for byte.
// - A recorded stage at another level: the recorded line minus the bodies the new
//   level drops (their serialised size is measured), or plus the bodies it adds.
// - Bodies the log never held (the request was recorded below Request or below
//   RequestResponse): the mean size of that body among requests of the same
//   verb and resource that were recorded with it, else the mean for the verb,
//   else 0 (counted as "no sample"). These are settled when the log has been read,
//   so samples found after the request still count.
// - Managed fields: under omitManagedFields the measured size of
//   metadata.managedFields in recorded bodies (items[] of lists too) is dropped.
// - A stage that was not recorded (omitted by the recording policy): derived from
//   a recorded stage of the same request. RequestReceived is the response event
//   without responseStatus, annotations and impersonatedUser (none exists yet when
//   it is written) and with the objectRef the request itself names (the handler
//   later fills in name and namespace from the object); a response stage missing
//   when only RequestReceived was recorded gets the log's mean of that difference.
// kube-apiserver writes requestObject from ResponseStarted on and responseObject
// only with ResponseComplete, which is how bodies are assigned to stages below.
import type { Level, Stage } from '../audit/types.js';
import { LEVELS, STAGES } from '../audit/types.js';

const LEVEL_RANK: Record<string, number> = Object.fromEntries(LEVELS.map((level, i) => [level, i]));
export const levelRank = (level: Level): number => LEVEL_RANK[level];
const REQUEST = LEVEL_RANK.Request;
const REQUEST_RESPONSE = LEVEL_RANK.RequestResponse;

export const STAGE_INDEX: Record<Stage, number> = { RequestReceived: 0, ResponseStarted: 1, ResponseComplete: 2, Panic: 3 };

/** Sizes measured on one recorded event. */
export interface EventSample {
  stage: Stage;
  /** The whole line, terminator included. */
  bytes: number;
  /** `"requestObject":…` with its separator; 0 when absent. */
  requestBodyBytes: number;
  responseBodyBytes: number;
  /** Bytes metadata.managedFields takes inside those bodies. */
  requestManagedFieldsBytes: number;
  responseManagedFieldsBytes: number;
  /**
   * `"responseStatus":…`, `"annotations":…` and `"impersonatedUser":…` with separators:
   * what RequestReceived lacks (kube-apiserver writes it before impersonation,
   * authorization and the handler run: see DefaultBuildHandlerChain's filter order).
   */
  responseTailBytes: number;
}

/** What the replay knows about one request: its recorded level and events. */
export interface RecordedRequest {
  level: Level;
  /** Indexed by STAGE_INDEX. */
  samples: (EventSample | undefined)[];
  /** Key for body-size means, e.g. "create apps/deployments". */
  sizeClass: string;
  /** `,"objectRef":…` as RequestReceived writes it (what the request names; 0 for non-resource requests). */
  receivedObjectRefBytes: number;
  verb: string;
}

/** The decision fields the estimate needs (AuditDecision has them all). */
export interface VolumeDecision {
  level: Level;
  stages: readonly Stage[];
  omitManagedFields: boolean;
}

/** Events and bytes per stage (indexed by STAGE_INDEX), some of it owed to means settled later. */
export class VolumeTally {
  readonly events = [0, 0, 0, 0];
  readonly bytes = [0, 0, 0, 0];
  /** Bytes that were measured or derived from the request's own events. */
  readonly measuredBytes = [0, 0, 0, 0];
  /** sizeClass → counts per stage of bodies to be sized from means: [request×4, response×4, request-no-mf×4, response-no-mf×4]. */
  readonly owedBodies = new Map<string, { verb: string; counts: number[] }>();
  /** Response stages whose responseStatus/annotations must come from the log's mean, per stage. */
  readonly owedResponseTails = [0, 0, 0, 0];

  oweBody(request: RecordedRequest, kind: 'request' | 'response', stageIndex: number, withoutManagedFields: boolean): void {
    let owed = this.owedBodies.get(request.sizeClass);
    if (owed === undefined) {
      owed = { verb: request.verb, counts: new Array(16).fill(0) };
      this.owedBodies.set(request.sizeClass, owed);
    }
    owed.counts[(withoutManagedFields ? 8 : 0) + (kind === 'request' ? 0 : 4) + stageIndex]++;
  }

  /**
   * Adds another tally's counts (a `--jobs` worker's, structured-cloned: its
   * fields only). Every field is a sum of whole numbers, which add exactly in
   * any order; the bodies' means are only applied when settling.
   */
  add(other: VolumeTally): void {
    for (let i = 0; i < 4; i++) {
      this.events[i] += other.events[i];
      this.bytes[i] += other.bytes[i];
      this.measuredBytes[i] += other.measuredBytes[i];
      this.owedResponseTails[i] += other.owedResponseTails[i];
    }
    for (const [sizeClass, { verb, counts }] of other.owedBodies) {
      const owed = this.owedBodies.get(sizeClass);
      if (owed === undefined) this.owedBodies.set(sizeClass, { verb, counts: [...counts] });
      else for (let slot = 0; slot < 16; slot++) owed.counts[slot] += counts[slot];
    }
  }

  /** Adds the events of a request as they were really recorded. */
  addRecorded(request: RecordedRequest): void {
    for (let i = 0; i < 4; i++) {
      const sample = request.samples[i];
      if (sample === undefined) continue;
      this.events[i]++;
      this.bytes[i] += sample.bytes;
      this.measuredBytes[i] += sample.bytes;
    }
  }

  /** Adds the events a request would have written under `decision`. */
  addEstimated(request: RecordedRequest, decision: VolumeDecision): void {
    if (decision.level === 'None') return;
    const samples = request.samples;
    const recordedRank = LEVEL_RANK[request.level];
    const targetRank = LEVEL_RANK[decision.level];
    const panicked = samples[3] !== undefined && samples[2] === undefined;
    // The response-stage event with the most information: its bodies are the request's.
    const response = samples[2] ?? samples[3] ?? samples[1];
    const received = samples[0];
    for (const stage of decision.stages) {
      // A request that panicked writes Panic where it would have written ResponseComplete.
      const index = panicked && stage === 'ResponseComplete' ? 3 : STAGE_INDEX[stage];
      this.events[index]++;

      let core: number;
      const own = samples[index];
      if (own !== undefined) {
        core = own.bytes - own.requestBodyBytes - own.responseBodyBytes;
      } else if (index === 0) {
        // RequestReceived: written before impersonation, authorization and the handler run,
        // so no impersonatedUser, status, annotations or bodies.
        const ref = response as EventSample;
        core =
          ref.bytes - ref.requestBodyBytes - ref.responseBodyBytes - ref.responseTailBytes + request.receivedObjectRefBytes + stageNameDelta(ref.stage, stage);
      } else if (response !== undefined) {
        core = response.bytes - response.requestBodyBytes - response.responseBodyBytes + stageNameDelta(response.stage, STAGES[index]);
      } else {
        const ref = received as EventSample;
        core = ref.bytes + stageNameDelta(ref.stage, STAGES[index]);
        this.owedResponseTails[index]++;
      }
      this.bytes[index] += core;
      this.measuredBytes[index] += core;
      if (index === 0) continue;

      if (targetRank >= REQUEST) {
        const source = own ?? response;
        if (recordedRank >= REQUEST && source !== undefined && source.stage !== 'RequestReceived') {
          const body = source.requestBodyBytes - (decision.omitManagedFields ? source.requestManagedFieldsBytes : 0);
          this.bytes[index] += body;
          this.measuredBytes[index] += body;
        } else {
          this.oweBody(request, 'request', index, decision.omitManagedFields);
        }
      }
      if (targetRank >= REQUEST_RESPONSE && index === 2) {
        if (recordedRank >= REQUEST_RESPONSE && samples[2] !== undefined) {
          const s = samples[2];
          const body = s.responseBodyBytes - (decision.omitManagedFields ? s.responseManagedFieldsBytes : 0);
          this.bytes[index] += body;
          this.measuredBytes[index] += body;
        } else {
          this.oweBody(request, 'response', index, decision.omitManagedFields);
        }
      }
    }
  }
}

function stageNameDelta(from: Stage, to: Stage): number {
  return to.length - from.length;
}

interface MeanAccumulator {
  n: number;
  sum: number;
  /** Sum of the managed-fields part. */
  managedFields: number;
}
const newMean = (): MeanAccumulator => ({ n: 0, sum: 0, managedFields: 0 });

/** Body sizes seen in the log, to size bodies the log never held. */
export class BodySizeSamples {
  private readonly byClass = new Map<string, { request: MeanAccumulator; response: MeanAccumulator }>();
  private readonly byVerb = new Map<string, { request: MeanAccumulator; response: MeanAccumulator }>();
  private readonly tails = newMean();

  /** Learns from one finished request. */
  learn(request: RecordedRequest): void {
    const rank = LEVEL_RANK[request.level];
    const response = request.samples[2] ?? request.samples[3] ?? request.samples[1];
    if (response !== undefined && response.responseTailBytes > 0) {
      // What a response event adds to RequestReceived (the tail less the objectRef RequestReceived has too).
      this.tails.n++;
      this.tails.sum += response.responseTailBytes - request.receivedObjectRefBytes;
    }
    if (rank < REQUEST || response === undefined) return;
    const slotFor = (map: Map<string, { request: MeanAccumulator; response: MeanAccumulator }>, key: string) => {
      let slot = map.get(key);
      if (slot === undefined) {
        slot = { request: newMean(), response: newMean() };
        map.set(key, slot);
      }
      return slot;
    };
    for (const slot of [slotFor(this.byClass, request.sizeClass), slotFor(this.byVerb, request.verb)]) {
      slot.request.n++;
      slot.request.sum += response.requestBodyBytes;
      slot.request.managedFields += response.requestManagedFieldsBytes;
      const complete = request.samples[2];
      if (rank >= REQUEST_RESPONSE && complete !== undefined) {
        slot.response.n++;
        slot.response.sum += complete.responseBodyBytes;
        slot.response.managedFields += complete.responseManagedFieldsBytes;
      }
    }
  }

  /** Mean size of a body kind for a size class, falling back to the verb; undefined without any sample. */
  mean(sizeClass: string, verb: string, kind: 'request' | 'response', withoutManagedFields: boolean): number | undefined {
    const acc = this.byClass.get(sizeClass)?.[kind];
    const chosen = acc !== undefined && acc.n > 0 ? acc : this.byVerb.get(verb)?.[kind];
    if (chosen === undefined || chosen.n === 0) return undefined;
    return (chosen.sum - (withoutManagedFields ? chosen.managedFields : 0)) / chosen.n;
  }

  /** Adds another's samples (a `--jobs` worker's, structured-cloned: its fields only). Sums of whole numbers: exact in any order. */
  add(other: BodySizeSamples): void {
    const addMean = (into: MeanAccumulator, from: MeanAccumulator) => {
      into.n += from.n;
      into.sum += from.sum;
      into.managedFields += from.managedFields;
    };
    for (const [mine, theirs] of [
      [this.byClass, other.byClass],
      [this.byVerb, other.byVerb],
    ] as const) {
      for (const [key, slot] of theirs) {
        const into = mine.get(key);
        if (into === undefined) mine.set(key, { request: { ...slot.request }, response: { ...slot.response } });
        else {
          addMean(into.request, slot.request);
          addMean(into.response, slot.response);
        }
      }
    }
    addMean(this.tails, other.tails);
  }

  meanResponseTail(): number {
    // Without any sample, the size of the smallest real tail: `,"responseStatus":{"metadata":{},"code":200}`.
    return this.tails.n > 0 ? this.tails.sum / this.tails.n : 44;
  }
}

export interface SettledVolume {
  events: number[];
  bytes: number[];
  measuredBytes: number[];
  /** Bodies sized from means of the same verb+resource or verb. */
  bodiesFromMeans: number;
  /** Bodies for which the log held no sample at all (counted as 0 bytes). */
  bodiesWithoutSample: number;
  /** Response stages whose status/annotations size came from the log's mean. */
  responseTailsFromMean: number;
}

/** Turns a tally into totals once every body sample of the log is known. */
export function settleVolume(tally: VolumeTally, samples: BodySizeSamples): SettledVolume {
  const bytes = [...tally.bytes];
  let bodiesFromMeans = 0;
  let bodiesWithoutSample = 0;
  // Means are fractions, whose sum depends on the order they are added in: in
  // the order of the size classes' names, whatever order they were first owed in
  // (with --jobs, that order is a worker's, not the log's).
  const owed = [...tally.owedBodies].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [sizeClass, { verb, counts }] of owed) {
    for (let slot = 0; slot < 16; slot++) {
      const count = counts[slot];
      if (count === 0) continue;
      const kind = slot & 4 ? 'response' : 'request';
      const mean = samples.mean(sizeClass, verb, kind, slot >= 8);
      if (mean === undefined) bodiesWithoutSample += count;
      else {
        bodiesFromMeans += count;
        bytes[slot & 3] += mean * count;
      }
    }
  }
  const tail = samples.meanResponseTail();
  let responseTailsFromMean = 0;
  for (let i = 0; i < 4; i++) {
    bytes[i] += tally.owedResponseTails[i] * tail;
    responseTailsFromMean += tally.owedResponseTails[i];
  }
  return {
    events: [...tally.events],
    bytes: bytes.map(Math.round),
    measuredBytes: [...tally.measuredBytes],
    bodiesFromMeans,
    bodiesWithoutSample,
    responseTailsFromMean,
  };
}
