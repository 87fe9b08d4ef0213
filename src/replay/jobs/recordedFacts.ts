// The facts of log lines, carried from a `replay --jobs` worker to the main
// thread. The worker's own tally, running over its share of the log alone, asks
// for the facts it needs (RecordingFacts writes them down); the main thread's
// tally, which sees the whole log in order, asks again and is answered from
// that record (RecordedFacts). Where the two tallies differ — a request begun
// in an earlier share, a window that filled up — the main one may ask for a fact
// the worker never worked out: it is then worked out from the line's text, read
// again from the file. Every answer is thus the one the line's text gives, so
// the report is the one a single thread gives.
import type { Stage } from '../../audit/types.js';
import { STAGES } from '../../audit/types.js';
import type { AuditDecision, CompiledPolicy } from '../../audit/policy/checker.js';
import type { ContinuationHead } from '../eventLine.js';
import type { FactContext, LineFacts, LineRead, RequestFacts } from '../lineFacts.js';
import type { RequestClass } from '../requestClass.js';
import { STAGE_INDEX, type EventSample } from '../volume.js';

/** A sample: stage index, the six sizes, and whether the response tail was measured. */
type SampleRecord = [number, number, number, number, number, number, number, 0 | 1];
/** A decision: the rule's index (-1 for the default) and which of its three decisions (see checker's RequestShape). */
type DecisionRecord = [number, number];

export interface LineRecord {
  /** the line's size in the file, terminator included */
  n: number;
  /** blank */
  b?: 1;
  /** head: [level, auditID, stage] or 0 for none */
  h?: [string, string, Stage] | 0;
  /** continuationSample; null when the line's bodies cannot be located */
  c?: SampleRecord | null;
  r?: LineRead;
  e?: SampleRecord;
  q?:
    | { error: string }
    | {
        a: DecisionRecord;
        f?: DecisionRecord;
        k?: string;
        cl?: RequestClass;
        s: string;
        o: number;
        v: string;
        fa: boolean;
        w: boolean;
      };
}

function sampleRecord(sample: EventSample, tailMeasured: boolean): SampleRecord {
  return [
    STAGE_INDEX[sample.stage],
    sample.bytes,
    sample.requestBodyBytes,
    sample.responseBodyBytes,
    sample.requestManagedFieldsBytes,
    sample.responseManagedFieldsBytes,
    sample.responseTailBytes,
    tailMeasured ? 1 : 0,
  ];
}

/** The sample, or undefined when it was measured without the tail that is now wanted. */
function sampleOf(record: SampleRecord, tail: boolean): EventSample | undefined {
  if (tail && record[7] === 0) return undefined;
  return {
    stage: STAGES[record[0]],
    bytes: record[1],
    requestBodyBytes: record[2],
    responseBodyBytes: record[3],
    requestManagedFieldsBytes: record[4],
    responseManagedFieldsBytes: record[5],
    // Measured or not, the tail is only counted where it is wanted (see MeasureOptions.tail).
    responseTailBytes: tail ? record[6] : 0,
  };
}

function decisionsOf(compiled: CompiledPolicy, ruleIndex: number): readonly AuditDecision[] {
  return ruleIndex < 0 ? compiled.defaults : compiled.rules[ruleIndex].decisions;
}

function decisionRecord(compiled: CompiledPolicy, decision: AuditDecision): DecisionRecord {
  const ruleIndex = decision.ruleIndex ?? -1;
  const shape = decisionsOf(compiled, ruleIndex).indexOf(decision);
  if (shape === -1) throw new Error('internal error: a decision that is not the policy’s own');
  return [ruleIndex, shape];
}

/**
 * Writes down every fact asked of a line. Samples are measured with the
 * response tail whenever some decision might want it (`tailEver`), so that the
 * main thread can use them whether or not its request wants it.
 */
export class RecordingFacts implements LineFacts {
  readonly record: LineRecord;

  constructor(
    private readonly inner: LineFacts,
    private readonly context: FactContext,
    private readonly tailEver: boolean,
    bytes: number,
  ) {
    this.record = { n: bytes };
  }

