/**
 * Replay request → provider request body, and back: the OpenAI Chat Completions and Anthropic
 * Messages bodies checked against the shapes of the providers' API references (OpenAI
 * "Create chat completion"; Anthropic "Messages"), round trips body → parse → the same messages
 * for every fixture's calls, and the bodies sent by the official SDKs (`openai`,
 * `@anthropic-ai/sdk`) to a local stand-in, which must receive them unchanged.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedCallsOf, replayRequestForSpan } from '../../../src/core/replay/recordedCalls';
import { DEFAULT_ANTHROPIC_MAX_TOKENS, anthropicRequestBody, parseAnthropicRequest } from '../../../src/core/replay/wire/anthropicRequest';
import { openaiRequestBody, parseOpenAIRequest } from '../../../src/core/replay/wire/openaiRequest';
import type { ParsedProviderRequest } from '../../../src/core/replay/wire/common';
import type { ReplayRequest } from '../../../src/model/replay';
import { GENAI_FIXTURES, genai, loadLogs, loadSpans, normalizeAll } from '../../support/genai';
import { callSpansOf, lines } from './support';

const PNG_URI = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

/** A request with every feature the wires map (written by hand, as a recording would give it). */
function richRequest(kind: 'openai' | 'anthropic'): ReplayRequest {
  return {
    source: { traceId: 't', spanId: 's', spanName: 'chat', conventions: ['otel-genai'] },
    kind,
    model: kind === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-5',
    system: [{ type: 'text', content: 'You are terse.' }],
    messages: [
      { role: 'user', parts: [{ type: 'text', content: 'Weather here?' }, { type: 'media', modality: 'image', mimeType: 'image/png', dataUri: PNG_URI }, { type: 'media', modality: 'image', uri: 'https://example.com/a.jpg' }] },
      { role: 'assistant', parts: [{ type: 'reasoning', content: 'Need the tool.' }, { type: 'text', content: 'Checking.' }, { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { temperature_c: 18 } }] },
      { role: 'user', parts: [{ type: 'text', content: 'Thanks' }] },
    ],
    tools: [{ name: 'get_weather', description: 'Weather for a city', parameters: SCHEMA }],
    toolChoice: { type: 'function', function: { name: 'get_weather' } },
    responseFormat: { type: 'json_schema', json_schema: { name: 'weather', schema: SCHEMA } },
    parameters: { temperature: 0.2, top_p: 0.9, max_tokens: 300, stop_sequences: ['END'], seed: 1, top_k: 40, 'choice.count': 1 },
    missing: [],
    original: { output: [] },
  };
}

describe('OpenAI Chat Completions body', () => {
  it('maps system, user parts, assistant tool calls, tool results, tools, choice, format and parameters', () => {
    const { body, gaps } = openaiRequestBody(richRequest('openai'));
    expect(body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: PNG_URI } }, { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } }] },
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature_c":18}' },
        { role: 'user', content: 'Thanks' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 300,
      stop: ['END'],
      seed: 1,
      n: 1,
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: SCHEMA } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: SCHEMA } },
    });
    expect(gaps.map((g) => g.field).sort()).toEqual(['parameters', 'reasoning']); // top_k; the reasoning part
    expect(gaps.find((g) => g.field === 'parameters')!.note).toContain('top_k');
  });

  it('o-series and GPT-5 models take max_completion_tokens; streaming asks for usage in the last chunk', () => {
    const { body } = openaiRequestBody(richRequest('openai'), { model: 'o4-mini', stream: true });
    expect(body.max_completion_tokens).toBe(300);
    expect(body.max_tokens).toBeUndefined();
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(openaiRequestBody(richRequest('openai'), { model: 'gpt-5-mini' }).body.max_completion_tokens).toBe(300);
  });

  it('translates an Anthropic tool choice and leaves Anthropic settings out with a gap', () => {
    const r = { ...richRequest('openai'), toolChoice: { type: 'any', disable_parallel_tool_use: true }, providerParameters: { thinking: { type: 'enabled', budget_tokens: 1024 } }, providerParametersKind: 'anthropic' as const };
    const { body, gaps } = openaiRequestBody(r);
    expect(body.tool_choice).toBe('required');
    expect(body.parallel_tool_calls).toBe(false);
    expect(body.thinking).toBeUndefined();
    expect(gaps.some((g) => g.note.includes('thinking'))).toBe(true);
  });
});

