// The replay's running count, fed one log line at a time. Each line goes
// through named steps: onLine sorts it (blank, a later event of an open request,
// JSON to read), continuation measures a later event from the line alone,
// onEvent matches an event to its request, startRequest decides a new request
// under the policies and counts the decision, finish settles a request's volume
// once its last event is in, and report turns the counts into a ReplayReport.
// What a line is (blank, its head, its parse, its request's decision, its
// size) comes through LineFacts, asked only when a step needs it: worked out
// from the text here, or recorded by a `--jobs` worker.
import type { Level, Policy } from '../audit/types.js';
import { LEVELS, STAGES } from '../audit/types.js';
import type { AuditDecision, CompiledPolicy } from '../audit/policy/checker.js';
import { compilePolicy } from '../audit/policy/checker.js';
import { AttributeCache } from './attributeCache.js';
import { TextLineFacts, type FactContext, type LineFacts, type LineRead, type RequestFacts } from './lineFacts.js';
import { formatRequestClass, type RequestClass } from './requestClass.js';
import type { ReplayReport, RuleCount, ChangedClass, LineProblem } from './report.js';
import { volumeNotes } from './report.js';
import { RequestWindow } from './requestWindow.js';
import { BodySizeSamples, settleVolume, STAGE_INDEX, VolumeTally, type RecordedRequest } from './volume.js';

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

interface OpenRequest extends RecordedRequest {
  after: AuditDecision;
  /** undefined when comparing with the recorded levels. */
  before: AuditDecision | undefined;
  /** Failed authentication: kube-apiserver writes only ResponseStarted, so that event is the last. */
  failedAuthentication: boolean;
  /** Some decision writes RequestReceived: a missing one will be derived from a response event's size. */
  wantsRequestReceived: boolean;
}

interface ClassTally {
  class: RequestClass;
  from: Level;
  to: Level;
  requests: number;
  examples: ChangedClass['examples'];
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

/** ResponseComplete and Panic are always a request's last event; ResponseStarted is the only one written for a failed authentication. */
function isLastEvent(stageIndex: number, request: OpenRequest): boolean {
  return stageIndex >= 2 || (stageIndex === 1 && request.failedAuthentication);
}

export class ReplayTally {
  private readonly after: CompiledPolicy;
  private readonly before: CompiledPolicy | undefined;
  private readonly afterRules: RuleCount[];
  private readonly beforeRules: RuleCount[] | null;
  private readonly levelsBefore = emptyLevelCounts();
  private readonly levelsAfter = emptyLevelCounts();
  private readonly transitions = Object.fromEntries(LEVELS.map((level) => [level, emptyLevelCounts()])) as Record<Level, Record<Level, number>>;
  private readonly classes = new Map<string, ClassTally>();
  private changedRequests = 0;
  private untrackedChangedRequests = 0;
  private readonly volumeBefore = new VolumeTally();
  private readonly volumeAfter = new VolumeTally();
  private readonly bodySamples = new BodySizeSamples();
  private readonly window: RequestWindow<OpenRequest>;
  private readonly attributeCache: AttributeCache;
  /** Managed fields are only measured when some rule (or the policy) can omit them. */
  private readonly mayOmitManagedFields: boolean;
  private readonly input: ReplayReport['input'] = {
    files: [],
    lines: 0,
    blankLines: 0,
    events: 0,
    requests: 0,
    notEvents: 0,
    notEventExamples: [],
  };
  private readonly malformed: ReplayReport['malformed'] = { count: 0, examples: [] };
  private reusedAuditIDs = 0;
  private readonly context: FactContext;

  constructor(private readonly options: TallyOptions) {
    this.attributeCache = options.attributeCache ?? new AttributeCache();
    this.after = compilePolicy(options.policy);
    this.before = options.baseline ? compilePolicy(options.baseline) : undefined;
    this.afterRules = ruleCounts(this.after);
    this.beforeRules = this.before ? ruleCounts(this.before) : null;
    this.window = new RequestWindow<OpenRequest>(options.windowSize, (_id, request) => this.finish(request));
    this.mayOmitManagedFields = [options.policy, options.baseline].some(
      (p) => p !== undefined && (p.omitManagedFields || p.rules.some((rule) => rule.omitManagedFields === true)),
    );
    this.context = this.factContext;
  }

  /** Events counted so far (for progress). */
  get events(): number {
    return this.input.events;
  }

  /** What working out a line's facts needs (see TextLineFacts). */
  get factContext(): FactContext {
    return { after: this.after, before: this.before, attributeCache: this.attributeCache, managedFields: this.mayOmitManagedFields };
  }

  /** One line of `file` (without its terminator; `bytes` with it). */
  onLine(file: string, text: string, lineNumber: number, bytes: number): void {
    this.onLineFacts(file, lineNumber, new TextLineFacts(this.context, text, bytes));
  }

  /** One line, through its facts: blank, a later event of an open request, or anything else. */
  onLineFacts(file: string, lineNumber: number, line: LineFacts): void {
    this.input.lines++;
    if (line.blank()) {
      this.input.blankLines++;
      return;
    }
    if (this.window.size > 0 && this.continuation(line)) return;
    const read = line.read();
    if (read.kind === 'not-event') {
      this.input.notEvents++;
      if (this.input.notEventExamples.length < this.options.malformedExamples) {
        this.input.notEventExamples.push({ file, line: lineNumber, reason: read.reason });
      }
      return;
    }
    if (read.kind !== 'event') {
      this.problem(file, lineNumber, read.reason);
      return;
    }
    this.onEvent(file, lineNumber, line, read);
  }

