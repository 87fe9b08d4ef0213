// What the replay learns from one log line, asked for one fact at a time, so
// that only what the tally needs is worked out: a later event of an open
// request needs its head and size, never a parse; a new request needs its
// decision. TextLineFacts works each fact out from the line's text.
import type { Level, Stage } from '../audit/types.js';
import type { AuditDecision, CompiledPolicy } from '../audit/policy/checker.js';
import { evaluatePolicy } from '../audit/policy/checker.js';
import type { RequestAttributes } from '../request/types.js';
import type { AttributeCache } from './attributeCache.js';
import { continuationHead, isBlank, parseLine, type ContinuationHead } from './eventLine.js';
import { measureEvent, measureEventLine, receivedObjectRefBytes } from './eventSizes.js';
import { readRecordedEvent, type RecordedEventRead } from './recordedEvent.js';
import { requestClassKey, requestClassOf, resourceTarget, type RequestClass } from './requestClass.js';
import type { EventSample } from './volume.js';

/** What the line is, once parsed: an event, or why it is not one. */
export type LineRead =
  | { kind: 'event'; stage: Stage; level: Level; auditID: string; requestURI: string }
  | { kind: 'not-json'; reason: string }
  | { kind: 'not-event'; reason: string }
  | { kind: 'invalid'; reason: string };

/** A new request: its decisions and what the report and the volume estimate keep of it. */
export interface RequestFacts {
  after: AuditDecision;
  /** undefined when comparing with the recorded levels. */
  before: AuditDecision | undefined;
  /** Set when the level changes (before ≠ after): the class the change is counted under. */
  changed: { key: string; classOf: () => RequestClass } | undefined;
  sizeClass: string;
  receivedObjectRefBytes: number;
  verb: string;
  failedAuthentication: boolean;
  wantsRequestReceived: boolean;
}

export interface LineFacts {
  blank(): boolean;
  /** The level, auditID and stage read without parsing, when the line has kube-apiserver's layout. */
  head(): ContinuationHead | undefined;
  /** The line measured from its text alone (undefined when its bodies cannot be located). */
  continuationSample(tail: boolean): EventSample | undefined;
  read(): LineRead;
  /** The event measured (only asked of an event). */
  eventSample(tail: boolean): EventSample;
  /** The request the event starts, or why it cannot be told (only asked of an event). */
  request(): RequestFacts | { error: string };
}

/** What working out the facts needs besides the line: the policies, and memory of attributes already resolved. */
export interface FactContext {
  after: CompiledPolicy;
  before: CompiledPolicy | undefined;
  attributeCache: AttributeCache;
  /** Measure managed fields: some decision may omit them. */
  managedFields: boolean;
}

export function requestFacts(context: FactContext, attrs: RequestAttributes, recordedLevel: Level): RequestFacts {
  const after = evaluatePolicy(context.after, attrs);
  const before = context.before ? evaluatePolicy(context.before, attrs) : undefined;
  const from = before ? before.level : recordedLevel;
  const wantsRequestReceived = after.stages.includes('RequestReceived') || (before?.stages.includes('RequestReceived') ?? false);
  return {
    after,
    before,
    changed: from === after.level ? undefined : { key: requestClassKey(attrs), classOf: () => requestClassOf(attrs) },
    sizeClass: `${attrs.verb} ${attrs.resourceRequest ? resourceTarget(attrs) : 'nonresource'}`,
    // Only ever used to derive a RequestReceived: not worth serialising otherwise.
    receivedObjectRefBytes: wantsRequestReceived ? receivedObjectRefBytes(attrs) : 0,
    verb: attrs.verb,
    failedAuthentication: attrs.user === null,
    wantsRequestReceived,
  };
}

/** The facts of a line, worked out from its text when first asked for. */
export class TextLineFacts implements LineFacts {
  private parsed: { read: RecordedEventRead; prefixEnd: number } | { error: string } | undefined;

  constructor(
    private readonly context: FactContext,
    readonly text: string,
    readonly bytes: number,
  ) {}

  blank(): boolean {
    return this.text.length === 0 || isBlank(this.text);
  }

  head(): ContinuationHead | undefined {
    return continuationHead(this.text);
  }

  continuationSample(tail: boolean): EventSample | undefined {
    const head = this.head();
    if (head === undefined) return undefined;
    return measureEventLine(this.text, head.stage, this.bytes, { tail, managedFields: this.context.managedFields });
  }

  private parse(): { read: RecordedEventRead; prefixEnd: number } | { error: string } {
    if (this.parsed === undefined) {
      const parsed = parseLine(this.text);
      this.parsed = parsed.ok ? { read: readRecordedEvent(parsed.record), prefixEnd: parsed.prefixEnd } : { error: parsed.error };
    }
    return this.parsed;
  }

  read(): LineRead {
    const parsed = this.parse();
    if ('error' in parsed) return { kind: 'not-json', reason: `not JSON: ${parsed.error}` };
    const read = parsed.read;
    if (read.kind !== 'event') return read;
    return { kind: 'event', stage: read.stage, level: read.level, auditID: read.auditID, requestURI: read.requestURI };
  }

  private event(): Extract<RecordedEventRead, { kind: 'event' }> {
    const parsed = this.parse();
    if ('error' in parsed || parsed.read.kind !== 'event') throw new Error('internal error: the line is not an event');
    return parsed.read;
  }

  eventSample(tail: boolean): EventSample {
    const { event, stage, wrapped } = this.event();
    const prefixEnd = (this.parsed as { prefixEnd: number }).prefixEnd;
    const measure = { tail, managedFields: this.context.managedFields, wrapped };
    // A prefix-parsed line whose bodies cannot be located (an odd layout after all)
    // falls back to the parsed part: its whole size then counts as metadata.
    return (
      (prefixEnd !== -1 ? measureEventLine(this.text, stage, this.bytes, measure, prefixEnd) : undefined) ??
      measureEvent(event as Record<string, unknown>, this.text, stage, this.bytes, measure)
    );
  }

  request(): RequestFacts | { error: string } {
    const { event, level } = this.event();
    let attributes: RequestAttributes;
    try {
      attributes = this.context.attributeCache.attributesOf(event);
    } catch (err) {
      return { error: `cannot tell the request: ${(err as Error).message}` };
    }
    return requestFacts(this.context, attributes, level);
  }
}
