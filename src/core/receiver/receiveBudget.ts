/**
 * The receive budget: bytes of OTLP requests being received right now — read from a socket and
 * not yet handed to the back end thread — shared by the OTLP/HTTP and the OTLP/gRPC receiver so
 * that both together stay under one bound. (Once handed over, bytes count against the back end
 * client's own queue bound, `BackendClient.maxPendingBytes`.)
 *
 * Two ways to take from it:
 * - **OTLP/HTTP, chunk by chunk** (`tryGrow`): the receiver sees each chunk of a body, so it
 *   charges what it really holds. One connection (HTTP/1.1 reads one body at a time per
 *   connection) may hold at most *half of what the other holders leave free*, and always
 *   `GUARANTEED_SHARE_BYTES` while the budget has room: a few stalled uploads cannot take it
 *   all (k equal stalled uploads hold at most k/(k+1) of it), and a large body still fits when
 *   the budget is quiet. A chunk that does not fit is refused (the receiver answers 503).
 * - **OTLP/gRPC, whole messages** (`reserve`): grpc-js reads a message into its own buffers and
 *   calls the receiver only when the message is complete (server-interceptors.ts, `StreamDecoder`),
 *   so the receiver cannot count bytes as they arrive. It reserves the worst case, the message
 *   size limit, before grpc-js starts reading the call, and gives it back when the message is
 *   complete or the call ends. Calls that do not fit wait (their stream stays paused, so HTTP/2
 *   flow control keeps their bytes on the client), first come first served, up to a deadline.
 *
 * All sizes are bytes. Single-threaded (the extension host's event loop); no locking.
 */

/** Default limit: 64 MiB, three 20 MiB bodies (the default size limit) or ~200 typical 512-span batches. */
export const DEFAULT_RECEIVE_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * Bytes one connection may always hold while the budget has room, whatever its fair share: a
 * typical exporter batch (512 spans) is 0.1–1 MiB, so small exports keep flowing even when
 * many large uploads are in progress.
 */
export const GUARANTEED_SHARE_BYTES = 1024 * 1024;

/**
 * The budget limit for a body or message size limit: `requested` (default
 * `DEFAULT_RECEIVE_BUDGET_BYTES`), never less than twice the size limit, so one request of the
 * largest size always fits while the budget is quiet (its fair share is half the budget).
 */
export function receiveBudgetBytesFor(maxBodyBytes: number, requested = DEFAULT_RECEIVE_BUDGET_BYTES): number {
  return Math.max(requested, 2 * maxBodyBytes);
}

/** A pending `reserve()`: `granted` settles `true` once the bytes are held, `false` when refused. */
export interface Reservation {
  readonly granted: Promise<boolean>;
  /** Gives the bytes back if they were granted, or leaves the queue; idempotent. */
  release(): void;
}

interface Waiter {
  bytes: number;
  grant: () => void;
}

/** The shared receive budget (see the module comment). */
export class ReceiveBudget {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  /** @param limitBytes most bytes held at once by all holders together. */
  constructor(readonly limitBytes: number) {}

  /** Bytes held right now (HTTP chunks read plus gRPC reservations). */
  get usedBytes(): number {
    return this.used;
  }

  /** gRPC calls waiting for room. */
  get waitingCount(): number {
    return this.waiters.length;
  }

  /**
   * Takes `moreBytes` for a holder (one HTTP body) that already holds `heldBytes`, if the total
   * stays within the limit and the holder within its share:
   * `heldBytes + moreBytes ≤ max(GUARANTEED_SHARE_BYTES, (limit − held by others) / 2)`.
   * Returns `false` (and takes nothing) otherwise. Give the bytes back with `release`.
   */
  tryGrow(heldBytes: number, moreBytes: number): boolean {
    if (this.used + moreBytes > this.limitBytes) return false;
    const others = this.used - heldBytes;
    const share = Math.max(GUARANTEED_SHARE_BYTES, (this.limitBytes - others) / 2);
    if (heldBytes + moreBytes > share) return false;
    this.used += moreBytes;
    return true;
  }

  /** Gives back bytes taken with `tryGrow`; then serves waiting reservations that now fit. */
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    this.serveWaiters();
  }

  /**
   * Reserves `bytes` as a whole: at once when they fit (and nobody waits before), else after the
   * holders ahead release, waiting at most `waitMs` (then `granted` is `false`). The caller must
   * `release()` the reservation exactly when it stops holding the bytes (extra calls are ignored).
   */
  reserve(bytes: number, waitMs: number): Reservation {
    let state: 'waiting' | 'held' | 'done' = 'waiting';
    let settle!: (granted: boolean) => void;
    const granted = new Promise<boolean>((resolve) => (settle = resolve));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waiter: Waiter = {
      bytes,
      grant: () => {
        clearTimeout(timer);
        state = 'held';
        this.used += bytes;
        settle(true);
      },
    };
    const leaveQueue = () => {
      const i = this.waiters.indexOf(waiter);
      if (i >= 0) this.waiters.splice(i, 1);
    };
    if (this.waiters.length === 0 && this.used + bytes <= this.limitBytes) {
      waiter.grant();
    } else {
      this.waiters.push(waiter);
      timer = setTimeout(() => {
        if (state !== 'waiting') return;
        state = 'done';
        leaveQueue();
        settle(false);
        // The head may have been the one that did not fit; those behind may.
        this.serveWaiters();
      }, waitMs);
      timer.unref?.();
    }
    return {
      granted,
      release: () => {
        if (state === 'held') {
          state = 'done';
          this.release(bytes);
        } else if (state === 'waiting') {
          state = 'done';
          clearTimeout(timer);
          leaveQueue();
          settle(false);
          this.serveWaiters();
        }
      },
    };
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0].bytes <= this.limitBytes) {
      this.waiters.shift()!.grant();
    }
  }
}
