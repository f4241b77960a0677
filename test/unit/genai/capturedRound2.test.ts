/**
 * Fixtures captured from real libraries against local stand-ins of the provider APIs
 * (test/fixtures/genai/README.md, "round two"): the same cached Anthropic agent turn through
 * OpenLLMetry (JS), OpenInference, the Anthropic SDK's own tracing and the Langfuse SDK; LangChain.js
 * through OpenInference; the LangSmith SDK's OTel export; MCP client/server pairs.
 *
 * Expected costs are genai-prices' own: its Anthropic usage extractor applied to the usage the
 * stand-in server returned (call 1: 25 uncached + 1,800 cache write + 40 output; call 2: 60 uncached
 * + 1,800 cache read + 15 output), then its `calcPrice` — never our readers' output.
 */
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { buildConversation, type ConversationSpan } from '../../../src/core/genai/conversation';
import { createPricer, priceCall, priceInputFromView } from '../../../src/core/pricing/priceCall';
import { computeTraceUsage } from '../../../src/core/usage/traceUsage';
import { roundUsd } from '../../../src/model/cost';
import type { ConversationItem } from '../../../src/model/genai';
import { genai, loadSpans, normalizeAll, skeletonOf, summarize, viewsOf } from '../../support/genai';

/** The usage the stand-in Anthropic Messages API returned for the two calls (capture/lib/servers.mjs). */
const ANTHROPIC_USAGE = [
  { input_tokens: 25, cache_creation_input_tokens: 1800, cache_read_input_tokens: 0, output_tokens: 40 },
  { input_tokens: 60, cache_creation_input_tokens: 0, cache_read_input_tokens: 1800, output_tokens: 15 },
];
const RESPONSE_MODEL = 'claude-sonnet-4-5-20250929';

/** genai-prices' price of one stand-in response at the span's time. */
function anthropicPrice(usage: (typeof ANTHROPIC_USAGE)[number], at: Date): number {
  const { usage: u } = extractUsage(findProvider({ providerId: 'anthropic' })!, { model: RESPONSE_MODEL, usage }, 'default');
  return calcPrice(u, RESPONSE_MODEL, { providerId: 'anthropic', timestamp: at })!.total_price;
}

const startOf = (s: ConversationSpan) => new Date(Number(BigInt(s.span.startTimeUnixNano) / 1_000_000n));
const load = (name: string) => normalizeAll(loadSpans(genai(name)));
const modelCallSpans = (all: ConversationSpan[]) => all.filter((s) => s.view?.kind === 'llm');

/** Costs of the spans the run counts, and the trace total (computeTraceUsage, the worker's path). */
function usageOf(all: ConversationSpan[]) {
  return computeTraceUsage(skeletonOf(all), all.map((s) => ({ spanId: s.span.spanId, view: s.view })), createPricer());
}

function timeline(items: readonly ConversationItem[]): string[] {
  return items.map((i) =>
    i.type === 'modelCall'
      ? `model new=[${summarize(i.newInputMessages).join(' | ')}] out=[${summarize(i.outputMessages).join(' | ')}]`
      : i.type === 'toolCall'
        ? `tool ${i.name}${i.error ? ' (error)' : ''}`
        : i.type === 'agent'
          ? `agent ${i.agentName}`
          : `guardrail ${i.name}`,
  );
}

describe.each([
  ['anthropic-openllmetry.otlp.json', 'excluded'],
  ['anthropic-openinference.otlp.json', 'included'],
  ['anthropic-sdk-native.otlp.json', 'included'],
  ['langfuse-baseurl.otlp.json', 'excluded'],
  ['vercel-ai-anthropic.otlp.json', 'included'],
] as const)('a cached Anthropic turn from %s', (fixture, reading) => {
  const all = load(fixture);
  const calls = modelCallSpans(all);

  it(`reads input tokens cache-inclusive (the source's count is cache-${reading}) and prices each call like genai-prices`, () => {
    expect(calls).toHaveLength(2);
    calls.forEach((s, i) => {
      const u = ANTHROPIC_USAGE[i]!;
      const inclusive = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
      expect(s.view!.usage).toMatchObject({ inputTokens: inclusive, outputTokens: u.output_tokens });
      if (s.view!.usage!.inputReading) expect(s.view!.usage!.inputReading.cache).toBe(reading);
      const cost = priceCall(priceInputFromView(s.view!, startOf(s)));
      expect(cost).toMatchObject({ status: 'priced', costUsd: roundUsd(anthropicPrice(u, startOf(s))) });
    });
  });

  it('the trace total is the two calls, each once', () => {
    const detail = usageOf(all);
    const want = roundUsd(calls.reduce((sum, s, i) => sum + anthropicPrice(ANTHROPIC_USAGE[i]!, startOf(s)), 0));
    expect(detail.usage!.cost).toMatchObject({ costUsd: want, pricedCount: 2, unpricedCount: 0 });
    expect(detail.usage!.tokens).toMatchObject({ input: 1825 + 1860, output: 55, cacheRead: 1800, cacheWrite: 1800 });
  });

  it('the tool call sits between the call that asked for it and the answer; its result is shown once', () => {
    const items = timeline(buildConversation('t', all).items).filter((l) => !l.startsWith('agent'));
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/^model new=\[.*What is the weather in Paris\?\] out=\[assistant: tool_call get_weather/);
    expect(items[1]).toBe('tool get_weather');
    expect(items[2]).toBe('model new=[] out=[assistant: It is 18°C and sunny in Paris.]');
  });
});

