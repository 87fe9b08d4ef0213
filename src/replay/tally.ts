// The replay's running count, fed one log line at a time. Each line goes
// through named steps: onLine sorts it (blank, a later event of an open request,
// JSON to read), continuation measures a later event from the line alone,
// onEvent matches an event to its request, startRequest decides a new request
// under the policies and counts the decision, finish settles a request's volume
// once its last event is in, and report turns the counts into a ReplayReport.
// What a line is (blank, its head, its parse, its request's decision, its
// size) comes through LineFacts, asked only when a step needs it.
// The counts themselves are plain data (tallyCounts.ts), so that a `--jobs`
// worker can count its range of the log and hand them over (see jobs/).
import type { Level, Policy } from '../audit/types.js';
import { STAGES } from '../audit/types.js';
import type { AuditDecision, CompiledPolicy } from '../audit/policy/checker.js';
import { compilePolicy } from '../audit/policy/checker.js';
import { AttributeCache } from './attributeCache.js';
import type { ContinuationHead } from './eventLine.js';
import { detached } from './eventMetadata.js';
import { TextLineFacts, type FactContext, type LineFacts, type LineRead, type RequestFacts } from './lineFacts.js';
import { formatRequestClass, type RequestClass } from './requestClass.js';
import type { ReplayReport, RuleCount } from './report.js';
import { volumeNotes } from './report.js';
import { RequestWindow } from './requestWindow.js';
import { newTallyCounts, withoutPositions, type PositionedExample, type TallyCounts } from './tallyCounts.js';
import { settleVolume, STAGE_INDEX, type RecordedRequest } from './volume.js';

export interface TallyOptions {
  policy: Policy;
  baseline?: Policy;
  windowSize: number;
  topClasses: number;
  examplesPerClass: number;
  malformedExamples: number;
  maxTrackedClasses: number;
  /** Shared with other tallies of the same process (see jobs/worker.ts). */
  attributeCache?: AttributeCache;
}

export interface OpenRequest extends RecordedRequest {
  after: AuditDecision;
  /** undefined when comparing with the recorded levels. */
  before: AuditDecision | undefined;
  /** Failed authentication: kube-apiserver writes only ResponseStarted, so that event is the last. */
  failedAuthentication: boolean;
  /** Some decision writes RequestReceived: a missing one will be derived from a response event's size. */
  wantsRequestReceived: boolean;
  /** The position of the event that opened it (see tallyCounts.ts): orders requests carried from one `--jobs` range to the next. */
  addedAt: number;
}

type EventRead = Extract<LineRead, { kind: 'event' }>;

/** What a LineDeferral may ask of the tally's open requests. */
export interface OpenRequests {
  has(auditID: string): boolean;
  readonly size: number;
}

/**
 * For a `--jobs` worker, whose tally sees one range of the log without the
 * requests earlier ranges leave open: which lines to hand back uncounted,
 * because how they count may depend on those requests (see
 * jobs/rangeDeferral.ts). Asked only about lines whose auditID is not open here.
 */
export interface LineDeferral {
  /** A line with kube-apiserver's head, before it is tried as a later event. */
  deferHead(line: LineFacts, head: ContinuationHead, open: OpenRequests): boolean;
  /** An event read from its line, before it is counted. */
  deferEvent(line: LineFacts, read: EventRead, open: OpenRequests): boolean;
  /** A request was opened: `open.size` are open now. */
  opened(open: OpenRequests): void;
}

function ruleCounts(compiled: CompiledPolicy, requests: number[]): RuleCount[] {
  const rules: RuleCount[] = compiled.policy.rules.map((rule, index) => ({
    index,
    pos: rule.pos,
    level: rule.level as Level,
    requests: requests[index],
  }));
  rules.push({ index: null, pos: null, level: 'None', requests: requests[rules.length] });
  return rules;
}

/** ResponseComplete and Panic are always a request's last event; ResponseStarted is the only one written for a failed authentication. */
function isLastEvent(stageIndex: number, request: OpenRequest): boolean {
  return stageIndex >= 2 || (stageIndex === 1 && request.failedAuthentication);
}

