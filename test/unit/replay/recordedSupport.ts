/**
 * Shared pieces of the recorded-response server tests: recorded calls built by hand from the
 * providers' documented shapes (the weather turn of test/fixtures/genai/README.md), recorded calls
 * from a normalized fixture, the capture scripts' own agent turns, and a stand-in provider that
 * counts what reaches it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GenAiSpanView } from '../../../src/model/genai';
import type { RecordedCall } from '../../../src/model/replay';
import type { SpanId } from '../../../src/model/ids';
import { GENAI_FIXTURES } from '../../support/genai';

export const SYSTEM = 'You are a helpful weather assistant.';
export const QUESTION = 'What is the weather in Paris?';
export const ANSWER = 'It is 18°C and sunny in Paris.';
export const WEATHER = '{"city":"Paris","temperature_c":18,"condition":"sunny"}';

export const OPENAI_TOOLS = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];

/** The OpenAI weather turn as recorded: call 0 asks for get_weather (id `call_weather_1`), call 1 answers. */
export function openAICalls(): RecordedCall[] {
  const toolCall = { type: 'tool_call' as const, id: 'call_weather_1', name: 'get_weather', arguments: '{"city":"Paris"}' };
  return [
    {
      index: 0,
      spanId: 'aaaaaaaaaaaaaaa1' as SpanId,
      spanName: 'chat gpt-4o-mini',
      provider: 'openai',
      kind: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      system: [{ type: 'text', content: SYSTEM }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: QUESTION }] }],
      outputMessages: [{ role: 'assistant', parts: [toolCall], finishReason: 'tool_calls' }],
      finishReasons: ['tool_calls'],
      usage: { inputTokens: 42, outputTokens: 17, totalTokens: 59 },
      responseId: 'chatcmpl-weather-1',
      toolNames: ['get_weather'],
    },
    {
      index: 1,
      spanId: 'aaaaaaaaaaaaaaa2' as SpanId,
      spanName: 'chat gpt-4o-mini',
      provider: 'openai',
      kind: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      system: [{ type: 'text', content: SYSTEM }],
      inputMessages: [
        { role: 'user', parts: [{ type: 'text', content: QUESTION }] },
        { role: 'assistant', parts: [toolCall] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_weather_1', response: WEATHER }] },
      ],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }], finishReason: 'stop' }],
      finishReasons: ['stop'],
      usage: { inputTokens: 71, outputTokens: 12, totalTokens: 83, cacheReadTokens: 32 },
      responseId: 'chatcmpl-weather-2',
      toolNames: ['get_weather'],
    },
  ];
}

/**
 * The Anthropic weather turn as recorded (usage cache-inclusive as `GenAiUsage` holds it: the API
 * reported input_tokens 25 + cache_creation 1800 = 1825, then 60 + cache_read 1800 = 1860).
 */
export function anthropicCalls(): RecordedCall[] {
  const toolUse = { type: 'tool_call' as const, id: 'toolu_weather_1', name: 'get_weather', arguments: { city: 'Paris' } };
  return [
    {
      index: 0,
      spanId: 'bbbbbbbbbbbbbbb1' as SpanId,
      spanName: 'chat claude-sonnet-4-5',
      provider: 'anthropic',
      kind: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5-20250929',
      system: [{ type: 'text', content: SYSTEM }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: QUESTION }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Let me check.' }, toolUse] }],
      finishReasons: ['tool_use'],
      usage: { inputTokens: 1825, outputTokens: 40, cacheWriteTokens: 1800, cacheReadTokens: 0 },
      responseId: 'msg_weather_1',
      toolNames: ['get_weather'],
    },
    {
      index: 1,
      spanId: 'bbbbbbbbbbbbbbb2' as SpanId,
      spanName: 'chat claude-sonnet-4-5',
      provider: 'anthropic',
      kind: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5-20250929',
      system: [{ type: 'text', content: SYSTEM }],
      inputMessages: [
        { role: 'user', parts: [{ type: 'text', content: QUESTION }] },
        { role: 'assistant', parts: [{ type: 'text', content: 'Let me check.' }, toolUse] },
        { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_weather_1', response: WEATHER }] },
      ],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }] }],
      finishReasons: ['end_turn'],
      usage: { inputTokens: 1860, outputTokens: 15, cacheWriteTokens: 0, cacheReadTokens: 1800 },
      responseId: 'msg_weather_2',
      toolNames: ['get_weather'],
    },
  ];
}

/** Model-call views of a normalized fixture → RecordedCall[] (what the replay helper's `recordedCalls` does, minimal). */
export function callsFromViews(views: readonly GenAiSpanView[], spans: readonly { spanId: string; name: string }[]): RecordedCall[] {
  return views.map((v, index) => {
    const call: RecordedCall = {
      index,
      spanId: spans[index]!.spanId as SpanId,
      spanName: spans[index]!.name,
      kind: v.provider === 'anthropic' ? 'anthropic' : 'openai',
      inputMessages: v.inputMessages ?? [],
      outputMessages: v.outputMessages ?? [],
      toolNames: (v.toolDefinitions ?? []).flatMap((d) => {
        const r = d as { name?: string; function?: { name?: string } };
        const name = r.function?.name ?? r.name;
        return name ? [name] : [];
      }),
    };
    if (v.provider !== undefined) call.provider = v.provider;
    if (v.requestModel !== undefined) call.requestModel = v.requestModel;
    if (v.responseModel !== undefined) call.responseModel = v.responseModel;
    if (v.systemInstructions !== undefined) call.system = v.systemInstructions;
    if (v.finishReasons !== undefined) call.finishReasons = v.finishReasons;
    if (v.usage !== undefined) call.usage = v.usage;
    if (v.responseId !== undefined) call.responseId = v.responseId;
    return call;
  });
}

/** The capture scripts' own agent turns (test/fixtures/genai/capture/lib/turn.mjs): the app code the fixtures recorded. */
export interface CaptureTurn {
  ANTHROPIC_SYSTEM: string;
  openaiAgentTurn(client: unknown, runTool: (call: { id: string; function: { name: string; arguments: string } }) => Promise<string>): Promise<string>;
  anthropicAgentTurn(client: unknown, runTool: (block: { id: string; name: string; input: { city: string } }) => Promise<string>): Promise<string>;
  getWeather(args: { city: string }): string;
}

export async function captureTurn(): Promise<CaptureTurn> {
  return (await import(pathToFileURL(join(GENAI_FIXTURES, 'capture', 'lib', 'turn.mjs')).href)) as CaptureTurn;
}

/** One request that reached the stand-in provider. */
export interface StandInRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A local stand-in provider: answers every request with `answer(request)`, keeps what it received. */
export interface StandIn {
  url: string;
  requests: StandInRequest[];
  close(): Promise<void>;
}

export async function startStandIn(answer: (request: StandInRequest) => { status?: number; headers?: Record<string, string>; body: string }): Promise<StandIn> {
  const requests: StandInRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> };
      requests.push(request);
      const a = answer(request);
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
