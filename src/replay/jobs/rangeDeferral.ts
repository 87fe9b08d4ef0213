// Which lines a `--jobs` worker hands back instead of counting. Its tally reads
// one range of the log, blind to the requests earlier ranges leave open; a
// single-threaded replay would have them in its window. A line counts the same
// either way unless its auditID names one of those requests, so the worker hands
// back, uncounted, the lines that may:
// - in the range's first `handBackLines` lines, an event (or a line with
//   kube-apiserver's head) whose auditID is not open here and whose stage is not
//   RequestReceived: it may continue a request begun just before the range
//   (a request's events are written close together, so that is where the
//   requests straddling a boundary show up);
// - every later line naming an auditID once handed back, so that the main
//   thread sees that request's events together and in order.
// Any other event whose auditID is not open here is counted as a new request,
// as it almost always is — a RequestReceived anywhere, and past the first lines
// any first event (a log recorded under omitStages: [RequestReceived] has no
// other kind, so handing them all back would leave the main thread every line).
// Its auditID is noted (`firstSeen`, a Bloom filter) and the main thread checks
// that no carried request has it (else a single thread would have seen a reused
// ID, or joined a later event of a long request such as a watch to it) before
// trusting the range's counts; when one does, the range is counted again there.
// The main thread also needs to know the window never filled: `peak` bounds what
// this range adds to the single-threaded window (its own open requests, plus
// every auditID handed back, each of which may open one there).
import type { ContinuationHead } from '../eventLine.js';
import type { LineFacts, LineRead } from '../lineFacts.js';
import type { LineDeferral, OpenRequests } from '../tally.js';
import { addAuditID, newAuditIDFilter } from './auditIDFilter.js';

/**
 * Default for handBackLines (see above): a few hundred lines on either side of a boundary hold its straddlers on a busy
 * kube-apiserver. The main thread lowers it once the log shows its straddlers lie closer (handBackReach.ts).
 */
export const HAND_BACK_LINES = 512;

export class RangeDeferral implements LineDeferral {
  /** The number, within the range, of the line being read (the worker sets it). */
  ordinal = 0;
  /** auditIDs handed back: every later line naming them is handed back too. */
  private readonly handedBack = new Set<string>();
  /** auditIDs of requests this range began (or may have) with nothing open under them here. */
  readonly firstSeen = newAuditIDFilter();
  /** The most requests open here plus auditIDs handed back, at any time. */
  peak = 0;
  /**
   * A handed-back line whose parse names an auditID other than its head's (a
   * member given twice) while that one is open here: the main thread would
   * look it up in the wrong window, so the range must be replayed whole there.
   */
  ambiguous = false;
  /** The auditID of the line handed back last (the worker sends it along with the line). */
  handedBackID = '';
  /** The auditID noted in firstSeen last: a line's head and then its parse name it, and hashing it again is a waste. */
  private lastNoted = '';

  constructor(private readonly handBackLines: number = HAND_BACK_LINES) {}

  /** Whether a line of `auditID`, not open here, may belong to a request an earlier range left open. */
  private mayContinue(auditID: string, stage: string): boolean {
    return this.handedBack.has(auditID) || (stage !== 'RequestReceived' && this.ordinal <= this.handBackLines);
  }

  deferHead(line: LineFacts, head: ContinuationHead, open: OpenRequests): boolean {
    if (this.mayContinue(head.auditID, head.stage)) return this.handBack(line, head.auditID, open);
    // Even when the line then fails to parse: a carried request missing its RequestReceived could have taken it as a later event.
    this.note(head.auditID);
    return false;
  }

  deferEvent(line: LineFacts, read: Extract<LineRead, { kind: 'event' }>, open: OpenRequests): boolean {
    if (this.mayContinue(read.auditID, read.stage)) return this.handBack(line, read.auditID, open);
    this.note(read.auditID);
    return false;
  }

  private note(auditID: string): void {
    if (auditID === this.lastNoted) return;
    this.lastNoted = auditID;
    addAuditID(this.firstSeen, auditID);
  }

  opened(open: OpenRequests): void {
    this.peak = Math.max(this.peak, open.size + this.handedBack.size);
  }

  private handBack(line: LineFacts, auditID: string, open: OpenRequests): boolean {
    this.handedBack.add(auditID);
    this.handedBackID = auditID;
    const read = line.read();
    if (read.kind === 'event' && read.auditID !== '' && read.auditID !== auditID) {
      if (open.has(read.auditID)) this.ambiguous = true;
      this.handedBack.add(read.auditID);
    }
    this.peak = Math.max(this.peak, open.size + this.handedBack.size);
    return true;
  }
}
