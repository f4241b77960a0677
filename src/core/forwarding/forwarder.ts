/**
 * The forwarder: fans received OTLP requests out to remote targets. Lives in the back end thread;
 * `BackendService` hands it each request body that decoded successfully (after which the receiver
 * has its answer — forwarding never delays or fails an ingest).
 *
 * Per target (`TargetSender`), independently:
 * - a FIFO queue of request bodies (decompressed, as received), bounded in bytes
 *   (`queueMaxBytes`); when full the OLDEST requests are dropped and their items counted;
 * - one HTTP request in flight at a time; a batch is sent when `batchMaxBytes` are queued or the
 *   oldest request waited `batchIntervalMs`; a batch holds requests of one signal;
 * - retries with exponential backoff and jitter, `Retry-After` honoured on 429/503, other 4xx
 *   not retried (see transport.ts). A batch leaves the queue only when the target accepted or
 *   refused it, so after an outage everything still queued arrives exactly once.
 * A slow or dead target only grows its own queue: `offer` is O(1) and never awaits.
 *
 * Secrets: target headers are used for requests only; every log line and status message passes
 * through `redactText` with all header values of all targets.
 */
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { OtlpFormat, OtlpSignal } from '../otlp/types';
import type { SpanRecord, LogRecordInfo, TraceSkeleton, SpanDetail } from '../../model/trace';
import { applyRewrites, buildBody, encodeRequest, TOP_LEVEL_KEY, TraceIdMemory, warmUpCodecs, type PlainRequest } from './otlpTransform';
import { logsToRequest, spansToRequest } from './storedTrace';
import { backoffDelayMs, postOtlp, redactText, sensitiveStrings, urlSecrets, type SendOutcome } from './transport';
import { displayUrl } from './urls';
import type {
  ForwardingConfig,
  ForwardingLimits,
  ForwardingStatus,
  ForwardingTargetStatus,
  ForwardTracesParams,
  ForwardTracesResult,
  ResolvedTarget,
} from './types';

const gzip = promisify(zlib.gzip);

export type ForwarderLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface ForwarderOptions {
  log: ForwarderLog;
  /** First retry delay; doubles per consecutive failure. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts of a manual ("Send Trace to…") send before giving up. */
  manualAttempts?: number;
  /** Longest wait between manual attempts (a long `Retry-After` fails the send instead). */
  manualMaxWaitMs?: number;
  random?: () => number;
  now?: () => number;
  post?: typeof postOtlp;
}

export const DEFAULT_LIMITS: ForwardingLimits = {
  batchMaxBytes: 512 * 1024,
  batchIntervalMs: 1000,
  queueMaxBytes: 64 * 1024 * 1024,
  requestTimeoutMs: 30_000,
};

/** Spans (or log records) per request when sending stored traces. */
const STORED_ITEMS_PER_REQUEST = 1000;

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

/** What the forwarder needs from the store for "Send Trace to…". */
export interface StoredTraceReader {
  traceSkeleton(traceId: string): TraceSkeleton | null;
  spanDetail(traceId: string, spanId: string): SpanDetail | null;
  /** Trace ids of a session, any order. */
  traceIdsOfSession(sessionId: string): string[] | Promise<string[]>;
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
    private readonly opts: Required<Omit<ForwarderOptions, 'log'>> & { log: ForwarderLog; redact: (s: string) => string },
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
    return this.opts.post({ url: target.urls[signal] as string, headers, body, timeoutMs: this.limits.requestTimeoutMs, signal: this.abort.signal });
  }
}

/** All targets of the current configuration. */
export class Forwarder {
  private senders = new Map<string, TargetSender>();
  private enabled = false;
  private configId = -1;
  private limits: ForwardingLimits = DEFAULT_LIMITS;
  private secrets: string[] = [];
  private warmedUp = false;
  private readonly opts: Required<Omit<ForwarderOptions, 'log'>> & { log: ForwarderLog; redact: (s: string) => string };

