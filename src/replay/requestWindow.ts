// The requests whose events may still arrive, keyed by auditID, in a window of
// bounded size. kube-apiserver writes the events of one request (RequestReceived,
// ResponseStarted, ResponseComplete) close together but not necessarily adjacent:
// other requests interleave, and a watch's ResponseComplete can come much later.
// Remembering every auditID ever seen would grow without bound on a large log, so
// the window keeps at most `capacity` open requests; when it is full the oldest
// is finished early. An event of a request already pushed out of the window is
// then counted as a new request — the price of constant memory, and the reason
// `evicted` is reported. Requests normally leave the window as soon as their
// last event is seen (see finish()), so only unfinished ones take room.

export class RequestWindow<T> {
  private readonly open = new Map<string, { value: T; seq: number }>();
  // Insertion order as a queue of (id, seq); entries whose request already left
  // are skipped lazily, so eviction is amortised O(1) however the Map churns.
  private queueIds: string[] = [];
  private queueSeqs: number[] = [];
  private head = 0;
  private seq = 0;
  /** Requests finished because the window was full (not because they ended or the log did). */
  evicted = 0;

  constructor(
    readonly capacity: number,
    private readonly onFinish: (id: string, value: T) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.open.size;
  }

  get(id: string): T | undefined {
    return this.open.get(id)?.value;
  }

  has(id: string): boolean {
    return this.open.has(id);
  }

  /** Starts tracking `id`; finishes the oldest open request first when the window is full. */
  add(id: string, value: T): void {
    if (this.open.size >= this.capacity) this.evictOldest();
    const seq = this.seq++;
    this.open.set(id, { value, seq });
    this.queueIds.push(id);
    this.queueSeqs.push(seq);
    // Drop the consumed front of the queue once it outweighs the live part.
    if (this.head > 1024 && this.head * 2 > this.queueIds.length) {
      this.queueIds = this.queueIds.slice(this.head);
      this.queueSeqs = this.queueSeqs.slice(this.head);
      this.head = 0;
    }
    // Entries of requests that finished normally pile up in the queue; rebuild it from the Map when they dominate.
    if (this.queueIds.length - this.head > 4 * this.capacity + 1024) this.rebuildQueue();
  }

  /** Finishes one request now: its last event was seen, or a second request reuses its auditID. */
  finish(id: string): void {
    const entry = this.open.get(id);
    if (entry === undefined) return;
    this.open.delete(id);
    this.onFinish(id, entry.value);
  }

  /** Finishes every open request, oldest first. */
  drain(): void {
    for (const [id, entry] of this.open) this.onFinish(id, entry.value);
    this.clear();
  }

  /** The open requests, oldest first. */
  *entries(): IterableIterator<[string, T]> {
    for (const [id, entry] of this.open) yield [id, entry.value];
  }

  /** Empties the window without finishing anything: the open requests, oldest first, for someone else to finish (see ReplayTally.handOver). */
  takeAll(): [string, T][] {
    const taken = [...this.entries()];
    this.clear();
    return taken;
  }

  private clear(): void {
    this.open.clear();
    this.queueIds = [];
    this.queueSeqs = [];
    this.head = 0;
  }

  private evictOldest(): void {
    while (this.head < this.queueIds.length) {
      const id = this.queueIds[this.head];
      const seq = this.queueSeqs[this.head];
      this.head++;
      const entry = this.open.get(id);
      if (entry !== undefined && entry.seq === seq) {
        this.open.delete(id);
        this.evicted++;
        this.onFinish(id, entry.value);
        return;
      }
    }
  }

  private rebuildQueue(): void {
    this.queueIds = [];
    this.queueSeqs = [];
    this.head = 0;
    // Map iteration order is insertion order, which is the queue order.
    for (const [id, entry] of this.open) {
      this.queueIds.push(id);
      this.queueSeqs.push(entry.seq);
    }
  }
}
