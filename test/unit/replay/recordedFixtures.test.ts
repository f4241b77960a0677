/**
 * Recorded calls taken from real captured traces (decoded and normalized by the project's own
 * code) served back to the very app code that produced them: the capture scripts' agent turns
 * (test/fixtures/genai/capture/lib/turn.mjs, and scripts/capture-fixtures.mjs for the
 * instrumentation-openai fixture) on the real `openai` / `@anthropic-ai/sdk` clients. The re-run
 * must follow the recording call by call and end with the answer the stand-ins gave when the
 * fixtures were captured (test/fixtures/genai/README.md): tool call ids, answer text and usage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { genai, loadLogs, loadSpans, normalizeAll, otlp } from '../../support/genai';
import { startRecordedServer, type RecordedServer } from '../../../src/core/replay/recorded/server';
import { divergenceReport } from '../../../src/core/replay/recorded/report';
import { ANSWER, callsFromViews, captureTurn } from './recordedSupport';
import type { RecordedCall } from '../../../src/model/replay';

let server: RecordedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The fixture's model calls (one per call: aggregate spans such as Vercel's `ai.generateText` left out). */
function recorded(traces: string, logs?: string): RecordedCall[] {
  const all = normalizeAll(loadSpans(traces), logs ? loadLogs(logs) : []).filter((s) => s.view?.kind === 'llm' && !s.view.usageIsAggregate);
  return callsFromViews(
    all.map((s) => s.view!),
    all.map((s) => ({ spanId: s.span.spanId, name: s.span.name })),
  );
}

const OPENAI_FIXTURES: { name: string; calls: () => RecordedCall[]; toolCallId: string }[] = [
  // The demo-style run: @opentelemetry/instrumentation-openai, content in log events.
  { name: 'instrumentation-openai (genai-openai-*)', calls: () => recorded(otlp('genai-openai-traces-json.json'), otlp('genai-openai-logs-json.json')), toolCallId: 'call_fixture_1' },
  { name: 'OpenInference', calls: () => recorded(genai('openinference.otlp.json')), toolCallId: 'call_weather_1' },
  { name: 'OpenLLMetry (Traceloop)', calls: () => recorded(genai('traceloop.otlp.json')), toolCallId: 'call_weather_1' },
  { name: 'Vercel AI SDK (GenAI mode)', calls: () => recorded(genai('vercel-ai-genai.otlp.json')), toolCallId: 'call_weather_1' },
  { name: 'Vercel AI SDK (legacy ai.* attributes)', calls: () => recorded(genai('vercel-ai.otlp.json')), toolCallId: 'call_weather_1' },
];

const ANTHROPIC_FIXTURES: { name: string; calls: () => RecordedCall[] }[] = [
  { name: '@anthropic-ai/sdk built-in tracing', calls: () => recorded(genai('anthropic-sdk-native.otlp.json')) },
  { name: 'OpenLLMetry Anthropic', calls: () => recorded(genai('anthropic-openllmetry.otlp.json')) },
  { name: 'OpenInference Anthropic (no system prompt recorded)', calls: () => recorded(genai('anthropic-openinference.otlp.json')) },
];

