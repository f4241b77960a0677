/**
 * One forwarding target's delivery (`TargetSender`), in the back end thread; `Forwarder`
 * (`forwarder.ts`) keeps one per configured target and fans each received request out to them.
 *
 * Per target, independently:
 * - a FIFO queue of request bodies (decompressed, as received), bounded in bytes
 *   (`queueMaxBytes`); when full the OLDEST requests are dropped and their items counted;
 * - one HTTP request in flight at a time; a batch is sent when `batchMaxBytes` are queued or the
 *   oldest request waited `batchIntervalMs`; a batch holds requests of one signal;
 * - retries with exponential backoff and jitter, `Retry-After` honoured on 429/503, other 4xx
 *   not retried (see transport.ts). A batch leaves the queue only when the target accepted or
 *   refused it, so after an outage everything still queued arrives exactly once.
 * - the counters of its status (sent, queued, dropped, refused, failures, last error), also for
 *   manual sends (`sendNow`, "Send Trace to…", outside the queue).
 * A slow or dead target only grows its own queue: `offer` is O(1) and never awaits.
 */
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { OtlpFormat, OtlpSignal } from '../otlp/types';
import type { PlainRequest } from './plainRequest';
import { encodeRequest } from './otlpCodec';
import { applyRewrites, buildBody } from './otlpTransform';
import { TraceIdMemory } from './backendRewrites';
import { backoffDelayMs, type SendOutcome } from './transport';
import { displayUrl } from './urls';
import type { ResolvedForwarderOptions } from './forwarderOptions';
import type { ForwardingLimits, ForwardingTargetStatus, ResolvedTarget } from './types';

const gzip = promisify(zlib.gzip);

interface QueueItem {
  signal: OtlpSignal;
  format: OtlpFormat;
  body: Uint8Array;
  count: number;
  enqueuedAtMs: number;
  /** Part of the request on the wire: never dropped. */
  sending: boolean;
}

const CONTENT_TYPE: Readonly<Record<OtlpFormat, string>> = { protobuf: 'application/x-protobuf', json: 'application/json' };

function formatOf(target: ResolvedTarget): OtlpFormat {
  return target.protocol === 'http/json' ? 'json' : 'protobuf';
}

/** One target's queue, sender and counters. */
export class TargetSender {
  private queue: QueueItem[] = [];
  private queuedBytes = 0;
  private queuedItems = 0;
  private sentItems = 0;
  private sentRequests = 0;
  private droppedItems = 0;
  private rejectedItems = 0;
  private consecutiveFailures = 0;
  private lastError?: string;
  private lastErrorAtMs?: number;
  private lastSuccessAtMs?: number;
  private nextRetryAtMs?: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryPending = false;
  private sending = false;
  private abort = new AbortController();
  private disposed = false;
  private droppedSinceLog = 0;
  private readonly memory = new TraceIdMemory();

  constructor(
    private target: ResolvedTarget,
    private active: boolean,
    private limits: ForwardingLimits,
    private readonly opts: ResolvedForwarderOptions,
  ) {}

  get name(): string {
    return this.target.name;
  }

  get definition(): ResolvedTarget {
    return this.target;
  }

  accepts(signal: OtlpSignal): boolean {
    return this.active && this.target.urls[signal] !== undefined;
  }

  /** New definition/limits. Turning a target off discards its queue and cancels its request. */
  update(target: ResolvedTarget, active: boolean, limits: ForwardingLimits): void {
    const changed = JSON.stringify(target) !== JSON.stringify(this.target);
    this.target = target;
    this.limits = limits;
    if (!active && this.active) {
      this.active = false;
      this.cancelAll();
      return;
    }
    this.active = active;
    // Signals the target no longer takes: their queued requests can never be sent.
    this.queue = this.queue.filter((item) => {
      if (item.sending || target.urls[item.signal] !== undefined) return true;
      this.queuedBytes -= item.body.byteLength;
      this.queuedItems -= item.count;
      return false;
    });
    if (changed && this.retryPending) {
      // The user fixed something (endpoint, secret): try again now instead of after the backoff.
      this.clearTimer();
      this.retryPending = false;
      this.nextRetryAtMs = undefined;
      this.consecutiveFailures = 0;
    }
    this.pump();
  }

