// Replays recorded audit logs through a policy: every request in the logs is
// decided again, once, and compared with what was recorded (or with what a
// baseline policy decides), so a policy change can be judged on real traffic
// before it reaches a cluster.
import type { Level, Policy, SourcePosition, Stage } from '../audit/types.js';
import { LEVELS, STAGES } from '../audit/types.js';
import type { AuditDecision, CompiledPolicy } from '../audit/policy/checker.js';
import { compilePolicy, evaluatePolicy } from '../audit/policy/checker.js';
import type { RequestAttributes } from '../request/types.js';
import { AttributeCache } from './attributeCache.js';
import { readLines } from './lines.js';
import { measureEvent, measureEventLine, receivedObjectRefBytes } from './eventSizes.js';
import { readRecordedEvent } from './recordedEvent.js';
import { formatRequestClass, requestClassKey, requestClassOf, resourceTarget, type RequestClass } from './requestClass.js';
import { RequestWindow } from './requestWindow.js';
import { BodySizeSamples, settleVolume, STAGE_INDEX, VolumeTally, type RecordedRequest } from './volume.js';

export interface ReplayOptions {
  policy: Policy;
  /** Compare with this policy's decisions instead of the levels recorded in the log. */
  baseline?: Policy;
  /** Requests whose events may still arrive (see RequestWindow). Default 100 000. */
  windowSize?: number;
  /** How many changed request classes the report lists. Default 20. */
  topClasses?: number;
  /** Example requests kept per changed class. Default 3. */
  examplesPerClass?: number;
  /** Malformed lines reported by position (all are counted). Default 10. */
  malformedExamples?: number;
  /**
   * Distinct changed classes tracked; beyond this, changed requests of new classes
   * are only counted (as `untrackedChangedRequests`), keeping memory bounded.
   * Default 50 000.
   */
  maxTrackedClasses?: number;
  onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  file: string;
  fileIndex: number;
  files: number;
  readBytes: number;
  totalBytes: number;
  events: number;
}

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

interface OpenRequest extends RecordedRequest {
  after: AuditDecision;
  /** undefined when comparing with the recorded levels. */
  before: AuditDecision | undefined;
  /** Failed authentication: kube-apiserver writes only ResponseStarted, so that event is the last. */
  failedAuthentication: boolean;
  /** Some decision writes RequestReceived: a missing one will be derived from a response event's size. */
  wantsRequestReceived: boolean;
}

const emptyLevelCounts = (): Record<Level, number> => ({ None: 0, Metadata: 0, Request: 0, RequestResponse: 0 });

function ruleCounts(compiled: CompiledPolicy): RuleCount[] {
  const rules: RuleCount[] = compiled.policy.rules.map((rule, index) => ({
    index,
    pos: rule.pos,
    level: rule.level as Level,
    requests: 0,
  }));
  rules.push({ index: null, pos: null, level: 'None', requests: 0 });
  return rules;
}

interface ClassTally {
  class: RequestClass;
  from: Level;
  to: Level;
  requests: number;
  examples: ChangedClass['examples'];
}

