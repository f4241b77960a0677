/**
 * One OTLP/HTTP POST to a target, the retry policy, and redaction of everything that reaches a
 * log line or an error message.
 *
 * Retry policy (OTLP/HTTP spec, https://opentelemetry.io/docs/specs/otlp/#failures-1, widened):
 * - 2xx: success.
 * - 429, 502, 503, 504: retryable; `Retry-After` (seconds or HTTP date) is honoured when present.
 * - 408 and any other 5xx (e.g. Langfuse answers 500 while its queue is unavailable): retryable
 *   with backoff. The spec treats 500 as final; a local debugging tool would rather retry a
 *   bounded queue than lose data to a transient server error.
 * - every other 4xx (400 bad data, 401/403 auth, 404 wrong path, 413, 415 wrong format): not
 *   retried; the batch is counted as rejected and the error shown.
 * - network errors and timeouts: retryable with backoff.
 * Backoff: `min(maxMs, baseMs·2^(n-1))` for the n-th consecutive failure, with jitter
 * (uniformly 50–100 % of that).
 */

export type SendOutcome =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status: number; retryAfterMs?: number; message: string }
  | { kind: 'reject'; status: number; message: string };

/** Longest `Retry-After` honoured (a broken server must not park a target for days). */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** `Retry-After` as milliseconds from `nowMs`; `undefined` when absent or unparsable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - nowMs), MAX_RETRY_AFTER_MS);
}

/** Delay before retry number `attempt` (1-based) with jitter in [50 %, 100 %]. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp * (0.5 + 0.5 * random()));
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Values that must never appear in a log line: header values and the credentials inside them. */
export function sensitiveStrings(headers: Record<string, string>): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    // Short values ("4", "otlp") are protocol switches, not secrets; replacing them would mangle messages.
    if (s.length >= 6) out.add(s);
  };
  for (const value of Object.values(headers)) {
    add(value);
    const parts = value.split(/\s+/);
    for (const p of parts) add(p);
    if (/^basic$/i.test(parts[0] ?? '') && parts[1]) {
      const decoded = Buffer.from(parts[1], 'base64').toString('utf8');
      add(decoded);
      for (const p of decoded.split(':')) add(p);
    }
  }
  // Longest first, so a value is replaced before any of its parts.
  return [...out].sort((a, b) => b.length - a.length);
}

/** Parts of a URL that may be credentials: user info and query parameter values. */
export function urlSecrets(url: string): string[] {
  const out: string[] = [];
  try {
    const u = new URL(url);
    for (const v of [u.username, u.password]) if (v) out.push(v, decodeURIComponent(v));
    for (const [, v] of u.searchParams) out.push(v, encodeURIComponent(v));
    if (u.search.length > 1) out.push(u.search.slice(1));
  } catch {
    // not a URL: nothing to add
  }
  return out.filter((s) => s.length >= 6);
}

/** Replaces every occurrence of the secrets in `text` with `***`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number;
  /** Aborts the request (target removed, forwarding turned off). */
  signal?: AbortSignal;
}

/** Bytes of an error response kept for the message. */
const MAX_ERROR_BODY_BYTES = 2048;

/** POSTs one body; never throws. Messages are not yet redacted (the caller redacts). */
export async function postOtlp(request: PostRequest, nowMs: () => number = Date.now): Promise<SendOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onAbort);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      // Our bodies live on ordinary ArrayBuffers (never shared memory): a view, not a copy.
      body: new Uint8Array(request.body.buffer as ArrayBuffer, request.body.byteOffset, request.body.byteLength),
      signal: controller.signal,
      redirect: 'error',
    });
    const text = await readSome(response);
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: 'ok', status };
    const detail = text.trim().replace(/\s+/g, ' ').slice(0, 200);
    const message = `HTTP ${status}${response.statusText ? ' ' + response.statusText : ''}${detail ? `: ${detail}` : ''}`;
    if (isRetryableStatus(status)) {
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), nowMs()) : undefined;
      return { kind: 'retry', status, retryAfterMs, message };
    }
    return { kind: 'reject', status, message };
  } catch (error) {
    if (timedOut) return { kind: 'retry', status: 0, message: `no answer within ${Math.round(request.timeoutMs / 100) / 10} s` };
    if (request.signal?.aborted) return { kind: 'retry', status: 0, message: 'cancelled' };
    return { kind: 'retry', status: 0, message: describeNetworkError(error) };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/** Reads at most `MAX_ERROR_BODY_BYTES` of a response body, then lets the connection go. */
async function readSome(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    // a body cut short is fine: the status decides
  } finally {
    if (total >= MAX_ERROR_BODY_BYTES) void reader.cancel().catch(() => undefined);
  }
  const all = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES);
  // A protobuf google.rpc.Status is binary; keep only printable text.
  return all.toString('utf8').replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' ');
}

/** `fetch failed` says nothing; the cause's code does (ECONNREFUSED, ENOTFOUND, certificate errors…). */
export function describeNetworkError(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code;
  const friendly: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    UND_ERR_SOCKET: 'connection closed by the server',
  };
  if (code) return `${friendly[code] ?? e.cause?.message ?? 'network error'} (${code})`;
  return e?.cause?.message ?? e?.message ?? String(error);
}