  constructor(options: ForwarderOptions) {
    this.opts = {
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      manualAttempts: 3,
      manualMaxWaitMs: 30_000,
      random: Math.random,
      now: Date.now,
      post: postOtlp,
      ...options,
      log: (level, message) => options.log(level, this.redact(message)),
      redact: (s) => this.redact(s),
    };
  }

  /** Applies a configuration: new targets start empty, kept targets keep their queues and counters. */
  configure(config: ForwardingConfig): void {
    this.configId = config.configId;
    this.enabled = config.enabled;
    this.limits = sanitizeLimits(config.limits);
    this.secrets = [...new Set(config.targets.flatMap((t) => [...sensitiveStrings(t.headers), ...Object.values(t.urls).flatMap((u) => urlSecrets(u ?? ''))]))].sort(
      (a, b) => b.length - a.length,
    );
    const next = new Map<string, TargetSender>();
    for (const target of config.targets) {
      const active = config.enabled && target.enabled;
      const existing = this.senders.get(target.name);
      if (existing) {
        existing.update(target, active, this.limits);
        next.set(target.name, existing);
      } else {
        next.set(target.name, new TargetSender(target, active, this.limits, this.opts));
      }
    }
    for (const [name, sender] of this.senders) if (!next.has(name)) sender.dispose();
    this.senders = next;
    if (!this.warmedUp && config.targets.length > 0) {
      this.warmedUp = true;
      // After the configure reply went out, not in the middle of an ingest burst.
      setTimeout(() => {
        try {
          warmUpCodecs();
          // Node loads its fetch implementation on first use; do it now rather than mid-burst.
          if (typeof globalThis.fetch !== 'function') this.opts.log('error', 'forwarding: this runtime has no fetch()');
        } catch (error) {
          this.opts.log('error', `forwarding: cannot load the OTLP schema: ${(error as Error).message}`);
        }
      }, 0);
    }
  }

  /** `true` when some target takes `signal` live (a cheap check before `offer`). */
  wants(signal: OtlpSignal): boolean {
    if (!this.enabled) return false;
    for (const s of this.senders.values()) if (s.accepts(signal)) return true;
    return false;
  }

  /**
   * Hands one received request (decompressed, decoded successfully) to every target that takes
   * its signal. Never throws, never waits: forwarding must not affect ingestion.
   */
  offer(signal: OtlpSignal, format: OtlpFormat, body: Uint8Array, count: number): void {
    if (!this.enabled) return;
    for (const sender of this.senders.values()) {
      try {
        sender.offer(signal, format, body, count);
      } catch (error) {
        this.opts.log('error', `forwarding to ${sender.name}: ${(error as Error).message}`);
      }
    }
  }

  status(): ForwardingStatus {
    return { configId: this.configId, enabled: this.enabled, targets: [...this.senders.values()].map((s) => s.status(this.enabled)) };
  }

