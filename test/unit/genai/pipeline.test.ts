/**
 * End to end through the real receiver and bundled worker: the demo agent (real OTel SDK and
 * @opentelemetry/instrumentation-openai, OTLP/HTTP protobuf traces + GenAI log events) → trace
 * summaries with session / agent / first user message, sessions, skeleton badges, conversation.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p.close();
});

it('the demo agent becomes a conversation: question, tool calls with arguments and results, final answer', async () => {
  await promisify(execFile)(process.execPath, ['demo/agent/main.mjs', '--runs', '2', '--interval', '10', '--endpoint', p.url, '--quiet']);
  // Log records (the message content) may land after the spans: wait for both.
  const traces = await eventually(async () => {
    const list = await p.client.request('listTraces', { limit: 10, offset: 0 });
    return list.length === 2 && list.every((t) => t.firstUserMessage) ? list : undefined;
  }, 15_000);
  for (const t of traces) {
    expect(t).toMatchObject({ agentName: 'weather-assistant', firstUserMessage: 'What is the weather in Paris right now, and how is ACME stock doing?' });
    expect(t.sessionId).toMatch(/^conv_/);
  }
  const sessions = await p.client.request('listSessions', { limit: 10 });
  expect(sessions.map((s) => s.sessionId).sort()).toEqual(traces.map((t) => t.sessionId).sort());
  expect(await p.client.request('listTraces', { limit: 10, offset: 0, sessionId: traces[0]!.sessionId })).toHaveLength(1);

  const skeleton = (await p.client.request('traceSkeleton', { traceId: traces[0]!.traceId }))!;
  expect(skeleton.spans.map((s) => s.genai?.kind)).toEqual(['agent', 'llm', 'tool', 'tool', 'llm']);
  expect(skeleton.spans[1]!.genai).toMatchObject({ model: 'gpt-4o-mini', inputTokens: expect.any(Number), outputTokens: expect.any(Number) });

  const conversation = (await p.client.request('traceConversation', { traceId: traces[0]!.traceId }))!;
  expect(conversation.items.map((i) => i.type)).toEqual(['agent', 'modelCall', 'toolCall', 'toolCall', 'modelCall']);
  const [, first, weather, stock, last] = conversation.items;
  expect(first!.type === 'modelCall' && first.newInputMessages.map((m) => m.role)).toEqual(['system', 'user']);
  expect(weather).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}', result: expect.stringContaining('Paris') });
  expect(stock).toMatchObject({ name: 'get_stock_price', error: expect.stringContaining('503') });
  // The final call's new input is the two tool results, already shown in the tool cards above it:
  // not shown a second time; then the answer.
  expect(last!.type === 'modelCall' && last.newInputMessages).toEqual([]);
  expect(last!.type === 'modelCall' && last.outputMessages[0]!.parts[0]).toMatchObject({ type: 'text', content: expect.any(String) });
});
