/**
 * Why a replay failed, in the terms a user acts on (`ReplayError`, src/model/replay.ts), from a
 * provider-neutral description of the failure (`ProviderFailure`, filled by the OpenAI and
 * Anthropic clients from their SDK's error classes). Every message passes through a redactor so
 * the API key (and any password in the base URL) never reaches a message, an event or a trace.
 *
 * HTTP semantics: RFC 9110 §15 (status codes), §10.2.3 (`Retry-After`: delay-seconds or an
 * HTTP-date); `retry-after-ms` is the non-standard millisecond form both SDKs honour.
 */
import type { ReplayError } from '../../../model/replay';

/** What went wrong, independent of the SDK that saw it. */
export type ProviderFailure =
  /** The provider answered with an HTTP error status. `body` is the parsed JSON error body or its text. */
  | { type: 'http'; status: number; headers?: { get(name: string): string | null }; body?: unknown; message?: string }
  /** An error event inside a 200 stream (Anthropic `event: error`, an OpenAI chunk with `error`). */
  | { type: 'stream'; body?: unknown; message?: string }
  /** Our timer or the SDK's request timeout fired. `answering`: some of the answer had arrived. */
  | { type: 'timeout'; answering: boolean }
  /** The caller's signal was aborted. */
  | { type: 'cancelled' }
  /** No HTTP answer: refused, DNS, TLS, reset. `cause`: the error chain to look for a `code`. */
  | { type: 'connection'; cause?: unknown; message?: string }
  /** Anything else (bad configuration, an unparseable stream, a bug). */
  | { type: 'other'; message: string };

/** What the messages name. */
export interface FailureContext {
  /** The configured provider's display name (`traceLens.replay.providers[].name`). */
  providerName: string;
  /** The endpoint without credentials (`describeEndpoint`). */
  endpoint: string;
  /** The URL the request went to, for 404 messages. */
  requestUrl: string;
  model?: string;
  /** The idle timeout in milliseconds, for timeout messages. */
  timeoutMs: number;
  /** `openai`: a 404 hint about `/v1` when the base URL does not end with it. */
  kind: 'openai' | 'anthropic';
}

const REDACTED = '[redacted]';
/** Longest provider detail kept in a message (characters). */
const MAX_DETAIL_CHARS = 300;

/**
 * A function that replaces every occurrence of each secret (and its URL-encoded form) with
 * `[redacted]`. Secrets shorter than 4 characters are ignored (they would mangle ordinary text
 * and are not real keys).
 */
export function makeRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    needles.add(s);
    const enc = encodeURIComponent(s);
    if (enc !== s) needles.add(enc);
  }
  const list = [...needles].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const n of list) if (out.includes(n)) out = out.split(n).join(REDACTED);
    return out;
  };
}

/** Seconds from a `Retry-After` / `retry-after-ms` header pair; `undefined` when absent or unreadable. */
export function retryAfterSeconds(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const v = headers.get('retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v));
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The provider's own words: `error.message` (OpenAI, Anthropic), `message`, `detail`, or the text body. */
function providerDetail(body: unknown, fallback: string | undefined): string | undefined {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (isRecord(body)) {
    const inner = isRecord(body.error) ? body.error : body;
    const m = inner.message ?? body.message ?? body.detail ?? (typeof body.error === 'string' ? body.error : undefined);
    text = typeof m === 'string' ? m : m !== undefined ? JSON.stringify(m) : undefined;
  }
  text ??= fallback?.replace(/^\d{3}\s+/, '');
  if (!text) return undefined;
  const one = text.replace(/\s+/g, ' ').trim();
  if (!one || one === 'status code (no body)') return undefined;
  return one.length > MAX_DETAIL_CHARS ? `${one.slice(0, MAX_DETAIL_CHARS)}…` : one;
}

/** The provider's error type string (`error.type` of Anthropic and OpenAI error bodies). */
function errorType(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const inner = isRecord(body.error) ? body.error : body;
  const t = inner.type ?? inner.code;
  return typeof t === 'string' ? t : undefined;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET']);

/** The first Node error `code` along an error's `cause` chain (fetch wraps the socket error; `AggregateError.errors` too). */
function causeCode(err: unknown): string | undefined {
  const queue: unknown[] = [err];
  for (let seen = 0; queue.length > 0 && seen < 12; seen++) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null) continue;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))) return code;
    queue.push((e as { cause?: unknown }).cause);
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) queue.push(...inner.slice(0, 4));
  }
  return undefined;
}

function withDetail(head: string, detail: string | undefined): string {
  return detail ? `${head}: ${detail}` : `${head}.`;
}

