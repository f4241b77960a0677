/**
 * sendReplay failures against local stand-ins, for both wire formats: 401/403 (the stand-in echoes
 * the Authorization header into its error body: the key must not reach any message, event or
 * result), 404, 429 with Retry-After, 400, 5xx, an error event in the stream, a server that never
 * answers, a stream that stalls, a refused connection, and cancelling mid-stream.
 *
 * Error bodies follow the providers' documented shapes: OpenAI `{"error":{"message","type",
 * "param","code"}}`; Anthropic `{"type":"error","error":{"type","message"}}` and the SSE
 * `event: error` frame.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRedactor, retryAfterSeconds } from '../../../src/core/replay/client/errors';
import { sendReplay } from '../../../src/core/replay/client/sendReplay';
import type { ReplayProviderKind, ReplayStreamEvent } from '../../../src/model/replay';
import { closedPort, jsonError, sse, startStandIn, type StandIn } from './standIns';

const KEY = 'sk-secret-KEY-4f1b2c3d4e5f60718293';

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(async () => {
  await server.close();
});

const KINDS: { kind: ReplayProviderKind; base: () => string; body: Record<string, unknown> }[] = [
  { kind: 'openai', base: () => `${server.url}/v1`, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } },
  { kind: 'anthropic', base: () => server.url, body: { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] } },
];

function authHeader(h: IncomingMessage['headers']): string {
  return `${h.authorization ?? ''} ${h['x-api-key'] ?? ''}`.trim();
}

function errorBody(kind: ReplayProviderKind, type: string, message: string): unknown {
  return kind === 'openai' ? { error: { message, type, param: null, code: type } } : { type: 'error', error: { type, message } };
}

/** The first text frame of an answer, then (optionally) nothing more. */
function firstFrame(kind: ReplayProviderKind): string[] {
  return kind === 'openai'
    ? ['data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"logprobs":null,"finish_reason":null}]}\n\n']
    : [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Partial"}}\n\n',
      ];
}

async function send(kind: ReplayProviderKind, base: string, body: Record<string, unknown>, extra: { timeoutMs?: number; signal?: AbortSignal; onEvent?: (e: ReplayStreamEvent) => void } = {}) {
  const events: ReplayStreamEvent[] = [];
  const result = await sendReplay({
    kind,
    baseUrl: base,
    apiKey: KEY,
    body,
    providerName: 'Team Proxy',
    ...extra,
    onEvent: (e) => {
      events.push(e);
      extra.onEvent?.(e);
    },
  });
  return { result, events, everything: JSON.stringify({ result, events }) };
}

