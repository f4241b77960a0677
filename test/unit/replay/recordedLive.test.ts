/**
 * Live forwarding of the recorded-response server against local stand-ins of the providers that
 * count what reaches them: after the chosen call, on divergence by choice, streaming piped
 * through, and never when the run is fully recorded. The provider key reaches the stand-in in the
 * provider's header and nothing else (served requests, log lines, errors, report).
 */
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { startRecordedServer, type RecordedServer } from '../../../src/core/replay/recorded/server';
import { divergenceReport } from '../../../src/core/replay/recorded/report';
import { ANSWER, OPENAI_TOOLS, QUESTION, SYSTEM, WEATHER, anthropicCalls, openAICalls, startStandIn, type StandIn } from './recordedSupport';

const KEY = 'sk-live-SECRET-0123456789abcdef';
const ANT_KEY = 'sk-ant-live-SECRET-fedcba9876543210';
const LIVE_ANSWER = 'Live: it is 19°C and cloudy in Paris.';

let server: RecordedServer | undefined;
let standIn: StandIn | undefined;
afterEach(async () => {
  await server?.close();
  await standIn?.close();
  server = undefined;
  standIn = undefined;
});

/** An OpenAI-compatible stand-in: JSON or SSE (`stream: true`) with one answer. */
function openAIStandIn(): Promise<StandIn> {
  return startStandIn((request): { headers: Record<string, string>; body: string } => {
    const completion = { id: 'chatcmpl-live', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, message: { role: 'assistant', content: LIVE_ANSWER, refusal: null }, logprobs: null, finish_reason: 'stop' }], usage: { prompt_tokens: 70, completion_tokens: 11, total_tokens: 81 } };
    if (request.body.stream !== true) return { headers: { 'x-request-id': 'req_live_1' }, body: JSON.stringify(completion) };
    const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: 'chatcmpl-live', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    return { headers: { 'content-type': 'text/event-stream' }, body: `${chunk({ role: 'assistant', content: '' }, null)}${chunk({ content: LIVE_ANSWER }, null)}${chunk({}, 'stop')}data: [DONE]\n\n` };
  });
}

function log(): { lines: string[]; fn: (level: string, message: string) => void } {
  const lines: string[] = [];
  return { lines, fn: (level, message) => lines.push(`${level} ${message}`) };
}

async function weatherTurn(openai: OpenAI, stream = false): Promise<string | null> {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: QUESTION },
  ];
  for (let turn = 0; turn < 4; turn++) {
    const completion = stream
      ? await openai.chat.completions.stream({ model: 'gpt-4o-mini', messages, tools: OPENAI_TOOLS }).finalChatCompletion()
      : await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: OPENAI_TOOLS });
    const message = completion.choices[0]!.message;
    messages.push(message);
    if (!message.tool_calls?.length) return message.content;
    for (const call of message.tool_calls) messages.push({ role: 'tool', tool_call_id: call.id, content: WEATHER });
  }
  throw new Error('no answer');
}