describe('recorded-response server: traces captured from real libraries, re-run by the app that produced them', () => {
  for (const fixture of OPENAI_FIXTURES) {
    it(`OpenAI: ${fixture.name}`, async () => {
      const turn = await captureTurn();
      const calls = fixture.calls();
      expect(calls).toHaveLength(2);
      server = await startRecordedServer({ calls });
      const client = new OpenAI({ apiKey: 'sk-app-placeholder', baseURL: `${server.url}/v1`, maxRetries: 0 });
      const toolCalls: string[] = [];
      const answer = await turn.openaiAgentTurn(client, async (call) => {
        toolCalls.push(`${call.id} ${call.function.name} ${call.function.arguments}`);
        return turn.getWeather(JSON.parse(call.function.arguments) as { city: string });
      });
      expect(answer).toBe(ANSWER);
      expect(toolCalls).toEqual([`${fixture.toolCallId} get_weather {"city":"Paris"}`]);
      const served = server.served();
      expect(served.map((r) => [r.matchedCallIndex, r.match, r.servedFrom, r.differences])).toEqual([
        [0, 'position', 'recording', []],
        [1, 'position', 'recording', []],
      ]);
      expect(divergenceReport(served, calls)).toContain('The re-run followed the recording: every request matched the recorded call at its position.');
    });
  }

  it('OpenAI: the first answer carries the recorded id, model and usage (42 / 17 / 59 tokens)', async () => {
    server = await startRecordedServer({ calls: recorded(otlp('genai-openai-traces-json.json'), otlp('genai-openai-logs-json.json')) });
    const client = new OpenAI({ apiKey: 'x', baseURL: `${server.url}/v1` });
    const first = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a helpful weather assistant.' },
        { role: 'user', content: 'What is the weather in Paris?' },
      ],
    });
    // What the capture script's stand-in answered (scripts/capture-fixtures.mjs startFakeOpenAI).
    expect(first.id).toBe('chatcmpl-fixture-1');
    expect(first.model).toBe('gpt-4o-mini-2024-07-18');
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(first.usage).toMatchObject({ prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 });
  });

  for (const fixture of ANTHROPIC_FIXTURES) {
    it(`Anthropic: ${fixture.name}`, async () => {
      const turn = await captureTurn();
      const calls = fixture.calls();
      expect(calls).toHaveLength(2);
      server = await startRecordedServer({ calls });
      const client = new Anthropic({ apiKey: 'sk-ant-app-placeholder', baseURL: server.url, maxRetries: 0 });
      const blocks: string[] = [];
      const answer = await turn.anthropicAgentTurn(client, async (block) => {
        blocks.push(`${block.id} ${block.name} ${JSON.stringify(block.input)}`);
        return turn.getWeather(block.input);
      });
      expect(answer).toBe(ANSWER);
      expect(blocks).toEqual(['toolu_weather_1 get_weather {"city":"Paris"}']);
      expect(server.served().map((r) => [r.matchedCallIndex, r.match, r.differences])).toEqual([
        [0, 'position', []],
        [1, 'position', []],
      ]);
    });
  }

  it('Anthropic: a run recorded with another system prompt (Vercel AI SDK, the short prompt) diverges at the first request, and says so', async () => {
    const turn = await captureTurn();
    server = await startRecordedServer({ calls: recorded(genai('vercel-ai-anthropic.otlp.json')) });
    const client = new Anthropic({ apiKey: 'x', baseURL: server.url, maxRetries: 0 });
    const error = await turn.anthropicAgentTurn(client, async (block) => turn.getWeather(block.input)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain("system instructions differ: 'assistant.' → 'assistant. Guidelines: 1. Always call the get_weather tool");
    expect(server.served().map((r) => [r.match, r.servedFrom, r.status])).toEqual([['none', 'error', 400]]);
  });

  it('Anthropic: usage as the Messages API reported it when captured (input_tokens 25 + cache_creation 1800, then 60 + cache_read 1800)', async () => {
    server = await startRecordedServer({ calls: recorded(genai('anthropic-sdk-native.otlp.json')) });
    const turn = await captureTurn();
    const client = new Anthropic({ apiKey: 'x', baseURL: server.url });
    const system = [{ type: 'text' as const, text: turn.ANTHROPIC_SYSTEM }];
    const first = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, system, messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    expect(first.id).toBe('msg_capture_1');
    expect(first.model).toBe('claude-sonnet-4-5-20250929');
    expect(first.stop_reason).toBe('tool_use');
    expect(first.usage).toEqual({ input_tokens: 25, output_tokens: 40, cache_creation_input_tokens: 1800, cache_read_input_tokens: 0 });
  });
});
