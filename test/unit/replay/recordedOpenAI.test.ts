/**
 * The recorded-response server against the real `openai` SDK (Chat Completions): JSON and
 * streaming answers as the SDK parses them, a tool-call round trip, divergence, routes and limits.
 * Recorded calls are built by hand from the API's documented shapes (recordedSupport.ts); expected
 * values are the recorded ones as the OpenAI API reference defines the fields.
 */
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { startRecordedServer, type RecordedServer, type RecordedServerOptions } from '../../../src/core/replay/recorded/server';
import { divergenceReport } from '../../../src/core/replay/recorded/report';
import { ANSWER, OPENAI_TOOLS, QUESTION, SYSTEM, WEATHER, openAICalls } from './recordedSupport';

let server: RecordedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<RecordedServerOptions> = {}): Promise<RecordedServer> {
  server = await startRecordedServer({ calls: openAICalls(), port: 0, ...options });
  return server;
}

function client(baseURL: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-app-placeholder', baseURL });
}

const firstMessages = (): ChatCompletionMessageParam[] => [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: QUESTION },
];

/** The app's loop: call, run the tool, send the result back with the call's id, call again. */
async function weatherTurn(openai: OpenAI, question = QUESTION): Promise<{ answer: string | null; toolCallIds: string[] }> {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: question },
  ];
  const toolCallIds: string[] = [];
  for (let turn = 0; turn < 4; turn++) {
    const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: OPENAI_TOOLS, temperature: 0.2 });
    const message = completion.choices[0]!.message;
    messages.push(message);
    if (!message.tool_calls?.length) return { answer: message.content, toolCallIds };
    for (const call of message.tool_calls) {
      if (call.type !== 'function') continue;
      toolCallIds.push(call.id);
      messages.push({ role: 'tool', tool_call_id: call.id, content: WEATHER });
    }
  }
  throw new Error('no answer');
}