export class ReplayTally {
  private readonly after: CompiledPolicy;
  private readonly before: CompiledPolicy | undefined;
  /** Everything counted so far; `--jobs` adds workers' counts to it (jobs/mergeCounts.ts). */
  readonly counts: TallyCounts;
  private readonly files: ReplayReport['input']['files'] = [];
  /** The open requests, oldest first. */
  readonly window: RequestWindow<OpenRequest>;
  private readonly attributeCache: AttributeCache;
  /** Managed fields are only measured when some rule (or the policy) can omit them. */
  private readonly mayOmitManagedFields: boolean;
  private readonly context: FactContext;

  constructor(
    readonly options: TallyOptions,
    private readonly deferral?: LineDeferral,
  ) {
    this.attributeCache = options.attributeCache ?? new AttributeCache();
    this.after = compilePolicy(options.policy);
    this.before = options.baseline ? compilePolicy(options.baseline) : undefined;
    this.counts = newTallyCounts(this.after.policy.rules.length + 1, this.before ? this.before.policy.rules.length + 1 : null);
    this.window = new RequestWindow<OpenRequest>(options.windowSize, (_id, request) => this.finish(request));
    this.mayOmitManagedFields = [options.policy, options.baseline].some(
      (p) => p !== undefined && (p.omitManagedFields || p.rules.some((rule) => rule.omitManagedFields === true)),
    );
    this.context = this.factContext;
  }

  /** Events counted so far (for progress). */
  get events(): number {
    return this.counts.events;
  }

  /** What working out a line's facts needs (see TextLineFacts). */
  get factContext(): FactContext {
    return { after: this.after, before: this.before, attributeCache: this.attributeCache, managedFields: this.mayOmitManagedFields };
  }

  /** One line of `file` (without its terminator; `bytes` with it) at log position `pos`. */
  onLine(file: string, text: string, lineNumber: number, bytes: number, pos: number): boolean {
    return this.onLineFacts(file, lineNumber, new TextLineFacts(this.context, text, bytes), pos);
  }

  /**
   * One line, through its facts: blank, a later event of an open request, or
   * anything else. False when the deferral handed it back uncounted.
   */
  onLineFacts(file: string, lineNumber: number, line: LineFacts, pos: number): boolean {
    const counts = this.counts;
    if (line.blank()) {
      counts.lines++;
      counts.blankLines++;
      return true;
    }
    const head = this.window.size > 0 || this.deferral !== undefined ? line.head() : undefined;
    if (head !== undefined) {
      if (this.deferral !== undefined && !this.window.has(head.auditID) && this.deferral.deferHead(line, head, this.window)) return false;
      if (this.window.size > 0 && this.continuation(line, head)) {
        counts.lines++;
        return true;
      }
    }
    const read = line.read();
    if (this.deferral !== undefined && read.kind === 'event' && read.auditID !== '' && !this.window.has(read.auditID)) {
      if (this.deferral.deferEvent(line, read, this.window)) return false;
    }
    counts.lines++;
    if (read.kind === 'not-event') {
      counts.notEvents++;
      if (counts.notEventExamples.length < this.options.malformedExamples) {
        counts.notEventExamples.push({ file, line: lineNumber, reason: read.reason, pos });
      }
      return true;
    }
    if (read.kind !== 'event') {
      this.problem(file, lineNumber, read.reason, pos);
      return true;
    }
    this.onEvent(file, lineNumber, line, read, pos);
    return true;
  }

  /** A file has been read to its end. */
  onFileRead(file: string, result: { lines: number; bytes: number; gzip: boolean }): void {
    this.files.push({ path: file, lines: result.lines, bytes: result.bytes, gzip: result.gzip });
  }

