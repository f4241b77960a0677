/**
 * The forwarder's tunables: the options of `new Forwarder(…)` (retry timing, manual-send attempts,
 * injectable clock, randomness and transport for tests), their resolved form that each
 * `TargetSender` receives (defaults filled in, plus redaction), and the default queue and batch
 * limits with the check applied to configured ones.
 */
import type { postOtlp, Redactor } from './transport';
import type { ForwardingLimits } from './types';

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

/** `ForwarderOptions` as `Forwarder` hands them to its senders: defaults filled in, log lines redacted, plus `redact`. */
export type ResolvedForwarderOptions = Required<Omit<ForwarderOptions, 'log'>> & { log: ForwarderLog; redact: Redactor };

/** Configured limits with every non-positive or non-finite value replaced by its default (`batchIntervalMs` may be 0). */
export function sanitizeLimits(limits: ForwardingLimits): ForwardingLimits {
  const pos = (v: number, d: number) => (Number.isFinite(v) && v > 0 ? v : d);
  return {
    batchMaxBytes: pos(limits.batchMaxBytes, DEFAULT_LIMITS.batchMaxBytes),
    batchIntervalMs: Number.isFinite(limits.batchIntervalMs) && limits.batchIntervalMs >= 0 ? limits.batchIntervalMs : DEFAULT_LIMITS.batchIntervalMs,
    queueMaxBytes: pos(limits.queueMaxBytes, DEFAULT_LIMITS.queueMaxBytes),
    requestTimeoutMs: pos(limits.requestTimeoutMs, DEFAULT_LIMITS.requestTimeoutMs),
  };
}