describe('Anthropic Messages body', () => {
  it('maps system, alternating turns with tool_use / tool_result blocks, tools with input_schema, choice and parameters', () => {
    const { body, gaps } = anthropicRequestBody(richRequest('anthropic'));
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'You are terse.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_URI.split(',')[1] } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '{"temperature_c":18}' }, { type: 'text', text: 'Thanks' }] },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      top_k: 40,
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: SCHEMA }],
      tool_choice: { type: 'tool', name: 'get_weather' },
      output_config: { format: { type: 'json_schema', schema: SCHEMA } },
    });
    const notes = gaps.map((g) => `${g.field}: ${g.note}`);
    expect(notes.filter((n) => n.startsWith('parameters')).join(' ')).toMatch(/seed.*choice\.count/);
    expect(notes.some((n) => n.startsWith('reasoning') && n.includes('signature'))).toBe(true);
  });

  it('max_tokens is required: the default when not recorded, flagged', () => {
    const r = richRequest('anthropic');
    delete r.parameters.max_tokens;
    const { body, gaps } = anthropicRequestBody(r);
    expect(body.max_tokens).toBe(DEFAULT_ANTHROPIC_MAX_TOKENS);
    expect(gaps.find((g) => g.field === 'max_tokens')?.note).toContain(String(DEFAULT_ANTHROPIC_MAX_TOKENS));
  });

  it('merges consecutive tool results into the user turn after the tool calls; sends Anthropic settings of an Anthropic recording', () => {
    const r: ReplayRequest = {
      ...richRequest('anthropic'),
      system: undefined,
      messages: [
        { role: 'user', parts: [{ type: 'text', content: 'go' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'a', name: 'x', arguments: { n: 1 } }, { type: 'tool_call', id: 'b', name: 'y' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'a', response: [{ type: 'text', text: 'A' }] }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'b', response: 'B' }] },
      ],
      toolChoice: 'auto',
      parameters: { max_tokens: 10, parallel_tool_calls: false },
      providerParameters: { thinking: { type: 'enabled', budget_tokens: 1024 }, logit_bias: {} },
      providerParametersKind: 'anthropic',
      responseFormat: { type: 'json_object' },
    };
    const { body, gaps } = anthropicRequestBody(r);
    expect(body.system).toBeUndefined();
    expect(body.messages).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'x', input: { n: 1 } }, { type: 'tool_use', id: 'b', name: 'y', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'text', text: 'A' }] }, { type: 'tool_result', tool_use_id: 'b', content: 'B' }] },
    ]);
    expect(body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body.logit_bias).toBeUndefined();
    expect(body.output_config).toBeUndefined();
    expect(gaps.map((g) => g.field).sort()).toEqual(['parameters', 'responseFormat']);
  });
});

/** Every fixture call's request (all conventions we normalize). */
function fixtureRequests(): { name: string; request: ReplayRequest }[] {
  const out: { name: string; request: ReplayRequest }[] = [];
  for (const file of readdirSync(GENAI_FIXTURES).filter((f) => f.endsWith('.otlp.json') && !f.endsWith('.logs.otlp.json'))) {
    const logs = file === 'spec-otel-genai-events.otlp.json' ? loadLogs(genai('spec-otel-genai-events.logs.otlp.json')) : [];
    const spans = callSpansOf(normalizeAll(loadSpans(genai(file)), logs));
    for (const s of spans) if (s.view?.kind === 'llm') out.push({ name: `${file} ${s.name}`, request: replayRequestForSpan(spans, s.spanId)!.request });
  }
  return out;
}