  /**
   * A later event of an open request, recognised and measured from the line
   * alone (see continuationHead). False when the line is anything else: it then
   * goes the ordinary way.
   */
  private continuation(line: LineFacts, head: ContinuationHead): boolean {
    const open = this.window.get(head.auditID);
    if (open === undefined || open.level !== head.level) return false;
    const stageIndex = STAGE_INDEX[head.stage];
    if (open.samples[stageIndex] !== undefined) return false;
    const sample = line.continuationSample(stageIndex !== 0 && open.wantsRequestReceived && open.samples[0] === undefined);
    if (sample === undefined) return false;
    this.counts.events++;
    open.samples[stageIndex] = sample;
    if (isLastEvent(stageIndex, open)) this.window.finish(head.auditID);
    return true;
  }

  /** An event read from its line: joins its open request, or starts one. */
  private onEvent(file: string, lineNumber: number, line: LineFacts, read: EventRead, pos: number): void {
    const { stage, level, auditID } = read;
    this.counts.events++;
    const stageIndex = STAGE_INDEX[stage];
    let request = auditID === '' ? undefined : this.window.get(auditID);
    if (request !== undefined && request.samples[stageIndex] !== undefined) {
      // A second event for a stage already seen: another request reusing the ID.
      this.counts.reusedAuditIDs++;
      this.window.finish(auditID);
      request = undefined;
    }
    const isNew = request === undefined;
    if (request === undefined) {
      const facts = line.request();
      if ('error' in facts) {
        this.counts.events--;
        this.problem(file, lineNumber, facts.error, pos);
        return;
      }
      request = this.startRequest(facts, level, { auditID, requestURI: read.requestURI, file, line: lineNumber, pos });
    }
    request.samples[stageIndex] = line.eventSample(stageIndex !== 0 && request.wantsRequestReceived && request.samples[0] === undefined);
    const last = isLastEvent(stageIndex, request);
    if (auditID === '' || (isNew && last)) this.finish(request);
    else if (isNew) {
      // Kept until the request's last event: not a view into this line (see detached).
      this.window.add(detached(auditID), request);
      this.deferral?.opened(this.window);
    } else if (last) this.window.finish(auditID);
  }

  /** Counts a new request's decisions under both policies. */
  private startRequest(facts: RequestFacts, recordedLevel: Level, example: PositionedExample): OpenRequest {
    const counts = this.counts;
    counts.requests++;
    const { after, before } = facts;
    const fromLevel = before ? before.level : recordedLevel;
    const toLevel = after.level;
    counts.levelsBefore[fromLevel]++;
    counts.levelsAfter[toLevel]++;
    counts.transitions[fromLevel][toLevel]++;
    counts.afterRules[after.ruleIndex ?? counts.afterRules.length - 1]++;
    if (before && counts.beforeRules) counts.beforeRules[before.ruleIndex ?? counts.beforeRules.length - 1]++;
    if (facts.changed !== undefined) this.countChange(facts.changed, fromLevel, toLevel, example);
    return {
      level: recordedLevel,
      samples: [undefined, undefined, undefined, undefined],
      sizeClass: facts.sizeClass,
      receivedObjectRefBytes: facts.receivedObjectRefBytes,
      verb: facts.verb,
      after,
      before,
      failedAuthentication: facts.failedAuthentication,
      wantsRequestReceived: facts.wantsRequestReceived,
      addedAt: example.pos,
    };
  }

  /** A request whose level changes, under its class (at most maxTrackedClasses of them are tracked). */
  private countChange(changed: NonNullable<RequestFacts['changed']>, from: Level, to: Level, example: PositionedExample): void {
    const counts = this.counts;
    counts.changedRequests++;
    const key = `${changed.key}\u0000${from}\u0000${to}`;
    let tally = counts.classes.get(key);
    if (tally === undefined && counts.classes.size < this.options.maxTrackedClasses) {
      tally = { class: detachedClass(changed.classOf()), from, to, requests: 0, examples: [], firstPos: example.pos };
      counts.classes.set(key, tally);
    }
    if (tally === undefined) {
      counts.untrackedChangedRequests++;
      return;
    }
    tally.requests++;
    if (tally.examples.length < this.options.examplesPerClass) {
      tally.examples.push({ ...example, auditID: detached(example.auditID), requestURI: detached(example.requestURI) });
    }
  }