/** Maps an HTTP status (or a stream error's type) to what the user does about it. */
function httpError(status: number | undefined, type: string | undefined, retry: number | undefined, detail: string | undefined, ctx: FailureContext): ReplayError {
  const who = `provider "${ctx.providerName}"`;
  const code = status !== undefined ? `HTTP ${status}` : `error ${type ?? 'event'} in the stream`;
  const base = { ...(status !== undefined ? { status } : {}), ...(retry !== undefined ? { retryAfterSeconds: retry } : {}) };
  const t = type ?? '';
  if (status === 401 || status === 403 || t === 'authentication_error' || t === 'permission_error' || t === 'invalid_api_key') {
    return { ...base, kind: 'auth', message: withDetail(`The key for ${who} was refused (${code}); check the key stored for it`, detail) };
  }
  if (status === 429 || t === 'rate_limit_error' || t === 'rate_limit_exceeded') {
    const after = retry !== undefined ? `; retry after ${retry} s` : '';
    return { ...base, kind: 'rate_limit', message: withDetail(`${cap(who)} is rate limiting requests (${code}${after})`, detail) };
  }
  if (status === 404 || t === 'not_found_error' || t === 'model_not_found') {
    const model = ctx.model ? `the model "${ctx.model}"` : 'the model';
    const hint = ctx.kind === 'openai' && !/\/v\d+(beta)?$/.test(ctx.endpoint) && !/\/openai(\/|$)/.test(ctx.endpoint) ? ' (OpenAI-compatible servers usually serve under /v1: try the base URL with /v1)' : '';
    return { ...base, kind: 'not_found', message: withDetail(`${code} from ${ctx.requestUrl}: ${model} or the endpoint does not exist${hint}`, detail) };
  }
  if (status === 408 || status === 504) {
    return { ...base, kind: 'timeout', message: withDetail(`${cap(who)} timed out (${code})`, detail) };
  }
  if ((status !== undefined && status >= 500) || t === 'overloaded_error' || t === 'api_error' || t === 'server_error') {
    const after = retry !== undefined ? `; retry after ${retry} s` : '';
    return { ...base, kind: 'server', message: withDetail(`${cap(who)} failed (${code}${after})`, detail) };
  }
  if (status === 400 || status === 413 || status === 422 || t === 'invalid_request_error' || t === 'request_too_large') {
    return { ...base, kind: 'bad_request', message: withDetail(`${cap(who)} rejected the request (${code})`, detail) };
  }
  return { ...base, kind: status === undefined ? 'server' : 'other', message: withDetail(`${cap(who)} answered with ${code}`, detail) };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function connectionError(f: Extract<ProviderFailure, { type: 'connection' }>, ctx: FailureContext): ReplayError {
  const code = causeCode(f.cause);
  const at = ctx.endpoint;
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'network', message: `Nothing answers at ${at} (connection refused). Is the server running?` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'network', message: `The host of ${at} was not found (${code}).` };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return { kind: 'network', message: `The connection to ${at} was closed before the answer was complete (${code}).` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return { kind: 'network', message: `${at} cannot be reached (${code}).` };
    case undefined: {
      const why = f.message && !/^connection error\.?$/i.test(f.message) ? `: ${f.message}` : '.';
      return { kind: 'network', message: `Could not reach ${at}${why}` };
    }
    default:
      return { kind: 'network', message: `The TLS connection to ${at} failed (${code}).` };
  }
}

/**
 * The error classes of a Stainless-generated provider SDK (`openai` and `@anthropic-ai/sdk` export
 * the same hierarchy under the same names, `OpenAIError` / `AnthropicError` as the base).
 */
export interface SdkErrorClasses {
  userAbort: abstract new (...args: never[]) => Error;
  timeout: abstract new (...args: never[]) => Error;
  connection: abstract new (...args: never[]) => Error & { cause?: unknown };
  api: abstract new (...args: never[]) => Error & { status: number | undefined; headers: { get(name: string): string | null } | undefined; error: unknown };
  base: abstract new (...args: never[]) => Error;
}

/** The provider-neutral failure for an error thrown while streaming with one of those SDKs. */
export function sdkFailure(err: unknown, sdk: SdkErrorClasses): ProviderFailure {
  if (err instanceof sdk.userAbort) return { type: 'cancelled' };
  if (err instanceof sdk.timeout) return { type: 'timeout', answering: false };
  if (err instanceof sdk.connection) return { type: 'connection', cause: err.cause, message: err.message };
  if (err instanceof sdk.api) {
    if (typeof err.status === 'number') return { type: 'http', status: err.status, headers: err.headers, body: err.error, message: err.message };
    return { type: 'stream', body: err.error, message: err.message };
  }
  if (err instanceof sdk.base) return { type: 'other', message: err.message };
  if (err instanceof Error && err.name === 'AbortError') return { type: 'cancelled' };
  return { type: 'other', message: err instanceof Error ? err.message : String(err) };
}

/** The `ReplayError` for a failure; every message is redacted with `redact`. */
export function toReplayError(f: ProviderFailure, ctx: FailureContext, redact: (text: string) => string): ReplayError {
  let e: ReplayError;
  switch (f.type) {
    case 'http':
      e = httpError(f.status, errorType(f.body), retryAfterSeconds(f.headers), providerDetail(f.body, f.message), ctx);
      break;
    case 'stream': {
      const detail = providerDetail(f.body, f.message);
      e = httpError(undefined, errorType(f.body), undefined, detail, ctx);
      break;
    }
    case 'timeout': {
      const s = Math.round(ctx.timeoutMs / 100) / 10;
      e = f.answering
        ? { kind: 'timeout', message: `The answer from ${ctx.endpoint} stalled: nothing arrived for ${s} s.` }
        : { kind: 'timeout', message: `No answer from ${ctx.endpoint} within ${s} s.` };
      break;
    }
    case 'cancelled':
      e = { kind: 'cancelled', message: 'Cancelled before the answer was complete.' };
      break;
    case 'connection':
      e = connectionError(f, ctx);
      break;
    case 'other':
      e = { kind: 'other', message: `The replay failed: ${f.message}` };
      break;
  }
  return { ...e, message: redact(e.message) };
}
