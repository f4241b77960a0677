/**
 * replayTraceRequest: the replay as its own OTLP/JSON trace. Proven by the project's own reading
 * path, not by inspecting our output: the JSON body goes through the OTLP JSON decoder
 * (src/core/otlp/decode), the span through normalizeSpan, and the call through the pricing —
 * and comes back as the same messages, tools, usage and a price equal to genai-prices' own
 * price of the raw provider usage (its extractor applied to the provider's usage object).
 */
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { decodeTraces } from '../../../src/core/otlp/decode';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { priceCall, priceInputFromView } from '../../../src/core/pricing/priceCall';
import { replayTraceRequest, unixNanoFromMs, type ReplayTraceInput } from '../../../src/core/replay/replayTrace';
import type { ReplayRequest, ReplayResult } from '../../../src/model/replay';
import type { SpanRecord } from '../../../src/model/trace';

const SOURCE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const AT_MS = Date.parse('2026-10-01T20:00:00Z');

const REQUEST: ReplayRequest = {
  source: { ...SOURCE, spanName: 'chat gpt-4o-mini', conventions: ['otel-genai'] },
  provider: 'openai',
  kind: 'openai',
  model: 'gpt-4o-mini',
  system: [{ type: 'text', content: 'You are a weather bot.' }],
  messages: [
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { location: 'Paris' } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy, 57°F' }] },
    { role: 'user', parts: [{ type: 'text', content: 'And tomorrow? Also the time.' }] },
  ],
  tools: [
    { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' }, days: { type: ['integer', 'null'], default: null } }, required: ['location'] } },
    { name: 'get_time', parameters: { type: 'object', properties: {} } },
  ],
  parameters: { temperature: 0.9, top_k: 3 },
  missing: [],
  original: { output: [] },
};

/** The Chat Completions body as sent (hand-written, OpenAI API reference "Create chat completion"). */
const OPENAI_BODY = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: '…' }],
  temperature: 0.3,
  max_completion_tokens: 256,
  stop: ['END'],
  seed: 7,
  top_p: 0.5,
  response_format: { type: 'json_object' },
  stream: true,
};

/** The usage object of the answer, as OpenAI reports it (the input to genai-prices' extractor). */
const OPENAI_USAGE = { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1024 } };

const OPENAI_RESULT: ReplayResult = {
  text: 'Checking both.',
  toolCalls: [
    { id: 'call_2', name: 'get_weather', arguments: '{"location":"Paris","days":1}' },
    { id: 'call_3', name: 'get_time', arguments: '{}' },
  ],
  finishReason: 'tool_calls',
  usage: { inputTokens: 1200, outputTokens: 40, totalTokens: 1240, cacheReadTokens: 1024 },
  responseModel: 'gpt-4o-mini-2024-07-18',
  responseId: 'chatcmpl-42',
  latencyMs: 900,
  firstTokenMs: 250,
};

function input(over: Partial<ReplayTraceInput> = {}): ReplayTraceInput {
  return {
    request: REQUEST,
    body: OPENAI_BODY,
    result: OPENAI_RESULT,
    providerName: 'My OpenAI',
    kind: 'openai',
    model: 'gpt-4o-mini',
    startTimeUnixNano: unixNanoFromMs(AT_MS),
    endTimeUnixNano: unixNanoFromMs(AT_MS + 900),
    ids: { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'bbbbbbbbbbbbbbbb' },
    baseUrl: 'https://api.openai.com/v1',
    ...over,
  };
}

/** Through the receiver's own decoder, as `POST /v1/traces` with `Content-Type: application/json` would be. */
function decodeOne(req: unknown): SpanRecord {
  const decoded = decodeTraces(new TextEncoder().encode(JSON.stringify(req)), 'json');
  if (!decoded.ok) throw new Error(decoded.message);
  expect(decoded.rejected).toBe(0);
  expect(decoded.items).toHaveLength(1);
  return decoded.items[0]!;
}

function libraryPrice(providerId: string, flavor: string, response: { model: string; usage: object }): number {
  const provider = findProvider({ providerId })!;
  const { usage } = extractUsage(provider, response, flavor);
  const r = calcPrice(usage, response.model, { providerId, timestamp: new Date(AT_MS) });
  if (!r) throw new Error('no price');
  return r.total_price;
}