  /** A request whose events are all in (or that the window or the log's end closed): its volume under each side. */
  finish(request: OpenRequest): void {
    const counts = this.counts;
    counts.bodySamples.learn(request);
    if (request.before === undefined) counts.volumeBefore.addRecorded(request);
    else counts.volumeBefore.addEstimated(request, request.before);
    counts.volumeAfter.addEstimated(request, request.after);
  }

  private problem(file: string, line: number, reason: string, pos: number): void {
    this.counts.malformed++;
    if (this.counts.malformedExamples.length < this.options.malformedExamples) this.counts.malformedExamples.push({ file, line, reason, pos });
  }

  /**
   * For a `--jobs` worker at the end of its range: the counts, and the
   * requests still open, oldest first, taken out of the window unfinished (a
   * later range may hold more of their events).
   */
  handOver(): { counts: TallyCounts; open: [string, OpenRequest][] } {
    const open = this.window.takeAll();
    this.counts.evicted += this.window.evicted;
    this.window.evicted = 0;
    return { counts: this.counts, open };
  }

  /** Closes the requests still open and puts the counts into a report. */
  report(): ReplayReport {
    this.window.drain();
    const counts = this.counts;
    const settledBefore = settleVolume(counts.volumeBefore, counts.bodySamples);
    const settledAfter = settleVolume(counts.volumeAfter, counts.bodySamples);
    const stages = STAGES.map((stage, i) => ({
      stage,
      before: { events: settledBefore.events[i], bytes: settledBefore.bytes[i] },
      after: { events: settledAfter.events[i], bytes: settledAfter.bytes[i] },
    }));
    const total = (side: 'before' | 'after') =>
      stages.reduce((sum, s) => ({ events: sum.events + s[side].events, bytes: sum.bytes + s[side].bytes }), { events: 0, bytes: 0 });
    return {
      policyFile: this.options.policy.file,
      baselineFile: this.options.baseline?.file ?? null,
      compareWith: this.before ? 'baseline' : 'recorded',
      input: {
        files: this.files,
        lines: counts.lines,
        blankLines: counts.blankLines,
        events: counts.events,
        requests: counts.requests,
        notEvents: counts.notEvents,
        notEventExamples: withoutPositions(counts.notEventExamples),
      },
      malformed: { count: counts.malformed, examples: withoutPositions(counts.malformedExamples) },
      window: { capacity: this.options.windowSize, evicted: counts.evicted + this.window.evicted, reusedAuditIDs: counts.reusedAuditIDs },
      levels: { before: counts.levelsBefore, after: counts.levelsAfter },
      rules: { policy: ruleCounts(this.after, counts.afterRules), baseline: this.before && counts.beforeRules ? ruleCounts(this.before, counts.beforeRules) : null },
      transitions: counts.transitions,
      changedRequests: counts.changedRequests,
      changedClasses: [...counts.classes.values()]
        // Ties (even of label: the same class with two transitions) go to the class seen first, as in the log.
        .sort((a, b) => b.requests - a.requests || formatRequestClass(a.class).localeCompare(formatRequestClass(b.class)) || a.firstPos - b.firstPos)
        .slice(0, this.options.topClasses)
        .map((tally) => ({
          class: tally.class,
          from: tally.from,
          to: tally.to,
          requests: tally.requests,
          examples: withoutPositions(tally.examples),
          label: formatRequestClass(tally.class),
        })),
      untrackedChangedRequests: counts.untrackedChangedRequests,
      volume: {
        stages,
        total: { before: total('before'), after: total('after') },
        notes: volumeNotes(this.before !== undefined, settledBefore, settledAfter),
      },
    };
  }
}

/** A class kept for the report, its strings copied out of the line it was read from (see detached). */
function detachedClass(c: RequestClass): RequestClass {
  return { user: c.user === null ? null : detached(c.user), verb: detached(c.verb), target: detached(c.target), namespace: detached(c.namespace) };
}