  /** Queues one received request body; drops the oldest queued requests if over the byte limit. */
  offer(signal: OtlpSignal, format: OtlpFormat, body: Uint8Array, count: number): void {
    if (this.disposed || !this.accepts(signal)) return;
    const bytes = body.byteLength;
    if (bytes > this.limits.queueMaxBytes) {
      this.noteDropped(count, `a ${signal} request of ${bytes} bytes is larger than the whole queue`);
      return;
    }
    while (this.queuedBytes + bytes > this.limits.queueMaxBytes) {
      const index = this.queue.findIndex((item) => !item.sending);
      if (index < 0) break;
      const [old] = this.queue.splice(index, 1);
      this.queuedBytes -= old.body.byteLength;
      this.queuedItems -= old.count;
      this.noteDropped(old.count, 'queue full');
    }
    this.queue.push({ signal, format, body, count, enqueuedAtMs: this.opts.now(), sending: false });
    this.queuedBytes += bytes;
    this.queuedItems += count;
    this.pump();
  }

  status(masterEnabled: boolean): ForwardingTargetStatus {
    const active = this.active && masterEnabled;
    const firstUrl = Object.values(this.target.urls)[0] ?? '';
    return {
      name: this.target.name,
      preset: this.target.preset,
      active,
      state: !active ? 'off' : this.sending ? 'sending' : this.retryPending ? 'retrying' : 'idle',
      endpoint: displayUrl(firstUrl),
      signals: Object.keys(this.target.urls) as OtlpSignal[],
      sentItems: this.sentItems,
      sentRequests: this.sentRequests,
      queuedItems: this.queuedItems,
      queuedBytes: this.queuedBytes,
      droppedItems: this.droppedItems,
      rejectedItems: this.rejectedItems,
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError,
      lastErrorAtMs: this.lastErrorAtMs,
      lastSuccessAtMs: this.lastSuccessAtMs,
      nextRetryAtMs: this.retryPending ? this.nextRetryAtMs : undefined,
    };
  }

  dispose(): void {
    this.disposed = true;
    this.cancelAll();
  }

