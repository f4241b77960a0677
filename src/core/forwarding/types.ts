/**
 * Forwarding: the shapes shared by the settings layer (extension host), the worker protocol and
 * the forwarder (back end thread). JSON-safe, no node, no vscode.
 *
 * Three layers:
 * - `ForwardingTargetSetting`: one entry of the `traceLens.forwarding.targets` setting, as the
 *   user wrote it (no secrets).
 * - `ResolvedTarget`: a setting after `resolveTarget` (presets.ts) applied the preset and the
 *   secrets: full URLs per signal, every header, the rewrites. Lives only in memory (it carries
 *   credentials) and crosses to the worker in `configureForwarding`.
 * - `ForwardingTargetStatus`: counters the worker reports back (never any header value).
 */
import type { OtlpSignal } from '../otlp/types';

export type ForwardingProtocol = 'http/protobuf' | 'http/json';

export type PresetId =
  | 'langfuse'
  | 'phoenix'
  | 'jaeger'
  | 'tempo'
  | 'honeycomb'
  | 'datadog'
  | 'newrelic'
  | 'langsmith'
  | 'otlp';

/** Per-target redaction, applied to the forwarded copy only (the local store is never changed). */
export interface RedactionSetting {
  /**
   * Drop message content: prompt/completion/tool-argument attributes (`gen_ai.input.messages`,
   * `gen_ai.prompt.*`, `llm.input_messages.*`, `input.value`, …, see `CONTENT_ATTRIBUTE_*` in
   * redaction.ts), GenAI content events, and the bodies of `gen_ai.*` log events.
   */
  dropContent?: boolean;
  /** JavaScript regular expressions; every match in a string value is replaced with `[REDACTED]`. */
  patterns?: string[];
}

/** One entry of `traceLens.forwarding.targets` (non-secret; secrets live in SecretStorage). */
export interface ForwardingTargetSetting {
  /** Unique, shown in the UI; with the endpoint's origin, also keys the target's secrets (`boundSecretKey`). */
  name: string;
  preset: PresetId;
  /** Base URL (e.g. `https://cloud.langfuse.com`, `http://localhost:6006`); '' = the preset's default. */
  endpoint?: string;
  protocol?: ForwardingProtocol;
  /** Extra non-secret headers. Credentials belong in "Set Forwarding Secret…". */
  headers?: Record<string, string>;
  signals?: OtlpSignal[];
  enabled?: boolean;
  /** Project name: Phoenix `openinference.project.name` resource attribute, LangSmith `Langsmith-Project` header. */
  project?: string;
  compression?: 'none' | 'gzip';
  redaction?: RedactionSetting;
}

/** Rewrites a target needs on the way out (any of them forces a re-encode). */
export interface TargetRewrites {
  /**
   * Langfuse: per trace, copy the session id (`langfuse.session.id`, else `session.id`, else
   * `gen_ai.conversation.id`) into `langfuse.session.id` and the user id (`langfuse.user.id`, else
   * `user.id`, else `enduser.id`) into `langfuse.user.id` on every span that lacks them.
   */
  propagateLangfuseIds: boolean;
  /** Resource attributes set on every resource that lacks them (Phoenix project routing). */
  resourceAttributes: Record<string, string>;
  redaction: { dropContent: boolean; patterns: string[] };
}

/** A target ready to send: everything the worker needs, including credentials. */
export interface ResolvedTarget {
  name: string;
  preset: PresetId;
  /** Part of live fan-out (master switch aside); disabled targets still serve "Send Trace to…". */
  enabled: boolean;
  /** Full URL per signal the target accepts (signals not listed are not sent). */
  urls: Partial<Record<OtlpSignal, string>>;
  protocol: ForwardingProtocol;
  /** All request headers (preset, settings, secrets). Never logged. */
  headers: Record<string, string>;
  compression: 'none' | 'gzip';
  rewrites: TargetRewrites;
}

/** Limits shared by all targets; see settings `traceLens.forwarding.*`. */
export interface ForwardingLimits {
  /** A batch is sent once this many bytes are queued… */
  batchMaxBytes: number;
  /** …or once the oldest queued request is this old. */
  batchIntervalMs: number;
  /** Bytes queued per target; above it the oldest requests are dropped (and counted). */
  queueMaxBytes: number;
  /** Per HTTP request. */
  requestTimeoutMs: number;
}

/** `configureForwarding` params. */
export interface ForwardingConfig {
  /** Changes with every configuration; `forwardingStatus` echoes it so the host can detect a restarted worker. */
  configId: number;
  /** Master switch ("Toggle Forwarding"); off = no live fan-out (manual sends still work). */
  enabled: boolean;
  targets: ResolvedTarget[];
  limits: ForwardingLimits;
}

export type TargetState =
  /** Nothing queued, last attempt (if any) succeeded. */
  | 'idle'
  | 'sending'
  /** The last attempt failed; waiting to retry. */
  | 'retrying'
  /** Not part of live fan-out (the target or forwarding as a whole is off). */
  | 'off';

/** Counters of one target; counts are spans, log records or metric data points. */
export interface ForwardingTargetStatus {
  name: string;
  preset: PresetId;
  /** Live fan-out on for this target (master switch and the target's own toggle). */
  active: boolean;
  state: TargetState;
  /** Endpoint for display: origin and path only (no credentials, no query). */
  endpoint: string;
  signals: OtlpSignal[];
  sentItems: number;
  sentRequests: number;
  queuedItems: number;
  queuedBytes: number;
  /** Dropped because the queue overflowed (oldest first), or could not be encoded. */
  droppedItems: number;
  /** Refused by the backend with a non-retryable 4xx (not retried). */
  rejectedItems: number;
  /** Consecutive failed attempts (0 after a success). */
  consecutiveFailures: number;
  /** Redacted; never contains header values. */
  lastError?: string;
  lastErrorAtMs?: number;
  lastSuccessAtMs?: number;
  nextRetryAtMs?: number;
}

export interface ForwardingStatus {
  /** `configId` of the last configuration the worker received; -1 before any. */
  configId: number;
  enabled: boolean;
  targets: ForwardingTargetStatus[];
}

/** `forwardTraces` params: stored traces to send after the fact. */
export interface ForwardTracesParams {
  /** Explicit traces; or all traces of `sessionId`. */
  traceIds?: string[];
  sessionId?: string;
  /** Target names (from the configuration; disabled targets are allowed). */
  targets: string[];
}

export interface ForwardTracesResult {
  traceCount: number;
  results: { target: string; ok: boolean; spans: number; logs: number; message: string }[];
}

/** Which credential of a forwarding preset a secret holds (kept in VS Code's SecretStorage). */
export type SecretSlotId = 'publicKey' | 'secretKey' | 'apiKey' | 'licenseKey' | 'headers';