  blank(): boolean {
    const blank = this.inner.blank();
    if (blank) this.record.b = 1;
    return blank;
  }

  head(): ContinuationHead | undefined {
    const head = this.inner.head();
    this.record.h = head === undefined ? 0 : [head.level, head.auditID, head.stage];
    return head;
  }

  continuationSample(tail: boolean): EventSample | undefined {
    const measureTail = tail || this.tailEver;
    const sample = this.inner.continuationSample(measureTail);
    this.record.c = sample === undefined ? null : sampleRecord(sample, measureTail);
    return sample === undefined || tail ? sample : { ...sample, responseTailBytes: 0 };
  }

  read(): LineRead {
    const read = this.inner.read();
    this.record.r = read;
    return read;
  }

  eventSample(tail: boolean): EventSample {
    const measureTail = tail || this.tailEver;
    const sample = this.inner.eventSample(measureTail);
    this.record.e = sampleRecord(sample, measureTail);
    return tail ? sample : { ...sample, responseTailBytes: 0 };
  }

  request(): RequestFacts | { error: string } {
    const facts = this.inner.request();
    if ('error' in facts) {
      this.record.q = facts;
      return facts;
    }
    const cls = facts.changed?.classOf();
    this.record.q = {
      a: decisionRecord(this.context.after, facts.after),
      ...(facts.before && this.context.before ? { f: decisionRecord(this.context.before, facts.before) } : {}),
      ...(facts.changed ? { k: facts.changed.key, cl: cls } : {}),
      s: facts.sizeClass,
      o: facts.receivedObjectRefBytes,
      v: facts.verb,
      fa: facts.failedAuthentication,
      w: facts.wantsRequestReceived,
    };
    return facts;
  }

  /** Works out every fact the main thread could ask for, asked here or not: for shares read without a tally of their own. */
  complete(): void {
    if (this.record.b === undefined && this.blank()) return;
    if (this.record.h === undefined) this.head();
    if (this.record.h !== 0 && this.record.c === undefined) this.continuationSample(false);
    const read = this.record.r ?? this.read();
    if (read.kind !== 'event') return;
    if (this.record.e === undefined) this.eventSample(false);
    if (this.record.q === undefined) this.request();
  }
}

/** Answers from a worker's record; what it lacks comes from the line's text (`fromText`). */
export class RecordedFacts implements LineFacts {
  private text: LineFacts | undefined;

  constructor(
    private readonly record: LineRecord,
    private readonly context: FactContext,
    private readonly fromText: () => LineFacts,
  ) {}

  private fallback(): LineFacts {
    this.text ??= this.fromText();
    return this.text;
  }

  blank(): boolean {
    return this.record.b === 1;
  }

  head(): ContinuationHead | undefined {
    const h = this.record.h;
    if (h === undefined) return this.fallback().head();
    return h === 0 ? undefined : { level: h[0], auditID: h[1], stage: h[2] };
  }

  continuationSample(tail: boolean): EventSample | undefined {
    const c = this.record.c;
    if (c === null) return undefined;
    return (c === undefined ? undefined : sampleOf(c, tail)) ?? this.fallback().continuationSample(tail);
  }

  read(): LineRead {
    return this.record.r ?? this.fallback().read();
  }

  eventSample(tail: boolean): EventSample {
    const e = this.record.e;
    return (e === undefined ? undefined : sampleOf(e, tail)) ?? this.fallback().eventSample(tail);
  }

  request(): RequestFacts | { error: string } {
    const q = this.record.q;
    if (q === undefined) return this.fallback().request();
    if ('error' in q) return q;
    const { after, before } = this.context;
    const cls = q.cl;
    return {
      after: decisionsOf(after, q.a[0])[q.a[1]],
      before: q.f && before ? decisionsOf(before, q.f[0])[q.f[1]] : undefined,
      changed: q.k !== undefined && cls !== undefined ? { key: q.k, classOf: () => cls } : undefined,
      sizeClass: q.s,
      receivedObjectRefBytes: q.o,
      verb: q.v,
      failedAuthentication: q.fa,
      wantsRequestReceived: q.w,
    };
  }
}
