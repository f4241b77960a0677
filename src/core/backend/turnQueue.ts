/**
 * The back end thread's inbox: incoming messages are queued and handled one per event-loop turn
 * (`setImmediate`), queries before ingest requests.
 *
 * Why: Node delivers the messages waiting on a `MessagePort` back to back inside one loop turn
 * (at least 1,000 per turn). Handling each one there ran every ingest request's decode and first
 * write slice in that turn, so while exporters kept the port fed the loop never reached its timers
 * (`storeChanged` went quiet for seconds) nor its check phase (the second write slice of a large
 * request waited behind every later request: responses of 15 s measured with 4 saturating
 * exporters). Queued, every handler runs in a turn of its own and timers and the continuations of
 * earlier requests get their turn in between.
 *
 * Order: messages that are not ingest requests (the views' queries, configuration, responses to
 * the back end's own requests) go first, in arrival order; ingest requests follow in arrival
 * order. A query thus waits at most for the task running when it arrives, not for every export
 * request queued before it.
 */

/** `true` for the messages that queue behind the others (ingest requests). */
export type BulkTest = (message: unknown) => boolean;

/** A FIFO queue read from `head`; compacted when half consumed (amortized O(1) per message). */
class Fifo {
  private items: unknown[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: unknown): void {
    this.items.push(item);
  }

  shift(): unknown {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** Queues messages and hands them to `handle` one per event-loop turn. */
export class TurnQueue {
  private readonly urgent = new Fifo();
  private readonly bulk = new Fifo();
  private scheduled = false;
  private stopped = false;

  /**
   * @param handle handles one message (its synchronous part runs in a turn of its own; errors it
   *   throws are not caught here: the handler answers every request itself).
   * @param isBulk which messages wait behind the others (see `ingestRequest`).
   */
  constructor(
    private readonly handle: (message: unknown) => void,
    private readonly isBulk: BulkTest = ingestRequest,
  ) {}

  /** Messages waiting (not yet handed to `handle`). */
  get length(): number {
    return this.urgent.length + this.bulk.length;
  }

  /** Queues one incoming message. */
  push(message: unknown): void {
    if (this.stopped) return;
    (this.isBulk(message) ? this.bulk : this.urgent).push(message);
    this.schedule();
  }

  /** Drops what is queued and ignores later messages (the thread is shutting down). */
  stop(): void {
    this.stopped = true;
    this.urgent.clear();
    this.bulk.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    // Not unref'd: the queue must drain even when nothing else keeps the loop alive.
    setImmediate(() => this.next());
  }

  private next(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const message = this.urgent.length > 0 ? this.urgent.shift() : this.bulk.shift();
    try {
      this.handle(message);
    } finally {
      // The next message gets a turn of its own, after the timers, and after the continuations
      // that this handler queued (an earlier request finishes before a later one starts).
      if (this.length > 0) this.schedule();
    }
  }
}

/** `true` for a channel request envelope of method `ingest` (src/protocol/channel.ts). */
export function ingestRequest(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'request' && (message as { method?: unknown }).method === 'ingest';
}