  /** A file has been read to its end. */
  onFileRead(file: string, result: { lines: number; bytes: number; gzip: boolean }): void {
    this.input.files.push({ path: file, lines: result.lines, bytes: result.bytes, gzip: result.gzip });
  }

  /**
   * A later event of an open request, recognised and measured from the line
   * alone (see continuationHead). False when the line is anything else: it then
   * goes the ordinary way.
   */
  private continuation(line: LineFacts): boolean {
    const head = line.head();
    if (head === undefined) return false;
    const open = this.window.get(head.auditID);
    if (open === undefined || open.level !== head.level) return false;
    const stageIndex = STAGE_INDEX[head.stage];
    if (open.samples[stageIndex] !== undefined) return false;
    const sample = line.continuationSample(stageIndex !== 0 && open.wantsRequestReceived && open.samples[0] === undefined);
    if (sample === undefined) return false;
    this.input.events++;
    open.samples[stageIndex] = sample;
    if (isLastEvent(stageIndex, open)) this.window.finish(head.auditID);
    return true;
  }

  /** An event read from its line: joins its open request, or starts one. */
  private onEvent(file: string, lineNumber: number, line: LineFacts, read: Extract<LineRead, { kind: 'event' }>): void {
    const { stage, level, auditID } = read;
    this.input.events++;
    const stageIndex = STAGE_INDEX[stage];
    let request = auditID === '' ? undefined : this.window.get(auditID);
    if (request !== undefined && request.samples[stageIndex] !== undefined) {
      // A second event for a stage already seen: another request reusing the ID.
      this.reusedAuditIDs++;
      this.window.finish(auditID);
      request = undefined;
    }
    const isNew = request === undefined;
    if (request === undefined) {
      const facts = line.request();
      if ('error' in facts) {
        this.input.events--;
        this.problem(file, lineNumber, facts.error);
        return;
      }
      request = this.startRequest(facts, level, { auditID, requestURI: read.requestURI, file, line: lineNumber });
    }
    request.samples[stageIndex] = line.eventSample(stageIndex !== 0 && request.wantsRequestReceived && request.samples[0] === undefined);
    const last = isLastEvent(stageIndex, request);
    if (auditID === '' || (isNew && last)) this.finish(request);
    else if (isNew) this.window.add(auditID, request);
    else if (last) this.window.finish(auditID);
  }

  /** Counts a new request's decisions under both policies. */
  private startRequest(facts: RequestFacts, recordedLevel: Level, example: ChangedClass['examples'][number]): OpenRequest {
    this.input.requests++;
    const { after, before } = facts;
    const fromLevel = before ? before.level : recordedLevel;
    const toLevel = after.level;
    this.levelsBefore[fromLevel]++;
    this.levelsAfter[toLevel]++;
    this.transitions[fromLevel][toLevel]++;
    this.afterRules[after.ruleIndex ?? this.afterRules.length - 1].requests++;
    if (before && this.beforeRules) this.beforeRules[before.ruleIndex ?? this.beforeRules.length - 1].requests++;
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
    };
  }

  /** A request whose level changes, under its class (at most maxTrackedClasses of them are tracked). */
  private countChange(changed: NonNullable<RequestFacts['changed']>, from: Level, to: Level, example: ChangedClass['examples'][number]): void {
    this.changedRequests++;
    const key = `${changed.key}\u0000${from}\u0000${to}`;
    let tally = this.classes.get(key);
    if (tally === undefined && this.classes.size < this.options.maxTrackedClasses) {
      tally = { class: changed.classOf(), from, to, requests: 0, examples: [] };
      this.classes.set(key, tally);
    }
    if (tally === undefined) {
      this.untrackedChangedRequests++;
      return;
    }
    tally.requests++;
    if (tally.examples.length < this.options.examplesPerClass) tally.examples.push(example);
  }

  /** A request whose events are all in (or that the window or the log's end closed): its volume under each side. */
  private finish(request: OpenRequest): void {
    this.bodySamples.learn(request);
    if (request.before === undefined) this.volumeBefore.addRecorded(request);
    else this.volumeBefore.addEstimated(request, request.before);
    this.volumeAfter.addEstimated(request, request.after);
  }

  private problem(file: string, line: number, reason: string): void {
    this.malformed.count++;
    if (this.malformed.examples.length < this.options.malformedExamples) this.malformed.examples.push({ file, line, reason } satisfies LineProblem);
  }

  /** Closes the requests still open and puts the counts into a report. */
  report(): ReplayReport {
    this.window.drain();
    const settledBefore = settleVolume(this.volumeBefore, this.bodySamples);
    const settledAfter = settleVolume(this.volumeAfter, this.bodySamples);
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
      input: this.input,
      malformed: this.malformed,
      window: { capacity: this.options.windowSize, evicted: this.window.evicted, reusedAuditIDs: this.reusedAuditIDs },
      levels: { before: this.levelsBefore, after: this.levelsAfter },
      rules: { policy: this.afterRules, baseline: this.beforeRules },
      transitions: this.transitions,
      changedRequests: this.changedRequests,
      changedClasses: [...this.classes.values()]
        .sort((a, b) => b.requests - a.requests || formatRequestClass(a.class).localeCompare(formatRequestClass(b.class)))
        .slice(0, this.options.topClasses)
        .map((tally) => ({ ...tally, label: formatRequestClass(tally.class) })),
      untrackedChangedRequests: this.untrackedChangedRequests,
      volume: {
        stages,
        total: { before: total('before'), after: total('after') },
        notes: volumeNotes(this.before !== undefined, settledBefore, settledAfter),
      },
    };
  }
}