describe('round trip: request → body → parse → the same messages, system and tools', () => {
  const all = fixtureRequests();
  it('covers the fixtures of every convention', () => {
    expect(all.length).toBeGreaterThanOrEqual(30);
  });
  for (const [api, toBody, parse] of [
    ['OpenAI', (r: ReplayRequest) => openaiRequestBody(r).body, parseOpenAIRequest],
    ['Anthropic', (r: ReplayRequest) => anthropicRequestBody(r).body, parseAnthropicRequest],
  ] as const) {
    it(`${api}: every fixture call`, () => {
      for (const { name, request } of all) {
        const body = JSON.parse(JSON.stringify(toBody(request))) as unknown;
        const parsed = parse(body) as ParsedProviderRequest;
        expect(lines(parsed.messages), name).toEqual(lines(request.messages));
        expect(lines([{ role: 'system', parts: parsed.system ?? [] }]), name).toEqual(lines([{ role: 'system', parts: request.system ?? [] }]));
        expect(parsed.tools.map((t) => t.name), name).toEqual(request.tools.map((t) => t.name));
        expect(parsed.model, name).toBe(request.model);
      }
    });
  }

  it('parse rejects what is not a request body, with a reason', () => {
    expect(parseOpenAIRequest('x')).toEqual({ error: expect.stringContaining('not a JSON object') });
    expect(parseAnthropicRequest({ model: 'm' })).toEqual({ error: expect.stringContaining('no messages') });
  });

  it('parse reads an app request as the SDKs send it (OpenAI)', () => {
    const parsed = parseOpenAIRequest({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'R' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    }) as ParsedProviderRequest;
    expect(parsed).toMatchObject({ model: 'gpt-4o-mini', stream: true, parameters: { temperature: 0 }, system: [{ type: 'text', content: 'S' }], tools: [{ name: 'f', parameters: { type: 'object' } }] });
    expect(lines(parsed.messages)).toEqual(['user: Q', 'assistant: call f#c1 {}', 'tool: result#c1 R']);
  });
});

describe('the official SDKs send the bodies unchanged to a stand-in', () => {
  let server: Server;
  let base: string;
  const received: { path: string; body: unknown }[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.setHeader('content-type', 'application/json');
        if (req.url?.endsWith('/chat/completions')) {
          res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
        } else {
          res.end(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('openai: chat.completions.create', async () => {
    const { body } = openaiRequestBody(richRequest('openai'));
    const client = new OpenAI({ apiKey: 'test-key', baseURL: `${base}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
    expect(completion.choices[0]!.message.content).toBe('ok');
    expect(received.at(-1)).toEqual({ path: '/v1/chat/completions', body: JSON.parse(JSON.stringify(body)) });
  });

  it('anthropic: messages.create', async () => {
    const { body } = anthropicRequestBody(richRequest('anthropic'));
    const client = new Anthropic({ apiKey: 'test-key', baseURL: base, maxRetries: 0 });
    const message = await client.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming);
    expect(message.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(received.at(-1)).toEqual({ path: '/v1/messages', body: JSON.parse(JSON.stringify(body)) });
  });

  it('recorded calls of a fixture send through both SDKs (the demo-like OpenAI run and the Anthropic run)', async () => {
    const spans = callSpansOf(normalizeAll(loadSpans(genai('anthropic-openinference.otlp.json'))));
    const call = recordedCallsOf(spans)[1]!;
    const request = replayRequestForSpan(spans, call.spanId)!.request;
    const client = new Anthropic({ apiKey: 'k', baseURL: base, maxRetries: 0 });
    await client.messages.create(anthropicRequestBody(request).body as unknown as Anthropic.MessageCreateParamsNonStreaming);
    const sent = received.at(-1)!.body as { messages: { role: string }[]; system: string };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.system).toContain('You are a helpful weather assistant.');
  });
});
