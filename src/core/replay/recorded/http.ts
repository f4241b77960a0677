/**
 * HTTP plumbing of the recorded-response server: routes, bounded body reading, JSON / SSE /
 * provider-shaped error answers, and the request checks of a loopback-only server. Pure apart
 * from writing to the `node:http` objects it is handed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReplayProviderKind } from '../../../model/replay';
import { anthropicError } from './anthropicWire';
import { openAIError } from './openaiWire';
import type { SseEvent } from './anthropicWire';

/** Largest request body accepted (bytes); past it the answer is 413. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** What a request asks for. */
export type RecordedRoute = { kind: 'model'; api: ReplayProviderKind } | { kind: 'models' } | { kind: 'wrongMethod'; allow: string } | { kind: 'unknown' };

/**
 * Routes: `POST …/chat/completions` (OpenAI Chat Completions: `/v1/chat/completions` for a base URL
 * ending in `/v1`, `/chat/completions` for the bare origin, deployment paths of Azure-style base
 * URLs), `POST /v1/messages` or `/messages` (Anthropic Messages, with or without `/v1` in the base
 * URL), `GET …/models` (the recorded models). The query string is ignored (`?api-version=`).
 */
export function routeOf(method: string | undefined, url: string | undefined): RecordedRoute {
  const path = (url ?? '/').split('?')[0]!.replace(/\/+$/, '');
  const api: ReplayProviderKind | undefined = path.endsWith('/chat/completions') ? 'openai' : path === '/v1/messages' || path === '/messages' || path.endsWith('/v1/messages') ? 'anthropic' : undefined;
  if (api !== undefined) return method === 'POST' ? { kind: 'model', api } : { kind: 'wrongMethod', allow: 'POST' };
  if (path === '/models' || path.endsWith('/v1/models')) return method === 'GET' ? { kind: 'models' } : { kind: 'wrongMethod', allow: 'GET' };
  return { kind: 'unknown' };
}

/** Which provider's error shape a request expects: Anthropic when it names `/messages` or sends `anthropic-version`. */
export function errorShapeOf(req: IncomingMessage): ReplayProviderKind {
  const path = (req.url ?? '').split('?')[0]!;
  return path.includes('/messages') || req.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
}

/** Anthropic error `type` for an HTTP status (https://docs.anthropic.com/en/api/errors). */
function anthropicErrorType(status: number): string {
  if (status === 404) return 'not_found_error';
  if (status === 405) return 'invalid_request_error';
  if (status === 413) return 'request_too_large';
  if (status === 403) return 'permission_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Sends an error in the shape of `shape`'s API; `code` goes to OpenAI's `error.code`. */
export function sendError(res: ServerResponse, shape: ReplayProviderKind, status: number, message: string, code: string | null = null, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = shape === 'anthropic' ? anthropicError(message, anthropicErrorType(status)) : openAIError(message, status === 404 ? 'not_found_error' : status >= 500 ? 'server_error' : 'invalid_request_error', code);
  sendJson(res, status, body, headers);
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

/** OpenAI streaming: one `data: <chunk>` line per chunk, then `data: [DONE]`. */
export function sendOpenAIStream(res: ServerResponse, chunks: readonly unknown[], headers: Record<string, string>): void {
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  res.end('data: [DONE]\n\n');
}

/** Anthropic streaming: `event: <type>` + `data: <JSON>` per event. */
export function sendAnthropicStream(res: ServerResponse, events: readonly SseEvent[], headers: Record<string, string>): void {
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  for (const e of events) res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
  res.end();
}

/** Result of reading a body. */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 413 | 400; message: string };

/**
 * Reads the whole body, at most `maxBytes` (a larger `Content-Length`, or more bytes arriving,
 * stops reading: 413; the rest is discarded). Never rejects.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const tooLarge: BodyResult = { ok: false, status: 413, message: `Trace Lens replay: the request body is larger than ${maxBytes} bytes` };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      resolve(tooLarge);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        chunks.length = 0;
        resolve(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      resolve({ ok: false, status: 400, message: `Trace Lens replay: the request body could not be read (${error.message})` });
    });
  });
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why a request is refused before it is read, or `undefined`: a `Host` other than a loopback name
 * (DNS rebinding) or any `Origin` header (a web page: SDKs and HTTP clients send none). Either
 * could make a browser spend the user's tokens through live forwarding.
 */
export function refusalOf(req: IncomingMessage): string | undefined {
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(host)) return `Trace Lens replay: Host ${JSON.stringify(req.headers.host ?? '')} refused: this server answers only loopback names (127.0.0.1, localhost)`;
  if (req.headers.origin !== undefined) return 'Trace Lens replay: requests from web pages (with an Origin header) are refused';
  return undefined;
}