  /**
   * Sends one already-built request now (stored traces), outside the queue, with a few retries.
   * `request` is not modified (rewrites apply to a copy); `skipRewrites` when the caller applied them.
   */
  async sendNow(signal: OtlpSignal, request: PlainRequest, count: number, options: { skipRewrites?: boolean } = {}): Promise<{ ok: boolean; message: string }> {
    const url = this.target.urls[signal];
    if (!url) return { ok: false, message: `${this.target.name} does not accept ${signal}` };
    let body: Uint8Array;
    try {
      let prepared = request;
      if (!options.skipRewrites) {
        prepared = structuredClone(request);
        applyRewrites(signal, prepared, this.target.rewrites, new TraceIdMemory());
      }
      body = encodeRequest(signal, formatOf(this.target), prepared);
    } catch (error) {
      return { ok: false, message: this.opts.redact(`could not encode the ${signal}: ${(error as Error).message}`) };
    }
    let last: SendOutcome | undefined;
    for (let attempt = 1; attempt <= this.opts.manualAttempts; attempt++) {
      last = await this.post(signal, body);
      if (last.kind === 'ok') {
        this.sentItems += count;
        this.sentRequests++;
        this.lastSuccessAtMs = this.opts.now();
        return { ok: true, message: `HTTP ${last.status}` };
      }
      const message = this.opts.redact(last.message);
      this.lastError = message;
      this.lastErrorAtMs = this.opts.now();
      if (last.kind === 'reject') return { ok: false, message };
      if (attempt === this.opts.manualAttempts) break;
      const wait = last.retryAfterMs ?? backoffDelayMs(attempt, this.opts.retryBaseMs, this.opts.retryMaxMs, this.opts.random);
      if (wait > this.opts.manualMaxWaitMs) return { ok: false, message: `${message} (asked to retry in ${Math.ceil(wait / 1000)} s)` };
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.disposed) break;
    }
    return { ok: false, message: this.opts.redact(last && last.kind !== 'ok' ? last.message : 'not sent') };
  }

  // ───────────────────────────── internals ─────────────────────────────

  private noteDropped(count: number, why: string): void {
    this.droppedItems += count;
    this.droppedSinceLog += count;
    // One line per episode, not per request: logged again only after something was sent.
    if (this.droppedSinceLog === count) {
      this.opts.log('warn', this.opts.redact(`forwarding to ${this.target.name}: ${why}; dropping the oldest queued data (${count} items so far in this episode)`));
    }
  }

  private cancelAll(): void {
    this.clearTimer();
    this.retryPending = false;
    this.nextRetryAtMs = undefined;
    this.abort.abort();
    this.abort = new AbortController();
    this.queue = [];
    this.queuedBytes = 0;
    this.queuedItems = 0;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    if (this.disposed || !this.active || this.sending || this.retryPending) return;
    const first = this.queue.find((item) => !item.sending);
    if (!first) {
      this.clearTimer();
      return;
    }
    const waited = this.opts.now() - first.enqueuedAtMs;
    if (this.queuedBytes >= this.limits.batchMaxBytes || waited >= this.limits.batchIntervalMs) {
      this.clearTimer();
      // Never encode or touch the network inside `offer` (called from the ingest path).
      this.sending = true;
      setImmediate(() => void this.sendBatch());
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, this.limits.batchIntervalMs - waited);
    }
  }

  /** The oldest queued requests of the oldest request's signal, up to `batchMaxBytes` (at least one). */
  private takeBatch(): QueueItem[] {
    const batch: QueueItem[] = [];
    let bytes = 0;
    let signal: OtlpSignal | undefined;
    for (const item of this.queue) {
      if (item.sending) continue;
      if (signal === undefined) signal = item.signal;
      if (item.signal !== signal) continue;
      if (batch.length > 0 && bytes + item.body.byteLength > this.limits.batchMaxBytes) break;
      batch.push(item);
      bytes += item.body.byteLength;
    }
    for (const item of batch) item.sending = true;
    return batch;
  }

  private remove(batch: readonly QueueItem[]): number {
    const set = new Set(batch);
    let count = 0;
    this.queue = this.queue.filter((item) => {
      if (!set.has(item)) return true;
      this.queuedBytes -= item.body.byteLength;
      this.queuedItems -= item.count;
      count += item.count;
      return false;
    });
    return count;
  }

  /** Sends the next batch; `sending` is already set by `pump`. */
  private async sendBatch(): Promise<void> {
    if (this.disposed || !this.active || this.queue.every((item) => item.sending)) {
      this.sending = false;
      return;
    }
    const batch = this.takeBatch();
    const signal = batch[0].signal;
    const target = this.target;
    const abort = this.abort;
    try {
      let body: Uint8Array;
      try {
        body = buildBody(signal, batch, formatOf(target), target.rewrites, this.memory).body;
      } catch (error) {
        const count = this.remove(batch);
        this.droppedItems += count;
        this.fail(this.opts.redact(`could not re-encode ${signal} for ${target.name}: ${(error as Error).message}`));
        return;
      }
      const outcome = await this.post(signal, body);
      if (abort.signal.aborted || this.disposed) return;
      if (outcome.kind === 'ok') {
        const count = this.remove(batch);
        this.sentItems += count;
        this.sentRequests++;
        this.lastSuccessAtMs = this.opts.now();
        if (this.consecutiveFailures > 0 || this.droppedSinceLog > 0) {
          this.opts.log('info', `forwarding to ${target.name}: delivering again after ${this.consecutiveFailures} failed attempts`);
        }
        this.consecutiveFailures = 0;
        this.droppedSinceLog = 0;
        return;
      }
      const message = this.opts.redact(outcome.message);
      if (outcome.kind === 'reject') {
        const count = this.remove(batch);
        this.rejectedItems += count;
        this.fail(`${message} (${count} ${signal} items refused, not retried)`);
        return;
      }
      // Retryable: the batch goes back to the queue (still oldest first) and waits.
      for (const item of batch) item.sending = false;
      this.consecutiveFailures++;
      const delay = outcome.retryAfterMs ?? backoffDelayMs(this.consecutiveFailures, this.opts.retryBaseMs, this.opts.retryMaxMs, this.opts.random);
      this.lastError = message;
      this.lastErrorAtMs = this.opts.now();
      this.retryPending = true;
      this.nextRetryAtMs = this.opts.now() + delay;
      if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
        this.opts.log(
          'warn',
          `forwarding to ${target.name} failed (${message}); attempt ${this.consecutiveFailures}, retrying in ${(delay / 1000).toFixed(1)} s${outcome.retryAfterMs !== undefined ? ' (Retry-After)' : ''}; ${this.queuedItems} items queued`,
        );
      }
      this.clearTimer();
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.retryPending = false;
        this.nextRetryAtMs = undefined;
        this.pump();
      }, delay);
    } finally {
      for (const item of batch) item.sending = false;
      this.sending = false;
      this.pump();
    }
  }

  private fail(message: string): void {
    this.lastError = message;
    this.lastErrorAtMs = this.opts.now();
    this.opts.log('warn', `forwarding to ${this.target.name}: ${message}`);
  }

  private async post(signal: OtlpSignal, raw: Uint8Array): Promise<SendOutcome> {
    const target = this.target;
    const format = formatOf(target);
    const headers: Record<string, string> = {
      ...target.headers,
      'content-type': CONTENT_TYPE[format],
      'user-agent': 'trace-lens-forwarder',
    };
    let body = raw;
    if (target.compression === 'gzip') {
      body = await gzip(raw);
      headers['content-encoding'] = 'gzip';
    }
    return this.opts.post({ url: target.urls[signal] as string, headers, body, timeoutMs: this.limits.requestTimeoutMs, signal: this.abort.signal, redact: this.opts.redact });
  }
}