describe.each(KINDS)('$kind errors', ({ kind, base, body }) => {
  it('401: "the key … was refused", and the key echoed by the server is redacted everywhere', async () => {
    server.handle((req, res) => jsonError(res, 401, errorBody(kind, kind === 'openai' ? 'invalid_api_key' : 'authentication_error', `Invalid key: ${authHeader(req.headers)}`)));
    const { result, events, everything } = await send(kind, base(), body);
    expect(result.error).toMatchObject({ kind: 'auth', status: 401 });
    expect(result.error!.message).toContain('The key for provider "Team Proxy" was refused (HTTP 401');
    // The echo came through (so the redaction was exercised) and the key did not.
    expect(result.error!.message).toContain('[redacted]');
    expect(everything).not.toContain(KEY);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({ type: 'done', result });
  });

  it('403 is an auth error too', async () => {
    server.handle((_req, res) => jsonError(res, 403, errorBody(kind, 'permission_error', 'This key cannot use this model')));
    const { result } = await send(kind, base(), body);
    expect(result.error).toMatchObject({ kind: 'auth', status: 403 });
    expect(result.error!.message).toContain('This key cannot use this model');
  });

  it('429 with Retry-After: rate_limit with the seconds', async () => {
    const before = server.requests.length;
    server.handle((_req, res) => jsonError(res, 429, errorBody(kind, 'rate_limit_error', 'Too many requests'), { 'retry-after': '17' }));
    const { result } = await send(kind, base(), body);
    expect(result.error).toMatchObject({ kind: 'rate_limit', status: 429, retryAfterSeconds: 17 });
    expect(result.error!.message).toContain('retry after 17 s');
    // No retry by the SDK: exactly one request.
    expect(server.requests.length - before).toBe(1);
  });

  it('404: the model or the endpoint does not exist, naming the model and the URL', async () => {
    server.handle((_req, res) => jsonError(res, 404, errorBody(kind, 'not_found_error', 'model: nope-1')));
    const { result } = await send(kind, base(), { ...body, model: 'nope-1' });
    expect(result.error).toMatchObject({ kind: 'not_found', status: 404 });
    expect(result.error!.message).toContain('"nope-1"');
    expect(result.error!.message).toContain(kind === 'openai' ? `${server.url}/v1/chat/completions` : `${server.url}/v1/messages`);
  });

  it('400: bad_request with the provider detail', async () => {
    server.handle((_req, res) => jsonError(res, 400, errorBody(kind, 'invalid_request_error', 'max_tokens: field required')));
    const { result } = await send(kind, base(), body);
    expect(result.error).toMatchObject({ kind: 'bad_request', status: 400 });
    expect(result.error!.message).toContain('max_tokens: field required');
  });

  it('5xx: server error, one request only (no retries)', async () => {
    const before = server.requests.length;
    server.handle((_req, res) => jsonError(res, kind === 'anthropic' ? 529 : 503, errorBody(kind, kind === 'anthropic' ? 'overloaded_error' : 'server_error', 'Overloaded'), { 'retry-after': '3' }));
    const { result } = await send(kind, base(), body);
    expect(result.error).toMatchObject({ kind: 'server', status: kind === 'anthropic' ? 529 : 503, retryAfterSeconds: 3 });
    expect(server.requests.length - before).toBe(1);
  });

  it('an error event in the stream: server error, the text so far kept', async () => {
    const errorFrame =
      kind === 'openai'
        ? `data: {"error":{"message":"The server had an error while processing your request (${KEY})","type":"server_error","param":null,"code":null}}\n\n`
        : `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded (${KEY})"}}\n\n`;
    server.handle((_req, res) => sse(res, [...firstFrame(kind), errorFrame]));
    const { result, everything } = await send(kind, base(), body);
    expect(result.error?.kind).toBe('server');
    expect(result.error?.status).toBeUndefined();
    expect(result.text).toBe('Partial');
    expect(everything).not.toContain(KEY);
  });

  it('a server that never answers: timeout after timeoutMs', async () => {
    server.handle(() => {
      /* never answers */
    });
    const t0 = Date.now();
    const { result } = await send(kind, base(), body, { timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(result.error).toMatchObject({ kind: 'timeout' });
    expect(result.error!.message).toBe(`No answer from ${base().replace(/\/$/, '')} within 0.3 s.`);
  });

  it('a stream that stalls: timeout ("stalled"), the text so far kept', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const f of firstFrame(kind)) res.write(f);
    });
    const { result } = await send(kind, base(), body, { timeoutMs: 300 });
    expect(result.error?.kind).toBe('timeout');
    expect(result.error!.message).toContain('stalled');
    expect(result.text).toBe('Partial');
  });

  it('connection refused: "nothing answers at <baseUrl>"', async () => {
    const port = await closedPort();
    const url = kind === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
    const { result } = await send(kind, url, body);
    expect(result.error).toMatchObject({ kind: 'network' });
    expect(result.error!.message).toBe(`Nothing answers at ${url} (connection refused). Is the server running?`);
  });

  it('cancel mid-stream: cancelled, the text so far kept, the connection closed', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const f of firstFrame(kind)) res.write(f);
      // …and the rest never comes.
    });
    const controller = new AbortController();
    const n = server.requests.length + 1;
    const { result, events } = await send(kind, base(), body, {
      signal: controller.signal,
      timeoutMs: 10_000,
      onEvent: (e) => {
        if (e.type === 'text') controller.abort();
      },
    });
    expect(result.error).toEqual({ kind: 'cancelled', message: 'Cancelled before the answer was complete.' });
    expect(result.text).toBe('Partial');
    expect(events.map((e) => e.type)).toEqual(['text', 'done']);
    await server.closed(n);
  });

  it('an already aborted signal: cancelled without sending', async () => {
    const before = server.requests.length;
    const controller = new AbortController();
    controller.abort();
    const { result } = await send(kind, base(), body, { signal: controller.signal });
    expect(result.error?.kind).toBe('cancelled');
    expect(server.requests.length).toBe(before);
  });
});

describe('hints', () => {
  it('404 from an OpenAI-compatible base URL without /v1 suggests adding it (Ollama, LM Studio, vLLM serve under /v1)', async () => {
    server.handle((_req, res) => jsonError(res, 404, { error: { message: 'page not found', type: 'not_found' } }));
    const { result } = await send('openai', server.url, { model: 'llama3.2', messages: [] });
    expect(result.error?.kind).toBe('not_found');
    expect(result.error!.message).toContain(`${server.url}/chat/completions`);
    expect(result.error!.message).toContain('try the base URL with /v1');
  });
});

describe('redaction and Retry-After', () => {
  it('redacts every occurrence of the key and its URL-encoded form; ignores tiny secrets', () => {
    const redact = makeRedactor(['k3y/with+chars', undefined, 'ab']);
    expect(redact('a k3y/with+chars b k3y%2Fwith%2Bchars c ab')).toBe('a [redacted] b [redacted] c ab');
  });

  it('reads Retry-After as seconds or an HTTP-date, and retry-after-ms', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(retryAfterSeconds(h({ 'retry-after': '120' }))).toBe(120);
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(retryAfterSeconds(h({ 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' }), now)).toBe(30);
    expect(retryAfterSeconds(h({ 'retry-after-ms': '1500' }))).toBe(2);
    expect(retryAfterSeconds(h({}))).toBeUndefined();
    expect(retryAfterSeconds(h({ 'retry-after': 'soon' }))).toBeUndefined();
  });

  it('a password in the base URL never reaches a message', async () => {
    const port = await closedPort();
    const result = await sendReplay({ kind: 'openai', baseUrl: `http://user:hunter2-password@127.0.0.1:${port}/v1`, apiKey: KEY, body: { model: 'm', messages: [] } });
    expect(result.error?.kind).toBe('network');
    expect(JSON.stringify(result)).not.toContain('hunter2-password');
  });
});