describe('OpenInference over the Anthropic SDK with its own tracing left on (anthropic-openinference-sdk-default.otlp.json)', () => {
  const all = load('anthropic-openinference-sdk-default.otlp.json');

  it('both instrumentations report each call: counted once, the outer spans show the sum of the inner call', () => {
    expect(modelCallSpans(all)).toHaveLength(4);
    const detail = usageOf(all);
    expect(detail.usage!.modelCalls).toBe(2);
    expect(detail.usage!.tokens).toMatchObject({ input: 1825 + 1860, output: 55 });
    const outer = all.filter((s) => s.span.scope?.name.startsWith('@arizeai/'));
    expect(outer).toHaveLength(2);
    for (const s of outer) {
      const cost = detail.spanCosts.get(s.span.spanId)!;
      const inner = all.find((c) => c.span.parentSpanId === s.span.spanId && c.view?.kind === 'llm')!;
      expect(cost).toMatchObject({ status: 'sum', total: { pricedCount: 1 } });
      expect(cost.status === 'sum' && cost.costUsd).toBe((detail.spanCosts.get(inner.span.spanId) as { costUsd: number }).costUsd);
    }
  });

  it('the conversation shows each call once (the one with the messages)', () => {
    const models = buildConversation('t', all).items.filter((i) => i.type === 'modelCall');
    expect(models).toHaveLength(2);
    expect(models.every((m) => m.type === 'modelCall' && m.outputMessages.length > 0)).toBe(true);
  });
});

describe('LangChain.js through OpenInference (langchain-openinference.otlp.json)', () => {
  const all = load('langchain-openinference.otlp.json');

  it('prices both gpt-4o-mini calls like genai-prices (32 cached tokens on the second)', () => {
    const [first, second] = modelCallSpans(all);
    const price = (usage: Record<string, number>, s: ConversationSpan) => roundUsd(calcPrice(usage, 'gpt-4o-mini', { providerId: 'openai', timestamp: startOf(s) })!.total_price);
    expect(priceCall(priceInputFromView(first!.view!, startOf(first!)))).toMatchObject({ status: 'priced', costUsd: price({ input_tokens: 42, output_tokens: 17 }, first!) });
    expect(priceCall(priceInputFromView(second!.view!, startOf(second!)))).toMatchObject({ status: 'priced', costUsd: price({ input_tokens: 71, cache_read_tokens: 32, output_tokens: 12 }, second!) });
  });

  it('the tool card sits between the two calls', () => {
    const items = timeline(buildConversation('t', all).items);
    expect(items.map((l) => l.split(' ')[0])).toEqual(['model', 'tool', 'model']);
  });
});

describe('the LangSmith SDK OTel export (langsmith-otel.otlp.json)', () => {
  const all = load('langsmith-otel.otlp.json');

  it('langsmith.span.kind gives the kinds; session and user come from langsmith.metadata.*; cache reads from input_token_details', () => {
    expect(viewsOf(all, 'workflow')).toHaveLength(1);
    expect(viewsOf(all, 'tool')[0]!.tool?.name).toBe('get_weather');
    const [first, second] = viewsOf(all, 'llm');
    expect(first).toMatchObject({ sessionId: 'session-ls-1', userId: 'user-ls-1', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18' });
    expect(second!.usage).toMatchObject({ inputTokens: 71, outputTokens: 12, cacheReadTokens: 32 });
  });
});

describe('MCP client and server spans of the same tool call', () => {
  it('OpenInference-style client TOOL span over the server TOOL span (another process): one tool card per call', () => {
    const all = load('mcp-openinference.otlp.json');
    expect(viewsOf(all, 'tool')).toHaveLength(4);
    const tools = buildConversation('t', all).items.filter((i) => i.type === 'toolCall');
    expect(tools.map((t) => t.type === 'toolCall' && `${t.name}${t.error ? ' (error)' : ''}`)).toEqual(['get_weather', 'get_forecast (error)']);
    expect(usageOf(all).metrics).toMatchObject({ toolCalls: 2, toolErrors: 1 });
  });

  it('OpenLLMetry MCP client spans: one card per tools/call', () => {
    const all = load('mcp-traceloop.otlp.json');
    const tools = buildConversation('t', all).items.filter((i) => i.type === 'toolCall');
    expect(tools.map((t) => t.type === 'toolCall' && t.name)).toEqual(['get_weather', 'get_forecast']);
  });
});
