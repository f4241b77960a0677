/**
 * The forwarder: fans received OTLP requests out to remote targets. Lives in the back end thread;
 * `BackendService` hands it each request body that decoded successfully (after which the receiver
 * has its answer — forwarding never delays or fails an ingest).
 *
 * `Forwarder` holds the current configuration: one `TargetSender` per target (`targetSender.ts`:
 * its queue, batching, retries and counters), kept with its queue across reconfigurations; the
 * status of all targets; and "Send Trace to…" (`sendStored.ts`). Options and limits:
 * `forwarderOptions.ts`.
 *
 * Secrets: target headers are used for requests only; every log line, status message and error
 * body passes through one `Redactor` (transport.ts: every encoding of every header value, header
 * credential and URL credential of all targets), compiled when the configuration changes.
 */
import type { OtlpFormat, OtlpSignal } from '../otlp/types';
import { warmUpCodecs } from './otlpCodec';
import { createRedactor, postOtlp, sensitiveStrings, urlSecrets, type Redactor } from './transport';
import { DEFAULT_LIMITS, sanitizeLimits, type ForwarderOptions, type ResolvedForwarderOptions } from './forwarderOptions';
import { TargetSender } from './targetSender';
import { sendStoredTraces, type StoredTraceReader } from './sendStored';
import type { ForwardingConfig, ForwardingLimits, ForwardingStatus, ForwardTracesParams, ForwardTracesResult } from './types';

/** All targets of the current configuration. */
export class Forwarder {
  private senders = new Map<string, TargetSender>();
  private enabled = false;
  private configId = -1;
  private limits: ForwardingLimits = DEFAULT_LIMITS;
  private redactor: Redactor = (text) => text;
  private warmedUp = false;
  private readonly opts: ResolvedForwarderOptions;

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
      redact: (s, endsCut) => this.redactor(s, endsCut),
    };
  }

  /** Applies a configuration: new targets start empty, kept targets keep their queues and counters. */
  configure(config: ForwardingConfig): void {
    this.configId = config.configId;
    this.enabled = config.enabled;
    this.limits = sanitizeLimits(config.limits);
    this.redactor = createRedactor([...new Set(config.targets.flatMap((t) => [...sensitiveStrings(t.headers), ...Object.values(t.urls).flatMap((u) => urlSecrets(u ?? ''))]))]);
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
  sendStored(params: ForwardTracesParams, reader: StoredTraceReader): Promise<ForwardTracesResult> {
    return sendStoredTraces(params, reader, (name) => this.senders.get(name));
  }

  dispose(): void {
    for (const sender of this.senders.values()) sender.dispose();
    this.senders.clear();
  }

  private redact(text: string): string {
    return this.redactor(text);
  }
}
