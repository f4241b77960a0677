/**
 * `replayRequest` and `recordedCalls` through the real receiver and bundled back end: the demo
 * agent (real OTel SDK + @opentelemetry/instrumentation-openai, content in log records), the
 * Anthropic SDK-default capture (the SDK's span under OpenInference's: one call seen twice) and
 * the OpenAI Agents SDK's own export. Expected values come from the demo's source
 * (demo/agent/agent.mjs), the fixtures' README and stand-in answers, and genai-prices' own price
 * of the stand-in's usage — not from the replay code.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';
import { genai } from '../../support/genai';
import type { TraceSummary } from '../../../src/model/trace';
import { lines } from './support';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p.close();
});

async function post(path: string, body: Buffer): Promise<void> {
  const res = await fetch(`${p.url}${path}`, { method: 'POST', body: new Uint8Array(body), headers: { 'Content-Type': 'application/json' } });
  expect(res.status).toBe(200);
}

async function traceWith(pred: (t: TraceSummary) => boolean): Promise<TraceSummary> {
  return eventually(async () => (await p.client.request('listTraces', { limit: 50, offset: 0 })).find(pred), 15_000);
}

describe('the demo agent (OpenAI, content in OTLP log records)', () => {
  it('rebuilds its first model call and serves both calls in order, priced like the span', async () => {
    await promisify(execFile)(process.execPath, ['demo/agent/main.mjs', '--runs', '1', '--scenario', 'weather', '--interval', '0', '--endpoint', p.url, '--quiet']);
    const trace = await traceWith((t) => t.agentName === 'weather-assistant' && !!t.firstUserMessage);
    const skeleton = (await eventually(async () => {
      const s = await p.client.request('traceSkeleton', { traceId: trace.traceId });
      return s && s.spans.filter((x) => x.genai?.kind === 'llm').length === 2 ? s : undefined;
    }, 15_000))!;
    const llm = skeleton.spans.filter((s) => s.genai?.kind === 'llm');
    // The content arrives as log records, maybe after the spans.
    const request = await eventually(async () => {
      const r = await p.client.request('replayRequest', { traceId: trace.traceId, spanId: llm[0]!.spanId });
      return r && r.messages.length > 0 && r.original.output.length > 0 ? r : undefined;
    }, 15_000);
    expect(request.model).toBe('gpt-4o-mini');
    expect(request.kind).toBe('openai');
    expect(request.system).toEqual([{ type: 'text', content: 'You are a concise assistant. Use the tools to answer questions about weather and stocks.' }]);
    expect(lines(request.messages)).toEqual(['user: What is the weather in Paris right now, and how is ACME stock doing?']);
    expect(request.parameters.temperature).toBe(0.2);
    expect(request.original.output[0]!.parts.map((x) => x.type)).toContain('tool_call');
    // The instrumentation records no tool definitions: flagged.
    expect(request.missing.map((g) => g.field)).toContain('tools');
    expect(request.original.costUsd).toBe(llm[0]!.cost);
    expect(request.original.costUsd).toBeGreaterThan(0);
    expect(request.original.durationMs).toBeCloseTo(llm[0]!.durationMs, 3);

    const calls = await p.client.request('recordedCalls', { traceId: trace.traceId });
    expect(calls.map((c) => [c.index, c.spanId])).toEqual(llm.map((s, i) => [i, s.spanId]));
    expect(calls[1]!.inputMessages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(calls[1]!.outputMessages[0]!.parts[0]!.type).toBe('text');

    // Not a model call: the agent span, an unknown span, an unknown trace.
    const agent = skeleton.spans.find((s) => s.genai?.kind === 'agent')!;
    expect(await p.client.request('replayRequest', { traceId: trace.traceId, spanId: agent.spanId })).toBeNull();
    expect(await p.client.request('replayRequest', { traceId: trace.traceId, spanId: 'f'.repeat(16) })).toBeNull();
    expect(await p.client.request('recordedCalls', { traceId: 'f'.repeat(32) })).toEqual([]);
  }, 60_000);
});

describe("the Anthropic SDK's own span under OpenInference's (anthropic-openinference-sdk-default)", () => {
  it('is one call: content from the wrapper, cost from genai-prices on the stand-in usage', async () => {
    await post('/v1/traces', readFileSync(genai('anthropic-openinference-sdk-default.otlp.json')));
    const trace = await traceWith((t) => t.spanCount >= 6 && t.rootName === 'weather-agent');
    const skeleton = (await p.client.request('traceSkeleton', { traceId: trace.traceId }))!;
    const sdk = skeleton.spans.filter((s) => s.name === 'anthropic.messages.create');
    const oi = skeleton.spans.filter((s) => s.name === 'Anthropic Messages');
    const calls = await p.client.request('recordedCalls', { traceId: trace.traceId });
    expect(calls.map((c) => [c.spanId, c.sameCallSpanIds])).toEqual(sdk.map((s, i) => [s.spanId, [oi[i]!.spanId]]));
    expect(calls[0]!.system?.[0]).toMatchObject({ type: 'text', content: expect.stringMatching(/^You are a helpful weather assistant\./) });
    expect(calls[1]!.toolNames).toEqual(['get_weather']);

    // Replaying the wrapper span: linked to it, priced as the counted (SDK) span.
    const request = (await p.client.request('replayRequest', { traceId: trace.traceId, spanId: oi[0]!.spanId }))!;
    expect(request.source.spanId).toBe(oi[0]!.spanId);
    expect(request.parameters).toEqual({ max_tokens: 1024, temperature: 0.2 });
    const usage = { input_tokens: 25, cache_creation_input_tokens: 1800, cache_read_input_tokens: 0, output_tokens: 40 }; // README: call 1
    const model = 'claude-sonnet-4-5-20250929';
    const { usage: u } = extractUsage(findProvider({ providerId: 'anthropic' })!, { model, usage }, 'default');
    const at = new Date(Number(BigInt(skeleton.startTimeUnixNano) / 1_000_000n + BigInt(Math.round(sdk[0]!.startOffsetMs))));
    expect(request.original.costUsd).toBeCloseTo(calcPrice(u, model, { providerId: 'anthropic', timestamp: at })!.total_price, 9);
  }, 30_000);
});

describe('the OpenAI Agents SDK export (/v1/traces/ingest)', () => {
  it('serves its three generation calls with the stand-in answers', async () => {
    const dir = join(__dirname, '..', '..', 'fixtures', 'openai-agents');
    for (const n of [1, 2, 3]) await post('/v1/traces/ingest', readFileSync(join(dir, `chat.${n}.ingest.json`)));
    const standIn = JSON.parse(readFileSync(join(dir, 'stand-in.json'), 'utf8')) as { finalText: string };
    const trace = await traceWith((t) => t.rootName === 'Weather workflow (chat)');
    const calls = await eventually(async () => {
      const c = await p.client.request('recordedCalls', { traceId: trace.traceId });
      return c.length === 3 ? c : undefined;
    }, 15_000);
    expect(calls[2]!.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: standIn.finalText }], finishReason: 'stop' }]);
    expect(calls[0]!.system).toEqual([{ type: 'text', content: 'Hand weather questions to the weather agent.' }]);
  }, 30_000);
});