describe('recorded-response server: OpenAI Chat Completions through the openai SDK', () => {
  it('answers with the recorded tool call (id, name, JSON arguments, finish_reason, usage) and then the recorded answer', async () => {
    const s = await start();
    const openai = client(`${s.url}/v1`);
    const first = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: firstMessages(), tools: OPENAI_TOOLS });
    expect(first.id).toBe('chatcmpl-weather-1');
    expect(first.object).toBe('chat.completion');
    expect(first.model).toBe('gpt-4o-mini-2024-07-18');
    expect(first.choices).toHaveLength(1);
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(first.choices[0]!.message.content).toBeNull();
    expect(first.choices[0]!.message.tool_calls).toEqual([{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(first.usage).toMatchObject({ prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 });

    const second = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [...firstMessages(), first.choices[0]!.message, { role: 'tool', tool_call_id: 'call_weather_1', content: WEATHER }],
      tools: OPENAI_TOOLS,
    });
    expect(second.choices[0]!.message.content).toBe(ANSWER);
    expect(second.choices[0]!.finish_reason).toBe('stop');
    // prompt_tokens includes the cached tokens (OpenAI usage object).
    expect(second.usage).toMatchObject({ prompt_tokens: 71, completion_tokens: 12, total_tokens: 83, prompt_tokens_details: { cached_tokens: 32 } });

    expect(s.served()).toEqual([
      { requestIndex: 0, api: 'openai', model: 'gpt-4o-mini', comparedCallIndex: 0, matchedCallIndex: 0, match: 'position', servedFrom: 'recording', differences: [], status: 200, streamed: false },
      { requestIndex: 1, api: 'openai', model: 'gpt-4o-mini', comparedCallIndex: 1, matchedCallIndex: 1, match: 'position', servedFrom: 'recording', differences: [], status: 200, streamed: false },
    ]);
  });

  it('serves the whole agent loop with the base URL with or without /v1', async () => {
    for (const suffix of ['/v1', '']) {
      const s = await start();
      const result = await weatherTurn(client(`${s.url}${suffix}`));
      expect(result).toEqual({ answer: ANSWER, toolCallIds: ['call_weather_1'] });
      expect(s.served().map((r) => [r.matchedCallIndex, r.match])).toEqual([
        [0, 'position'],
        [1, 'position'],
      ]);
      await s.close();
    }
  });

  it('streams chat.completion.chunk events the SDK helper assembles (chat.completions.stream)', async () => {
    const s = await start();
    const openai = client(`${s.url}/v1`);
    const stream = openai.chat.completions.stream({ model: 'gpt-4o-mini', messages: firstMessages(), tools: OPENAI_TOOLS });
    const argumentDeltas: string[] = [];
    stream.on('tool_calls.function.arguments.delta', (e) => argumentDeltas.push(e.arguments_delta));
    const first = await stream.finalChatCompletion();
    expect(first.choices[0]!.message.tool_calls).toEqual([{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(argumentDeltas.join('')).toBe('{"city":"Paris"}');
    expect(argumentDeltas.length).toBeGreaterThan(1);

    const textStream = openai.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [...firstMessages(), { role: 'assistant', content: null, tool_calls: first.choices[0]!.message.tool_calls }, { role: 'tool', tool_call_id: 'call_weather_1', content: WEATHER }],
      tools: OPENAI_TOOLS,
    });
    const deltas: string[] = [];
    textStream.on('content', (delta) => deltas.push(delta));
    const second = await textStream.finalChatCompletion();
    expect(second.choices[0]!.message.content).toBe(ANSWER);
    expect(deltas.join('')).toBe(ANSWER);
    expect(deltas.length).toBeGreaterThan(1);
    expect(s.served().map((r) => [r.matchedCallIndex, r.streamed])).toEqual([
      [0, true],
      [1, true],
    ]);
  });

  it('create({stream: true}) with stream_options.include_usage: chunks, then a usage chunk with no choices', async () => {
    const s = await start({ calls: openAICalls().slice(1).map((c) => ({ ...c, index: 0 })) });
    const openai = client(`${s.url}/v1`);
    const chunks = [];
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        ...firstMessages(),
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_weather_1', content: WEATHER },
      ],
    });
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === 'chatcmpl-weather-2')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(ANSWER);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const withFinish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(withFinish.map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 71, completion_tokens: 12, total_tokens: 83, prompt_tokens_details: { cached_tokens: 32 } });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('a diverging re-run gets a 400 the SDK surfaces with the differences (no retry), and the report says what differs', async () => {
    const s = await start();
    const openai = client(`${s.url}/v1`);
    const error = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'What is the weather in Lyon?' }] })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.status).toBe(400);
    expect(bad.message).toContain("message 1 (user): text differs: 'Paris' → 'Lyon'");
    expect(bad.message).toContain('model gpt-4o-mini → gpt-4o');
    expect(bad.code).toBe('trace_lens_replay_divergence');
    const served = s.served();
    expect(served).toHaveLength(1); // 400 is not retried (409 would be)
    expect(served[0]).toMatchObject({ match: 'none', servedFrom: 'error', status: 400, comparedCallIndex: 0 });
    expect(served[0]!.matchedCallIndex).toBeUndefined();
    expect(served[0]!.differences).toEqual(['model gpt-4o-mini → gpt-4o', "message 1 (user): text differs: 'Paris' → 'Lyon'", 'tools offered differ (not used for matching): − get_weather']);

    const report = divergenceReport(served, openAICalls());
    expect(report).toContain('1 model request: 0 answered from the recording, 0 live, 1 error.');
    expect(report).toContain('The re-run diverged from the start');
    expect(report).toContain("- message 1 (user): text differs: 'Paris' → 'Lyon'");
    expect(report).toContain('**Request 0** (compared with recorded call 0 `chat gpt-4o-mini`)');
    expect(report).toContain('## Recorded calls not requested\n\n- recorded call 1 `chat gpt-4o-mini` (gpt-4o-mini)');
  });

  it("onDivergence 'closest' serves the call expected at the position anyway, marked as no match", async () => {
    const s = await start({ onDivergence: 'closest' });
    const result = await weatherTurn(client(`${s.url}/v1`), 'What is the weather in Lyon?');
    expect(result.answer).toBe(ANSWER);
    const served = s.served();
    expect(served.map((r) => [r.match, r.matchedCallIndex, r.servedFrom])).toEqual([
      ['none', 0, 'recording'],
      ['none', 1, 'recording'],
    ]);
    expect(served[1]!.differences).toEqual(["message 1 (user): text differs: 'Paris' → 'Lyon'"]);
  });

  it('a request past the recording is a divergence naming the recording size', async () => {
    const s = await start();
    const openai = client(`${s.url}/v1`);
    await weatherTurn(openai);
    const error = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: firstMessages() }, { maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('no recorded call at this position: the recording has 2 model calls');
  });

  it('GET /v1/models lists the recorded models; other paths are 404 in the OpenAI error shape', async () => {
    const s = await start();
    const openai = client(`${s.url}/v1`);
    const models = [];
    for await (const m of openai.models.list()) models.push(m.id);
    expect(models).toEqual(['gpt-4o-mini', 'gpt-4o-mini-2024-07-18']);
    const error = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ type: 'not_found_error', message: expect.stringContaining('POST /v1/embeddings') });
    expect(s.served()).toEqual([]);
  });

  it('bodies past the limit get 413; malformed JSON 400; a web page (Origin) or a foreign Host 403', async () => {
    const s = await start({ maxBodyBytes: 1024 });
    const big = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(2000) }] }) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toContain('larger than 1024 bytes');
    const bad = await fetch(`${s.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
    expect(bad.status).toBe(400);
    const page = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'https://evil.example' }, body: '{}' });
    expect(page.status).toBe(403);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: s.port, path: '/v1/models', headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.end();
    });
    expect(status).toBe(403);
    expect(s.served().map((r) => [r.status, r.servedFrom])).toEqual([
      [413, 'error'],
      [400, 'error'],
    ]);
  });

  it('onServed fires once per answered request; close() stops the server', async () => {
    const s = await start();
    const seen: number[] = [];
    const sub = s.onServed((r) => seen.push(r.requestIndex));
    await weatherTurn(client(`${s.url}/v1`));
    sub.dispose();
    expect(seen).toEqual([0, 1]);
    await s.close();
    await expect(fetch(`${s.url}/v1/models`)).rejects.toThrow();
  });
});
