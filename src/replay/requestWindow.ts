// The requests whose events may still arrive, keyed by auditID, in a window of
// bounded size. kube-apiserver writes the events of one request (RequestReceived,
// ResponseStarted, ResponseComplete) close together but not necessarily adjacent:
// other requests interleave, and a watch's ResponseComplete can come much later.
// Remembering every auditID ever seen would grow without bound on a large log, so
// the window keeps the `capacity` most recently started requests; when it is full
// the oldest is finished early. An event of a request already pushed out of the
// window is then counted as a new request — the price of constant memory, and the
// reason `evicted` is reported.

export class RequestWindow<T> {
  private readonly open = new Map<string, T>();
  /** Requests finished because the window was full (not because the log ended). */
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
    return this.open.get(id);
  }

  /** Starts tracking `id`; finishes the oldest open request first when the window is full. */
  add(id: string, value: T): void {
    if (this.open.size >= this.capacity) {
      // Map iterates in insertion order, so the first key is the oldest request.
      const oldest = this.open.keys().next().value as string;
      const oldValue = this.open.get(oldest) as T;
      this.open.delete(oldest);
      this.evicted++;
      this.onFinish(oldest, oldValue);
    }
    this.open.set(id, value);
  }

  /** Finishes one request now (e.g. when a second request reuses its auditID). */
  finish(id: string): void {
    const value = this.open.get(id);
    if (value === undefined) return;
    this.open.delete(id);
    this.onFinish(id, value);
  }

  /** Finishes every open request, oldest first. */
  drain(): void {
    for (const [id, value] of this.open) this.onFinish(id, value);
    this.open.clear();
  }
}