  /** Sends stored traces (spans and their correlated log records) to the named targets, now. */
  async sendStored(params: ForwardTracesParams, reader: StoredTraceReader): Promise<ForwardTracesResult> {
    const traceIds = params.traceIds && params.traceIds.length > 0 ? params.traceIds : params.sessionId ? await reader.traceIdsOfSession(params.sessionId) : [];
    const spans: SpanRecord[] = [];
    const logs: LogRecordInfo[] = [];
    let traceCount = 0;
    for (const traceId of traceIds) {
      const skeleton = reader.traceSkeleton(traceId);
      if (!skeleton) continue;
      traceCount++;
      for (let i = 0; i < skeleton.spans.length; i++) {
        const detail = reader.spanDetail(traceId, skeleton.spans[i].spanId);
        if (detail) {
          spans.push(detail.span);
          for (const log of detail.logs) logs.push(log);
        }
        // Stay responsive to ingestion and UI queries while reading a large trace.
        if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const spanRequest = spansToRequest(spans);
    const logRequest = logsToRequest(logs);
    const results = await Promise.all(
      params.targets.map(async (name) => {
        const sender = this.senders.get(name);
        if (!sender) return { target: name, ok: false, spans: 0, logs: 0, message: 'no such target (or it is not configured correctly)' };
        if (traceCount === 0) return { target: name, ok: false, spans: 0, logs: 0, message: 'no stored traces to send' };
        let sentSpans = 0;
        let sentLogs = 0;
        const problems: string[] = [];
        const parts: [OtlpSignal, PlainRequest, number][] = [];
        if (sender.definition.urls.traces && spans.length > 0) parts.push(['traces', spanRequest, spans.length]);
        if (sender.definition.urls.logs && logs.length > 0) parts.push(['logs', logRequest, logs.length]);
        if (parts.length === 0) return { target: name, ok: false, spans: 0, logs: 0, message: `${name} accepts neither traces nor logs` };
        for (const [signal, request] of parts) {
          // Rewrites (e.g. Langfuse ids) need the whole trace: apply to the whole request, then split.
          const prepared = structuredClone(request);
          applyRewrites(signal, prepared, sender.definition.rewrites, new TraceIdMemory());
          for (const chunk of chunkRequest(signal, prepared, STORED_ITEMS_PER_REQUEST)) {
            const result = await sender.sendNow(signal, chunk.request, chunk.count, { skipRewrites: true });
            if (result.ok) {
              if (signal === 'traces') sentSpans += chunk.count;
              else sentLogs += chunk.count;
            } else {
              problems.push(result.message);
              break;
            }
          }
        }
        const ok = problems.length === 0;
        return { target: name, ok, spans: sentSpans, logs: sentLogs, message: ok ? 'sent' : problems.join('; ') };
      }),
    );
    return { traceCount, results };
  }

  dispose(): void {
    for (const sender of this.senders.values()) sender.dispose();
    this.senders.clear();
  }

  private redact(text: string): string {
    return redactText(text, this.secrets);
  }
}

/** Splits a plain request into requests of at most `maxItems` spans / log records / metrics. */
export function chunkRequest(signal: OtlpSignal, request: PlainRequest, maxItems: number): { request: PlainRequest; count: number }[] {
  const topKey = TOP_LEVEL_KEY[signal];
  const scopeKey = signal === 'traces' ? 'scopeSpans' : signal === 'logs' ? 'scopeLogs' : 'scopeMetrics';
  const itemKey = signal === 'traces' ? 'spans' : signal === 'logs' ? 'logRecords' : 'metrics';
  type Obj = Record<string, unknown>;
  const chunks: { request: PlainRequest; count: number }[] = [];
  let current: Obj[] = [];
  let count = 0;
  const flush = () => {
    if (count > 0) chunks.push({ request: { [topKey]: current }, count });
    current = [];
    count = 0;
  };
  let lastSource: Obj | undefined;
  for (const resource of (request[topKey] as Obj[] | undefined) ?? []) {
    for (const scope of (resource[scopeKey] as Obj[] | undefined) ?? []) {
      const items = (scope[itemKey] as unknown[] | undefined) ?? [];
      for (let i = 0; i < items.length; ) {
        const slice = items.slice(i, i + (maxItems - count));
        i += slice.length;
        if (current.length === 0 || lastSource !== resource) {
          current.push({ ...resource, [scopeKey]: [] });
          lastSource = resource;
        }
        ((current[current.length - 1] as Obj)[scopeKey] as Obj[]).push({ ...scope, [itemKey]: slice });
        count += slice.length;
        if (count >= maxItems) flush();
      }
    }
  }
  flush();
  return chunks;
}

function sanitizeLimits(limits: ForwardingLimits): ForwardingLimits {
  const pos = (v: number, d: number) => (Number.isFinite(v) && v > 0 ? v : d);
  return {
    batchMaxBytes: pos(limits.batchMaxBytes, DEFAULT_LIMITS.batchMaxBytes),
    batchIntervalMs: Number.isFinite(limits.batchIntervalMs) && limits.batchIntervalMs >= 0 ? limits.batchIntervalMs : DEFAULT_LIMITS.batchIntervalMs,
    queueMaxBytes: pos(limits.queueMaxBytes, DEFAULT_LIMITS.queueMaxBytes),
    requestTimeoutMs: pos(limits.requestTimeoutMs, DEFAULT_LIMITS.requestTimeoutMs),
  };
}