export async function replayAuditLogs(files: readonly string[], options: ReplayOptions): Promise<ReplayReport> {
  const after = compilePolicy(options.policy);
  const before = options.baseline ? compilePolicy(options.baseline) : undefined;
  const windowSize = options.windowSize ?? 100_000;
  const topClasses = options.topClasses ?? 20;
  const examplesPerClass = options.examplesPerClass ?? 3;
  const malformedExamples = options.malformedExamples ?? 10;
  const maxTrackedClasses = options.maxTrackedClasses ?? 50_000;

  const afterRules = ruleCounts(after);
  const beforeRules = before ? ruleCounts(before) : null;
  const levelsBefore = emptyLevelCounts();
  const levelsAfter = emptyLevelCounts();
  const transitions = Object.fromEntries(LEVELS.map((level) => [level, emptyLevelCounts()])) as Record<Level, Record<Level, number>>;
  const classes = new Map<string, ClassTally>();
  let changedRequests = 0;
  let untrackedChangedRequests = 0;

  const volumeBefore = new VolumeTally();
  const volumeAfter = new VolumeTally();
  const bodySamples = new BodySizeSamples();
  const finish = (_id: string, request: OpenRequest): void => {
    bodySamples.learn(request);
    if (request.before === undefined) volumeBefore.addRecorded(request);
    else volumeBefore.addEstimated(request, request.before);
    volumeAfter.addEstimated(request, request.after);
  };
  const window = new RequestWindow<OpenRequest>(windowSize, finish);
  const attributeCache = new AttributeCache();
  // Managed fields are only measured when some rule (or the policy) can omit them.
  const mayOmitManagedFields = [options.policy, options.baseline].some(
    (p) => p !== undefined && (p.omitManagedFields || p.rules.some((rule) => rule.omitManagedFields === true)),
  );

  const report: ReplayReport = {
    policyFile: options.policy.file,
    baselineFile: options.baseline?.file ?? null,
    compareWith: before ? 'baseline' : 'recorded',
    input: { files: [], lines: 0, blankLines: 0, events: 0, requests: 0, notEvents: 0, notEventExamples: [] },
    malformed: { count: 0, examples: [] },
    window: { capacity: windowSize, evicted: 0, reusedAuditIDs: 0 },
    levels: { before: levelsBefore, after: levelsAfter },
    rules: { policy: afterRules, baseline: beforeRules },
    transitions,
    changedRequests: 0,
    changedClasses: [],
    untrackedChangedRequests: 0,
    volume: { stages: [], total: { before: { events: 0, bytes: 0 }, after: { events: 0, bytes: 0 } }, notes: [] },
  };

  const startRequest = (
    attrs: RequestAttributes,
    recordedLevel: Level,
    file: string,
    line: number,
    auditID: string,
    requestURI: string,
  ): OpenRequest => {
    report.input.requests++;
    const afterDecision = evaluatePolicy(after, attrs);
    const beforeDecision = before ? evaluatePolicy(before, attrs) : undefined;
    const fromLevel = beforeDecision ? beforeDecision.level : recordedLevel;
    const toLevel = afterDecision.level;
    levelsBefore[fromLevel]++;
    levelsAfter[toLevel]++;
    transitions[fromLevel][toLevel]++;
    afterRules[afterDecision.ruleIndex ?? afterRules.length - 1].requests++;
    if (beforeDecision && beforeRules) beforeRules[beforeDecision.ruleIndex ?? beforeRules.length - 1].requests++;
    if (fromLevel !== toLevel) {
      changedRequests++;
      const key = `${requestClassKey(attrs)}\u0000${fromLevel}\u0000${toLevel}`;
      let tally = classes.get(key);
      if (tally === undefined && classes.size < maxTrackedClasses) {
        tally = { class: requestClassOf(attrs), from: fromLevel, to: toLevel, requests: 0, examples: [] };
        classes.set(key, tally);
      }
      if (tally === undefined) untrackedChangedRequests++;
      else {
        tally.requests++;
        if (tally.examples.length < examplesPerClass) tally.examples.push({ auditID, requestURI, file, line });
      }
    }
    const wantsRequestReceived =
      afterDecision.stages.includes('RequestReceived') || (beforeDecision?.stages.includes('RequestReceived') ?? false);
    return {
      level: recordedLevel,
      samples: [undefined, undefined, undefined, undefined],
      sizeClass: `${attrs.verb} ${attrs.resourceRequest ? resourceTarget(attrs) : 'nonresource'}`,
      // Only ever used to derive a RequestReceived: not worth serialising otherwise.
      receivedObjectRefBytes: wantsRequestReceived ? receivedObjectRefBytes(attrs) : 0,
      verb: attrs.verb,
      after: afterDecision,
      before: beforeDecision,
      failedAuthentication: attrs.user === null,
      wantsRequestReceived,
    };
  };

  /**
   * A later event of an open request, recognised and measured from the line
   * alone (see CONTINUATION_PREFIX). False when the line is anything else: it
   * then goes the ordinary way.
   */
  const recordContinuation = (text: string, bytes: number): boolean => {
    if (text.charCodeAt(text.length - 1) !== 0x7d /* } */) return false;
    const head = CONTINUATION_PREFIX.exec(text);
    if (head === null) return false;
    const open = window.get(head[2]);
    const stage = STAGE_BY_NAME.get(head[3]);
    if (open === undefined || stage === undefined || open.level !== head[1]) return false;
    const stageIndex = STAGE_INDEX[stage];
    if (open.samples[stageIndex] !== undefined) return false;
    const sample = measureEventLine(text, stage, bytes, {
      tail: stageIndex !== 0 && open.wantsRequestReceived && open.samples[0] === undefined,
      managedFields: mayOmitManagedFields,
    });
    if (sample === undefined) return false;
    report.input.events++;
    open.samples[stageIndex] = sample;
    if (stageIndex >= 2 || (stageIndex === 1 && open.failedAuthentication)) window.finish(head[2]);
    return true;
  };

  for (let fileIndex = 0; fileIndex < files.length; fileIndex++) {
    const file = files[fileIndex];
    const problem = (line: number, reason: string): void => {
      report.malformed.count++;
      if (report.malformed.examples.length < malformedExamples) report.malformed.examples.push({ file, line, reason });
    };
    const result = await readLines(
      file,
      (text, lineNumber, bytes) => {
        report.input.lines++;
        if (text.length === 0 || isBlank(text)) {
          report.input.blankLines++;
          return;
        }
        if (window.size > 0 && recordContinuation(text, bytes)) return;
        const parsed = parseLine(text);
        if (!parsed.ok) {
          problem(lineNumber, `not JSON: ${parsed.error}`);
          return;
        }
        const { record, prefixEnd } = parsed;
        const prefixOnly = prefixEnd !== -1;
        const read = readRecordedEvent(record);
        if (read.kind === 'not-event') {
          report.input.notEvents++;
          if (report.input.notEventExamples.length < malformedExamples) {
            report.input.notEventExamples.push({ file, line: lineNumber, reason: read.reason });
          }
          return;
        }
        if (read.kind === 'invalid') {
          problem(lineNumber, read.reason);
          return;
        }
        const { event, stage, level, auditID } = read;
        report.input.events++;
        const stageIndex = STAGE_INDEX[stage];
        let request = auditID === '' ? undefined : window.get(auditID);
        if (request !== undefined && request.samples[stageIndex] !== undefined) {
          // A second event for a stage already seen: another request reusing the ID.
          report.window.reusedAuditIDs++;
          window.finish(auditID);
          request = undefined;
        }
        const isNew = request === undefined;
        if (request === undefined) {
          let attributes: RequestAttributes;
          try {
            attributes = attributeCache.attributesOf(event);
          } catch (err) {
            report.input.events--;
            problem(lineNumber, `cannot tell the request: ${(err as Error).message}`);
            return;
          }
          request = startRequest(attributes, level, file, lineNumber, auditID, read.requestURI);
        }
        const measure = {
          tail: stageIndex !== 0 && request.wantsRequestReceived && request.samples[0] === undefined,
          managedFields: mayOmitManagedFields,
          wrapped: read.wrapped,
        };
        // A prefix-parsed line whose bodies cannot be located (an odd layout after all)
        // falls back to the parsed part: its whole size then counts as metadata.
        request.samples[stageIndex] =
          (prefixOnly ? measureEventLine(text, stage, bytes, measure, prefixEnd) : undefined) ??
          measureEvent(event as Record<string, unknown>, text, stage, bytes, measure);
        // ResponseComplete and Panic are always a request's last event; ResponseStarted is
        // the only one written for a failed authentication.
        const last = stageIndex >= 2 || (stageIndex === 1 && request.failedAuthentication);
        if (auditID === '' || (isNew && last)) finish(auditID, request);
        else if (isNew) window.add(auditID, request);
        else if (last) window.finish(auditID);
      },
      {
        onProgress: options.onProgress
          ? ({ readBytes, totalBytes }) =>
              options.onProgress?.({ file, fileIndex, files: files.length, readBytes, totalBytes, events: report.input.events })
          : undefined,
      },
    );
    report.input.files.push({ path: file, lines: result.lines, bytes: result.bytes, gzip: result.gzip });
  }
  window.drain();
  report.window.evicted = window.evicted;

  report.changedRequests = changedRequests;
  report.untrackedChangedRequests = untrackedChangedRequests;
  report.changedClasses = [...classes.values()]
    .sort((a, b) => b.requests - a.requests || formatRequestClass(a.class).localeCompare(formatRequestClass(b.class)))
    .slice(0, topClasses)
    .map((tally) => ({ ...tally, label: formatRequestClass(tally.class) }));

  const settledBefore = settleVolume(volumeBefore, bodySamples);
  const settledAfter = settleVolume(volumeAfter, bodySamples);
  report.volume.stages = STAGES.map((stage, i) => ({
    stage,
    before: { events: settledBefore.events[i], bytes: settledBefore.bytes[i] },
    after: { events: settledAfter.events[i], bytes: settledAfter.bytes[i] },
  }));
  for (const side of ['before', 'after'] as const) {
    report.volume.total[side] = report.volume.stages.reduce(
      (sum, s) => ({ events: sum.events + s[side].events, bytes: sum.bytes + s[side].bytes }),
      { events: 0, bytes: 0 },
    );
  }
  report.volume.notes = volumeNotes(before !== undefined, settledBefore, settledAfter);
  return report;
}

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

const STAGE_BY_NAME = new Map<string, Stage>(STAGES.map((stage) => [stage, stage]));

type ParsedLine = { ok: true; record: unknown; prefixEnd: number } | { ok: false; error: string };

/**
 * The line as JSON: only its metadata when it is in kube-apiserver's layout
 * (prefixEnd ≥ 0, see metadataPrefixEnd), else all of it (prefixEnd = -1).
 */
function parseLine(text: string): ParsedLine {
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

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function volumeNotes(
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
