/**
 * Live forwarding for the recorded-response server: a re-run's request body is sent as-is to the
 * configured provider (after the chosen span, or on divergence by choice) and its answer —
 * JSON or SSE — piped back unchanged.
 *
 * Authentication is the provider's own: OpenAI `Authorization: Bearer <key>`
 * (https://platform.openai.com/docs/api-reference/authentication); Anthropic `x-api-key: <key>` +
 * `anthropic-version` (https://docs.anthropic.com/en/api/versioning; the app's own value is kept,
 * else `2023-06-01`), plus the app's `anthropic-beta` when it sent one. The app's own credentials
 * (`Authorization`, `x-api-key` pointing at the recording) are never passed on. The key never
 * appears in a result, a log line or an error message (`redact`).
 *
 * Uses Node's global `fetch` (undici).
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { ReplayProviderKind } from '../../../model/replay';

/** The provider a re-run is forwarded to. */
export interface LiveProvider {
  kind: ReplayProviderKind;
  /** Default `https://api.openai.com/v1` (openai) or `https://api.anthropic.com` (anthropic). */
  baseUrl?: string;
  apiKey: string;
}

/** Default API base URLs (the SDKs' own defaults). */
export const DEFAULT_BASE_URLS: Readonly<Record<ReplayProviderKind, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** `anthropic-version` sent when the app sent none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Response headers passed back to the app (everything else is the server's own). */
const PASSED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'x-request-id', 'request-id', 'openai-processing-ms', 'anthropic-organization-id'];

/** The endpoint a request of `kind` goes to: `{baseUrl}/chat/completions` or `{baseUrl}/v1/messages`. */
export function liveEndpoint(provider: Pick<LiveProvider, 'kind' | 'baseUrl'>): string {
  const base = (provider.baseUrl ?? DEFAULT_BASE_URLS[provider.kind]).replace(/\/+$/, '');
  if (provider.kind === 'openai') return `${base}/chat/completions`;
  return base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`;
}

/** `text` with every occurrence of `secret` replaced by `***` (no-op for an empty secret). */
export function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('***');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The headers sent upstream: content type, the provider's authentication, and the app's API version headers. */
export function liveRequestHeaders(provider: LiveProvider, incoming: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const accept = headerValue(incoming, 'accept');
  if (accept !== undefined) headers.accept = accept;
  if (provider.kind === 'openai') {
    headers.authorization = `Bearer ${provider.apiKey}`;
  } else {
    headers['x-api-key'] = provider.apiKey;
    headers['anthropic-version'] = headerValue(incoming, 'anthropic-version') ?? DEFAULT_ANTHROPIC_VERSION;
    const beta = headerValue(incoming, 'anthropic-beta');
    if (beta !== undefined) headers['anthropic-beta'] = beta;
  }
  return headers;
}

/** How a forwarded request ended. `status` is the provider's, or 502 when it could not be reached. */
export interface LiveOutcome {
  status: number;
  /** `true` when the provider answered with an event stream. */
  streamed: boolean;
  /** Why forwarding failed (no key in it). */
  error?: string;
}

/**
 * Sends `body` to the provider and pipes the answer (status, content type, `Retry-After`, request
 * ids, body chunk by chunk with back-pressure) into `res`. When the provider cannot be reached,
 * `onUnreachable(message)` writes the error answer (provider-shaped) instead. Never throws.
 */
export async function forwardLive(
  provider: LiveProvider,
  body: Uint8Array,
  incoming: IncomingHttpHeaders,
  res: ServerResponse,
  signal: AbortSignal,
  onUnreachable: (message: string) => void,
): Promise<LiveOutcome> {
  const endpoint = liveEndpoint(provider);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: liveRequestHeaders(provider, incoming),
      // The body lives on an ordinary ArrayBuffer (never shared memory): a view, not a copy.
      body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength),
      signal,
      // A redirect would carry the key elsewhere.
      redirect: 'error',
    });
  } catch (error) {
    const cause = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
    const message = redact(`Trace Lens replay: the live provider at ${new URL(endpoint).origin} could not be reached: ${cause}`, provider.apiKey);
    if (!res.headersSent && !res.destroyed) onUnreachable(message);
    return { status: 502, streamed: false, error: message };
  }
  const contentType = response.headers.get('content-type') ?? '';
  const streamed = contentType.includes('text/event-stream');
  const headers: Record<string, string> = {};
  for (const name of PASSED_RESPONSE_HEADERS) {
    const v = response.headers.get(name);
    if (v !== null) headers[name] = v;
  }
  if (res.destroyed) {
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, streamed, error: 'the app closed the connection' };
  }
  res.writeHead(response.status, headers);
  try {
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel().catch(() => undefined);
        break;
      }
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
    }
    res.end();
    return { status: response.status, streamed };
  } catch (error) {
    res.destroy();
    const message = redact(`Trace Lens replay: the live answer broke off: ${error instanceof Error ? error.message : String(error)}`, provider.apiKey);
    return { status: response.status, streamed, error: message };
  }
}
