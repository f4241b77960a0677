/**
 * Sends one replay: an already-built provider request body (OpenAI Chat Completions or Anthropic
 * Messages JSON, src/core/replay/wire/*) to a configured provider with its official SDK, streaming
 * the answer as `ReplayStreamEvent`s, and resolves with the `ReplayResult` (never rejects: a
 * failure is `result.error`, with whatever arrived before it).
 *
 * Timing: `latencyMs` and `firstTokenMs` count from the call; `timeoutMs` is an idle limit, the
 * longest wait for the answer to start and between two streamed chunks (a long answer that keeps
 * streaming is never cut off; the caller's `signal` stops it).
 *
 * The API key goes only into the SDK's auth header. It is redacted (with any password in the base
 * URL) from every message, event and result this module produces, including text the server echoes
 * (per delta: a key the server splits across two streamed chunks is not caught in the events).
 */
import { performance } from 'node:perf_hooks';
import type { ReplayProviderKind, ReplayResult, ReplayStreamEvent } from '../../../model/replay';
import { ReplayAccumulator } from './accumulate';
import { anthropicFailure, streamAnthropic } from './anthropicClient';
import { describeEndpoint, requestUrlForMessages } from './endpoint';
import { makeRedactor, toReplayError, type ProviderFailure } from './errors';
import { openAiFailure, streamOpenAi } from './openaiClient';

/** Default idle timeout: two minutes without a byte of the answer. */
export const REPLAY_DEFAULT_TIMEOUT_MS = 120_000;
/** Sent as the key to servers that need none (Ollama, LM Studio, vLLM) when no key is stored. */
export const REPLAY_PLACEHOLDER_KEY = 'no-key';

export interface SendReplayOptions {
  kind: ReplayProviderKind;
  /** The provider's base URL (see ./endpoint.ts); empty → OpenAI's / Anthropic's own. */
  baseUrl?: string;
  /** The key from SecretStorage; empty or absent → `REPLAY_PLACEHOLDER_KEY`. */
  apiKey?: string;
  /** The request body as built for `kind`; `stream` is forced on (and OpenAI `stream_options.include_usage`). */
  body: Record<string, unknown>;
  /** Aborting it cancels the call (`error.kind = 'cancelled'`). */
  signal?: AbortSignal;
  /** Idle limit in milliseconds (default `REPLAY_DEFAULT_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Each text / tool-call delta as it arrives, then exactly one `done` with the result. Exceptions it throws are ignored. */
  onEvent?: (event: ReplayStreamEvent) => void;
  /** The configured provider's display name, for messages (default: the endpoint). */
  providerName?: string;
  /** A `fetch` for the SDKs (tests, proxies); default: the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Sends the replay and streams its answer. Resolves with the result (with `error` on failure:
 * auth 401/403, not_found 404, rate_limit 429 + `retryAfterSeconds`, bad_request 400/413/422,
 * server 5xx/529 or a mid-stream error event, timeout, network, cancelled, other).
 */
export async function sendReplay(options: SendReplayOptions): Promise<ReplayResult> {
  const timeoutMs = options.timeoutMs !== undefined && options.timeoutMs > 0 ? options.timeoutMs : REPLAY_DEFAULT_TIMEOUT_MS;
  const apiKey = options.apiKey?.trim() || REPLAY_PLACEHOLDER_KEY;
  const redact = makeRedactor([options.apiKey?.trim(), urlPassword(options.baseUrl)]);
  const emit = (event: ReplayStreamEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // The listener's own failure must not break the call.
    }
  };
  const endpoint = describeEndpoint(options.baseUrl ?? '');
  const model = typeof options.body?.model === 'string' ? options.body.model : undefined;
  const ctx = {
    providerName: redact(options.providerName?.trim() || endpoint),
    endpoint,
    requestUrl: requestUrlForMessages(options.kind, options.baseUrl),
    ...(model !== undefined ? { model } : {}),
    timeoutMs,
    kind: options.kind,
  };

  const controller = new AbortController();
  let stopped: 'cancelled' | 'timeout' | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      stopped ??= 'timeout';
      controller.abort();
    }, timeoutMs);
  };
  const onCancel = (): void => {
    stopped ??= 'cancelled';
    controller.abort();
  };

  const startedAt = performance.now();
  const acc = new ReplayAccumulator({ startedAt, now: () => performance.now(), emit, redact, onActivity: arm });
  let failure: ProviderFailure | undefined;
  if (options.signal?.aborted) {
    stopped = 'cancelled';
  } else if (typeof options.body !== 'object' || options.body === null || Array.isArray(options.body)) {
    failure = { type: 'other', message: 'the request body is not a JSON object' };
  } else {
    options.signal?.addEventListener('abort', onCancel, { once: true });
    arm();
    const call = { baseUrl: options.baseUrl, apiKey, body: options.body, signal: controller.signal, timeoutMs, fetch: options.fetch, acc };
    try {
      if (options.kind === 'anthropic') await streamAnthropic(call);
      else await streamOpenAi(call);
    } catch (err) {
      failure = options.kind === 'anthropic' ? anthropicFailure(err) : openAiFailure(err);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCancel);
    }
  }
  // The SDKs end a stream quietly when it is aborted: our own flags say why it stopped.
  if (stopped === 'cancelled') failure = { type: 'cancelled' };
  else if (stopped === 'timeout') failure = { type: 'timeout', answering: acc.answering };
  else if (failure?.type === 'timeout') failure = { type: 'timeout', answering: acc.answering };

  const result = acc.result();
  if (failure) result.error = toReplayError(failure, ctx, redact);
  emit({ type: 'done', result });
  return result;
}

/** The password of a base URL with user info (never sent: ./endpoint.ts drops user info), to redact it. */
function urlPassword(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  try {
    const v = new URL(baseUrl).password;
    return v ? decodeURIComponent(v) : undefined;
  } catch {
    return undefined;
  }
}
