/**
 * The recorded-response server against the real `@anthropic-ai/sdk` (Messages API): the `message`
 * object and the SSE event sequence as the SDK parses them, a tool_use round trip, errors in the
 * Anthropic shape, and a call recorded from OpenAI served to an Anthropic client. Expected values
 * follow the Messages API reference (usage.input_tokens is the uncached part).
 */
import { afterEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { startRecordedServer, type RecordedServer } from '../../../src/core/replay/recorded/server';
import { ANSWER, QUESTION, SYSTEM, WEATHER, anthropicCalls, openAICalls } from './recordedSupport';

let server: RecordedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOOLS = [{ name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } }];

function client(baseURL: string): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-app-placeholder', baseURL });
}

function followUp(first: Anthropic.Message): MessageParam[] {
  const toolUse = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
  return [
    { role: 'user', content: QUESTION },
    { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: WEATHER }] },
  ];
}

describe('recorded-response server: Anthropic Messages through @anthropic-ai/sdk', () => {
  it('answers with the recorded text + tool_use blocks, stop_reason and usage, then the recorded answer after the tool_result', async () => {
    server = await startRecordedServer({ calls: anthropicCalls() });
    const anthropic = client(server.url);
    const first = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, system: SYSTEM, tools: TOOLS, messages: [{ role: 'user', content: QUESTION }] });
    expect(first.id).toBe('msg_weather_1');
    expect(first.type).toBe('message');
    expect(first.role).toBe('assistant');
    expect(first.model).toBe('claude-sonnet-4-5-20250929');
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Let me check.', citations: null },
      { type: 'tool_use', id: 'toolu_weather_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    // Messages API: input_tokens excludes cache reads and writes (1825 − 1800).
    expect(first.usage).toEqual({ input_tokens: 25, output_tokens: 40, cache_creation_input_tokens: 1800, cache_read_input_tokens: 0 });

    const second = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }], tools: TOOLS, messages: followUp(first) });
    expect(second.content).toEqual([{ type: 'text', text: ANSWER, citations: null }]);
    expect(second.stop_reason).toBe('end_turn');
    expect(second.usage).toEqual({ input_tokens: 60, output_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 1800 });
    expect(server.served().map((r) => [r.api, r.matchedCallIndex, r.match, r.differences])).toEqual([
      ['anthropic', 0, 'position', []],
      ['anthropic', 1, 'position', []],
    ]);
  });

  it('messages.stream: the SDK assembles the same message from message_start … message_stop', async () => {
    server = await startRecordedServer({ calls: anthropicCalls() });
    const anthropic = client(server.url);
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 1024, system: SYSTEM, tools: TOOLS, messages: [{ role: 'user', content: QUESTION }] });
    const inputJson: string[] = [];
    stream.on('inputJson', (delta) => inputJson.push(delta));
    const first = await stream.finalMessage();
    expect(first.content).toEqual([
      { type: 'text', text: 'Let me check.', citations: null },
      { type: 'tool_use', id: 'toolu_weather_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.usage).toMatchObject({ input_tokens: 25, output_tokens: 40, cache_creation_input_tokens: 1800, cache_read_input_tokens: 0 });
    expect(inputJson.join('')).toBe('{"city":"Paris"}');

    const texts: string[] = [];
    const second = anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 1024, system: SYSTEM, tools: TOOLS, messages: followUp(first) });
    second.on('text', (t) => texts.push(t));
    const final = await second.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: ANSWER, citations: null }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(texts.join('')).toBe(ANSWER);
    expect(texts.length).toBeGreaterThan(1);
    expect(server.served().map((r) => r.streamed)).toEqual([true, true]);
  });

  it('create({stream: true}) yields the documented event order', async () => {
    server = await startRecordedServer({ calls: anthropicCalls() });
    const stream = await client(server.url).messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, system: SYSTEM, messages: [{ role: 'user', content: QUESTION }], stream: true });
    const types: string[] = [];
    for await (const event of stream) if (types[types.length - 1] !== event.type || event.type !== 'content_block_delta') types.push(event.type);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('a call recorded from OpenAI is served to an Anthropic client (tool_calls → tool_use, finish_reason → stop_reason)', async () => {
    server = await startRecordedServer({ calls: openAICalls() });
    const anthropic = client(server.url);
    const first = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 200, system: SYSTEM, messages: [{ role: 'user', content: QUESTION }] });
    expect(first.content).toEqual([{ type: 'tool_use', id: 'call_weather_1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(first.stop_reason).toBe('tool_use');
    const second = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 200, system: SYSTEM, messages: followUp(first) });
    expect(second.content).toEqual([{ type: 'text', text: ANSWER, citations: null }]);
    // 71 prompt tokens of which 32 cached → 39 uncached.
    expect(second.usage).toMatchObject({ input_tokens: 39, cache_read_input_tokens: 32, output_tokens: 12 });
  });

  it('a diverging request and an unknown route come back as Anthropic errors the SDK types', async () => {
    server = await startRecordedServer({ calls: anthropicCalls() });
    const anthropic = client(server.url);
    const bad = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, system: SYSTEM, messages: [{ role: 'user', content: 'Weather in Lyon?' }] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bad as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining("text differs: 'What is the weather in Paris' → 'Weather in Lyon'") } });
    const missing = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const models = await anthropic.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929']);
  });
});