describe('replayTraceRequest', () => {
  it('decodes as a CLIENT span `chat {model}` of service trace-lens-replay, linked to the source span', () => {
    const span = decodeOne(replayTraceRequest(input()));
    expect(span.traceId).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(span.spanId).toBe('bbbbbbbbbbbbbbbb');
    expect(span.parentSpanId).toBeNull();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe('client');
    expect(span.startTimeUnixNano).toBe('1790884800000000000');
    expect(span.endTimeUnixNano).toBe('1790884800900000000');
    expect(span.status.code).toBe('unset');
    expect(span.resource.attributes['service.name']).toBe('trace-lens-replay');
    expect(span.links).toHaveLength(1);
    expect(span.links[0]).toMatchObject({ traceId: SOURCE.traceId, spanId: SOURCE.spanId });
    expect(span.attributes).toMatchObject({
      'tracelens.replay.source_trace_id': SOURCE.traceId,
      'tracelens.replay.source_span_id': SOURCE.spanId,
      'tracelens.replay.provider': 'My OpenAI',
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      // As sent in the body, not as recorded (REQUEST.parameters.temperature is 0.9).
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.top_p': 0.5,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.stream': true,
      'gen_ai.output.type': 'json',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-42',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.response.time_to_first_chunk': 0.25,
      'server.address': 'api.openai.com',
      'server.port': 443,
    });
    expect(JSON.stringify(span.attributes)).not.toContain('api.openai.com/v1');
    // A recorded parameter the Chat Completions body does not carry (top_k) was not sent: not recorded.
    expect(span.attributes['gen_ai.request.top_k']).toBeUndefined();
  });

  it('normalizes back to the same system instructions, messages, tools, output, finish reasons and usage', () => {
    const view = normalizeSpan(decodeOne(replayTraceRequest(input())))!;
    expect(view.kind).toBe('llm');
    expect(view.conventions).toContain('otel-genai');
    expect(view.provider).toBe('openai');
    expect(view.requestModel).toBe('gpt-4o-mini');
    expect(view.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(view.systemInstructions).toEqual(REQUEST.system);
    expect(view.inputMessages).toEqual(REQUEST.messages);
    expect(view.outputMessages).toEqual([
      {
        role: 'assistant',
        finishReason: 'tool_call',
        parts: [
          { type: 'text', content: 'Checking both.' },
          { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: { location: 'Paris', days: 1 } },
          { type: 'tool_call', id: 'call_3', name: 'get_time', arguments: {} },
        ],
      },
    ]);
    expect(view.finishReasons).toEqual(['tool_calls']);
    expect(view.toolDefinitions).toEqual([
      { type: 'function', name: 'get_weather', description: 'Current weather', parameters: REQUEST.tools[0]!.parameters },
      { type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} } },
    ]);
    expect(view.usage).toMatchObject({ inputTokens: 1200, outputTokens: 40, cacheReadTokens: 1024 });
    expect(view.usage?.inputReading?.cache).toBe('included');
  });

  it('is priced like any model call: the same as genai-prices for the raw OpenAI usage', () => {
    const view = normalizeSpan(decodeOne(replayTraceRequest(input())))!;
    const cost = priceCall(priceInputFromView(view, new Date(AT_MS)));
    if (cost.status !== 'priced') throw new Error(`not priced: ${JSON.stringify(cost)}`);
    const expected = libraryPrice('openai', 'chat', { model: 'gpt-4o-mini-2024-07-18', usage: OPENAI_USAGE });
    expect(cost.costUsd).toBeCloseTo(expected, 10);
  });

  it('an Anthropic replay: cache reads and writes inside the input, priced as genai-prices prices the raw Anthropic usage', () => {
    const rawUsage = { input_tokens: 60, cache_creation_input_tokens: 200, cache_read_input_tokens: 1800, output_tokens: 15 };
    const result: ReplayResult = {
      text: 'It is 18°C and sunny in Paris.',
      toolCalls: [],
      finishReason: 'end_turn',
      // As the Anthropic client reports it (cache-inclusive input; src/model/genai.ts).
      usage: { inputTokens: 2060, outputTokens: 15, totalTokens: 2075, cacheReadTokens: 1800, cacheWriteTokens: 200 },
      responseModel: 'claude-sonnet-4-5-20250929',
      responseId: 'msg_1',
      latencyMs: 1200,
    };
    const anthropicBody = { model: 'claude-sonnet-4-5', max_tokens: 1024, temperature: 0, top_k: 5, stop_sequences: ['###'], messages: [] };
    const span = decodeOne(replayTraceRequest(input({ kind: 'anthropic', body: anthropicBody, result, model: 'claude-sonnet-4-5', baseUrl: 'https://api.anthropic.com', providerName: 'Anthropic' })));
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_k': 5,
      'gen_ai.request.stop_sequences': ['###'],
      'gen_ai.usage.input_tokens': 2060,
      'gen_ai.usage.cache_read.input_tokens': 1800,
      'gen_ai.usage.cache_write.input_tokens': 200,
      'gen_ai.usage.cache_creation.input_tokens': 200,
    });
    const view = normalizeSpan(span)!;
    expect(view.outputMessages?.[0]).toEqual({ role: 'assistant', finishReason: 'stop', parts: [{ type: 'text', content: result.text }] });
    expect(view.usage).toMatchObject({ inputTokens: 2060, outputTokens: 15, cacheReadTokens: 1800, cacheWriteTokens: 200 });
    const cost = priceCall(priceInputFromView(view, new Date(AT_MS)));
    if (cost.status !== 'priced') throw new Error(`not priced: ${JSON.stringify(cost)}`);
    expect(cost.costUsd).toBeCloseTo(libraryPrice('anthropic', 'default', { model: 'claude-sonnet-4-5-20250929', usage: rawUsage }), 10);
  });

  it('a failed replay: ERROR status with the message, error.type, finish reason `error`, partial output kept', () => {
    const result: ReplayResult = {
      text: 'Partial',
      toolCalls: [],
      latencyMs: 30,
      error: { kind: 'rate_limit', status: 429, retryAfterSeconds: 17, message: 'Provider "My OpenAI" is rate limiting requests (HTTP 429; retry after 17 s).' },
    };
    const span = decodeOne(replayTraceRequest(input({ result })));
    expect(span.status).toEqual({ code: 'error', message: result.error!.message });
    expect(span.attributes['error.type']).toBe('429');
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    const view = normalizeSpan(span)!;
    expect(view.outputMessages).toEqual([{ role: 'assistant', finishReason: 'error', parts: [{ type: 'text', content: 'Partial' }] }]);

    const timeout = decodeOne(replayTraceRequest(input({ result: { text: '', toolCalls: [], latencyMs: 5, error: { kind: 'timeout', message: 'No answer.' } } })));
    expect(timeout.attributes['error.type']).toBe('timeout');
    expect(timeout.attributes['gen_ai.output.messages']).toBeUndefined();
  });

  it('random ids are valid OTLP ids; local endpoints name their runtime as the provider', () => {
    const { ids: _ids, ...rest } = input();
    const req = replayTraceRequest({ ...rest, baseUrl: 'http://localhost:11434/v1', providerName: 'Ollama' });
    const span = decodeOne(req);
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.attributes['gen_ai.provider.name']).toBe('ollama');
    expect(span.attributes['server.address']).toBe('localhost');
    expect(span.attributes['server.port']).toBe(11434);
    // Local runtimes have no list price: unpriced with the local-provider reason, as for any Ollama span.
    const cost = priceCall(priceInputFromView(normalizeSpan(span)!, new Date(AT_MS)));
    expect(cost).toMatchObject({ status: 'unpriced', reason: 'local-provider' });
  });

  it('never writes base URL credentials', () => {
    const req = replayTraceRequest(input({ baseUrl: 'https://user:s3cret-pass@proxy.example.com:8443/v1?key=abc123secret' }));
    const text = JSON.stringify(req);
    expect(text).not.toContain('s3cret-pass');
    expect(text).not.toContain('abc123secret');
    expect(decodeOne(req).attributes).toMatchObject({ 'server.address': 'proxy.example.com', 'server.port': 8443 });
  });

  it('unixNanoFromMs keeps the sub-millisecond part (beyond 2^53 ns, so as a decimal string)', () => {
    expect(unixNanoFromMs(1_700_000_000_123.25)).toBe('1700000000123250000');
    expect(unixNanoFromMs(0)).toBe('0');
  });
});
