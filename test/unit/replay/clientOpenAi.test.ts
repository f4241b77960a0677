/**
 * sendReplay against a local OpenAI-compatible stand-in (real HTTP on 127.0.0.1, the real `openai`
 * SDK): streamed text, streamed tool calls, usage, and Azure OpenAI request shapes.
 *
 * The SSE frames are written by hand from the OpenAI API reference ("Create chat completion",
 * "The chat completion chunk object": `data: {…chat.completion.chunk…}` lines, tool call deltas
 * with `index`/`id`/`function.name`/`function.arguments`, the usage chunk with empty `choices`
 * sent when `stream_options.include_usage` is true, `data: [DONE]`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendReplay } from '../../../src/core/replay/client/sendReplay';
import type { ReplayStreamEvent } from '../../../src/model/replay';
import { sse, startStandIn, type StandIn } from './standIns';

const KEY = 'sk-test-0123456789abcdef';

const TEXT_STREAM = [
  'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":" there!"},"logprobs":null,"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n',
  'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":3,"total_tokens":1203,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n',
  'data: [DONE]\n\n',
];

const TOOL_STREAM = [
  'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"loc"}}]},"logprobs":null,"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ation\\": \\"Paris\\"}"}}]},"logprobs":null,"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_def","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"tz\\": \\"CET\\"}"}}]},"logprobs":null,"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}\n\n',
  'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":85,"completion_tokens":40,"total_tokens":125}}\n\n',
  'data: [DONE]\n\n',
];

const BODY = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Say hello' },
  ],
  temperature: 0.2,
  stream: false,
};

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(async () => {
  await server.close();
});

describe('sendReplay (openai kind) against a Chat Completions stand-in', () => {
  it('streams text, then resolves with text, finish reason, usage (cache-inclusive), response model and id', async () => {
    server.handle((_req, res) => sse(res, TEXT_STREAM));
    const events: ReplayStreamEvent[] = [];
    const result = await sendReplay({ kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY, body: BODY, onEvent: (e) => events.push(e), providerName: 'Stand-in' });

    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Hello there!');
    expect(result.toolCalls).toEqual([]);
    expect(result.finishReason).toBe('stop');
    expect(result.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(result.responseId).toBe('chatcmpl-123');
    expect(result.usage).toMatchObject({ inputTokens: 1200, outputTokens: 3, totalTokens: 1203, cacheReadTokens: 1024, reasoningTokens: 0 });
    expect(result.usage?.inputReading?.cache).toBe('included');
    expect(result.firstTokenMs).toBeGreaterThanOrEqual(0);
    expect(result.latencyMs).toBeGreaterThanOrEqual(result.firstTokenMs ?? 0);

    expect(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta)).toEqual(['Hello', ' there!']);
    expect(events.at(-1)).toEqual({ type: 'done', result });
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);

    const req = server.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, messages: BODY.messages, stream: true, stream_options: { include_usage: true } });
  });

  it('streams tool calls by index (id and name first, then argument pieces)', async () => {
    server.handle((_req, res) => sse(res, TOOL_STREAM));
    const events: ReplayStreamEvent[] = [];
    const result = await sendReplay({ kind: 'openai', baseUrl: `${server.url}/v1/`, apiKey: KEY, body: BODY, onEvent: (e) => events.push(e) });

    expect(result.error).toBeUndefined();
    expect(result.text).toBe('');
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: 'call_abc', name: 'get_weather', arguments: '{"location": "Paris"}' },
      { id: 'call_def', name: 'get_time', arguments: '{"tz": "CET"}' },
    ]);
    expect(events.filter((e) => e.type === 'tool_call')).toEqual([
      { type: 'tool_call', index: 0, id: 'call_abc', name: 'get_weather', argumentsDelta: '' },
      { type: 'tool_call', index: 0, argumentsDelta: '{"loc' },
      { type: 'tool_call', index: 0, argumentsDelta: 'ation": "Paris"}' },
      { type: 'tool_call', index: 1, id: 'call_def', name: 'get_time', argumentsDelta: '' },
      { type: 'tool_call', index: 1, argumentsDelta: '{"tz": "CET"}' },
    ]);
    expect(result.usage).toEqual({ inputTokens: 85, outputTokens: 40, totalTokens: 125 });
  });

  it('keyless local servers (Ollama, LM Studio, vLLM) get a placeholder key, never an environment key', async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-from-the-environment-must-not-be-sent';
    try {
      server.handle((_req, res) => sse(res, TEXT_STREAM));
      const result = await sendReplay({ kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: '', body: BODY });
      expect(result.error).toBeUndefined();
      expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer no-key');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });
});

/** A `fetch` that records the request and answers with the text stream (for hosts that cannot be served locally). */
function recordingFetch(seen: { url: string; headers: Headers }[]): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    seen.push({ url, headers: new Headers(init?.headers) });
    return new Response(TEXT_STREAM.join(''), { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}

describe('Azure OpenAI base URLs (learn.microsoft.com: deployments API with api-version and api-key; v1 API)', () => {
  it('resource root → AzureOpenAI: /openai/deployments/{model}/chat/completions?api-version=…, key in api-key', async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const result = await sendReplay({ kind: 'openai', baseUrl: 'https://myres.openai.azure.com', apiKey: KEY, body: { ...BODY, model: 'gpt4o-deploy' }, fetch: recordingFetch(seen) });
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Hello there!');
    expect(seen[0]!.url).toBe('https://myres.openai.azure.com/openai/deployments/gpt4o-deploy/chat/completions?api-version=2024-10-21');
    expect(seen[0]!.headers.get('api-key')).toBe(KEY);
    expect(seen[0]!.headers.get('authorization')).toBeNull();
  });

  it('a deployment URL with its own api-version keeps both', async () => {
    const seen: { url: string; headers: Headers }[] = [];
    await sendReplay({ kind: 'openai', baseUrl: 'https://myres.openai.azure.com/openai/deployments/prod-4o?api-version=2025-04-01-preview', apiKey: KEY, body: BODY, fetch: recordingFetch(seen) });
    expect(seen[0]!.url).toBe('https://myres.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2025-04-01-preview');
  });

  it('the v1 API (/openai/v1) → the plain client, no api-version', async () => {
    const seen: { url: string; headers: Headers }[] = [];
    await sendReplay({ kind: 'openai', baseUrl: 'https://myres.openai.azure.com/openai/v1/', apiKey: KEY, body: BODY, fetch: recordingFetch(seen) });
    expect(seen[0]!.url).toBe('https://myres.openai.azure.com/openai/v1/chat/completions');
    expect(seen[0]!.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(seen[0]!.headers.get('api-key')).toBe(KEY);
  });
});