describe('recorded-response server: live forwarding', () => {
  it('after the chosen call, requests go to the provider with its key (not the app\'s), and its answer comes back', async () => {
    standIn = await openAIStandIn();
    const logged = log();
    server = await startRecordedServer({ calls: openAICalls(), liveAfterIndex: 0, live: { kind: 'openai', baseUrl: `${standIn.url}/v1`, apiKey: KEY }, log: logged.fn });
    const answer = await weatherTurn(new OpenAI({ apiKey: 'sk-app-placeholder', baseURL: `${server.url}/v1` }));
    expect(answer).toBe(LIVE_ANSWER);
    expect(standIn.requests).toHaveLength(1);
    const upstream = standIn.requests[0]!;
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.stringify(upstream.headers)).not.toContain('sk-app-placeholder');
    // Forwarded as the app sent it: the recorded tool call id comes back in the tool message.
    expect(upstream.body.messages).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_weather_1', content: WEATHER },
    ]);
    const served = server.served();
    expect(served.map((r) => [r.servedFrom, r.matchedCallIndex, r.comparedCallIndex, r.match, r.status])).toEqual([
      ['recording', 0, 0, 'position', 200],
      ['live', undefined, 1, 'position', 200],
    ]);
    const everything = JSON.stringify(served) + logged.lines.join('\n') + divergenceReport(served, openAICalls());
    expect(everything).not.toContain(KEY);
    expect(logged.lines.length).toBe(2);
  });

  it('streams a live answer through unchanged', async () => {
    standIn = await openAIStandIn();
    server = await startRecordedServer({ calls: openAICalls(), liveAfterIndex: 0, live: { kind: 'openai', baseUrl: `${standIn.url}/v1`, apiKey: KEY } });
    const answer = await weatherTurn(new OpenAI({ apiKey: 'x', baseURL: `${server.url}/v1` }), true);
    expect(answer).toBe(LIVE_ANSWER);
    expect(standIn.requests.map((r) => r.body.stream)).toEqual([true]);
    expect(server.served().map((r) => [r.servedFrom, r.streamed])).toEqual([
      ['recording', true],
      ['live', true],
    ]);
  });

  it('no request reaches the provider when the run is fully recorded (live point at the last call), JSON or streamed', async () => {
    standIn = await openAIStandIn();
    for (const stream of [false, true]) {
      server = await startRecordedServer({ calls: openAICalls(), liveAfterIndex: 1, live: { kind: 'openai', baseUrl: `${standIn.url}/v1`, apiKey: KEY } });
      expect(await weatherTurn(new OpenAI({ apiKey: 'x', baseURL: `${server.url}/v1` }), stream)).toBe(ANSWER);
      expect(server.served().map((r) => r.servedFrom)).toEqual(['recording', 'recording']);
      await server.close();
    }
    expect(standIn.requests).toHaveLength(0);
  });

  it("onDivergence 'live' forwards only the request that matches nothing", async () => {
    standIn = await openAIStandIn();
    server = await startRecordedServer({ calls: openAICalls(), onDivergence: 'live', live: { kind: 'openai', baseUrl: `${standIn.url}/v1`, apiKey: KEY } });
    const openai = new OpenAI({ apiKey: 'x', baseURL: `${server.url}/v1` });
    const diverging = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Something else entirely' }] });
    expect(diverging.choices[0]!.message.content).toBe(LIVE_ANSWER);
    expect(standIn.requests).toHaveLength(1);
    expect(server.served()[0]).toMatchObject({ servedFrom: 'live', match: 'none', comparedCallIndex: 0 });
  });

  it('Anthropic: x-api-key and anthropic-version go to the provider, the answer comes back', async () => {
    standIn = await startStandIn(() => ({
      headers: { 'request-id': 'req_live_ant' },
      body: JSON.stringify({ id: 'msg_live', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: LIVE_ANSWER }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: 6 } }),
    }));
    server = await startRecordedServer({ calls: anthropicCalls(), liveAfterIndex: -1, live: { kind: 'anthropic', baseUrl: standIn.url, apiKey: ANT_KEY } });
    const message = await new Anthropic({ apiKey: 'sk-ant-app-placeholder', baseURL: server.url }).messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: QUESTION }] });
    expect(message.content).toEqual([{ type: 'text', text: LIVE_ANSWER }]);
    expect(standIn.requests[0]!.path).toBe('/v1/messages');
    expect(standIn.requests[0]!.headers['x-api-key']).toBe(ANT_KEY);
    expect(standIn.requests[0]!.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/); // the SDK's own version, passed on
    expect(standIn.requests[0]!.headers.authorization).toBeUndefined();
    // A client that sends its version and beta flags keeps them; one that sends none gets 2023-06-01.
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'app', 'anthropic-version': '2023-01-01', 'anthropic-beta': 'prompt-caching-2024-07-31' }, body });
    await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(standIn.requests.slice(1).map((r) => [r.headers['anthropic-version'], r.headers['anthropic-beta'], r.headers['x-api-key']])).toEqual([
      ['2023-01-01', 'prompt-caching-2024-07-31', ANT_KEY],
      ['2023-06-01', undefined, ANT_KEY],
    ]);
    expect(JSON.stringify(server.served())).not.toContain(ANT_KEY);
  });

  it('an unreachable provider is a 502 in the provider\'s shape, without the key anywhere', async () => {
    standIn = await openAIStandIn();
    const deadUrl = standIn.url;
    await standIn.close();
    standIn = undefined;
    const logged = log();
    server = await startRecordedServer({ calls: openAICalls(), liveAfterIndex: -1, live: { kind: 'openai', baseUrl: `${deadUrl}/v1`, apiKey: KEY }, log: logged.fn });
    const error = await new OpenAI({ apiKey: 'x', baseURL: `${server.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: QUESTION }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as Error).message).toContain('could not be reached');
    const served = server.served();
    expect(served[0]).toMatchObject({ servedFrom: 'error', status: 502 });
    const everything = (error as Error).message + JSON.stringify(served) + logged.lines.join('\n') + divergenceReport(served, openAICalls());
    expect(everything).not.toContain(KEY);
  });

  it('refuses to start live forwarding without a provider', async () => {
    await expect(startRecordedServer({ calls: openAICalls(), liveAfterIndex: 0 })).rejects.toThrow('options.live');
    await expect(startRecordedServer({ calls: openAICalls(), onDivergence: 'live' })).rejects.toThrow('options.live');
  });
});
