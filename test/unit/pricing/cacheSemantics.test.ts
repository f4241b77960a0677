/**
 * Token semantics per source (docs/genai-conventions.md §1.4) and what a row's cost means:
 * - Anthropic's `input_tokens` exclude cache reads and writes; OTel GenAI input tokens include
 *   them. Whichever reading a span used, the call is priced once per token kind and shows input
 *   tokens including cached ones. The expected price is genai-prices' own: its Anthropic usage
 *   extractor applied to the raw Messages API response, then its `calcPrice`.
 * - Roll-up spans (agent / wrapper spans repeating their children's usage) show the sum of the
 *   calls under them, never a price of their own counts.
 * - A response model unknown to the price data is priced by the request model, and says so.
 */
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { genaiBadge } from '../../../src/core/genai/badge';
import { createPricer, priceCall, priceInputFromView } from '../../../src/core/pricing/priceCall';
import { computeTraceUsage } from '../../../src/core/usage/traceUsage';
import { describeCost, formatCostUsd, roundUsd, type CallCost } from '../../../src/model/cost';
import type { Attributes, TraceSkeleton } from '../../../src/model/trace';
import { nanos, scopeInfo, spanId, spanRecord, traceId } from '../../support/builders';

const AT = new Date('2026-10-01T20:00:00Z');
const MODEL = 'claude-sonnet-4-5-20250929';

/** The second call of a cached agent turn, as Anthropic's Messages API reports it. */
const ANTHROPIC_RESPONSE = {
  id: 'msg_2',
  type: 'message',
  role: 'assistant',
  model: MODEL,
  content: [{ type: 'text', text: 'It is 18°C and sunny in Paris.' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 60, cache_creation_input_tokens: 0, cache_read_input_tokens: 1800, output_tokens: 15 },
};

/** genai-prices' price of that response, from the raw usage (independent of our readers). */
function libraryPrice(response: { model: string; usage: object }): number {
  const provider = findProvider({ providerId: 'anthropic' })!;
  const { usage } = extractUsage(provider, response, 'default');
  const r = calcPrice(usage, response.model, { providerId: 'anthropic', timestamp: AT });
  if (!r) throw new Error('no price');
  return r.total_price;
}

function llmSpan(attributes: Attributes, scope = 'some-instrumentation') {
  return spanRecord({ traceId: traceId(1), spanId: spanId(), name: 'chat', attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.response.model': MODEL, ...attributes }, scope: scopeInfo({ name: scope }) });
}

function priceOf(span: ReturnType<typeof llmSpan>): CallCost {
  return priceCall(priceInputFromView(normalizeSpan(span)!, AT));
}

describe('cache-token semantics per source', () => {
  const expected = libraryPrice(ANTHROPIC_RESPONSE);

  it('OTel GenAI (cache-inclusive input, the current names) prices like genai-prices and shows the reading', () => {
    const span = llmSpan({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': 1860,
      'gen_ai.usage.cache_read.input_tokens': 1800,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.usage.output_tokens': 15,
    });
    const view = normalizeSpan(span)!;
    expect(view.usage).toMatchObject({ inputTokens: 1860, cacheReadTokens: 1800, inputReading: { cache: 'included', reportedInputTokens: 1860 } });
    expect(priceOf(span)).toMatchObject({ status: 'priced', costUsd: roundUsd(expected) });
  });

  it("JS OpenLLMetry's Anthropic instrumentation passes Anthropic's exclusive count through: cache added back, priced once", () => {
    // Cache reads (1800) exceed input (60) here, but the source alone decides too: see the next case.
    const span = llmSpan(
      { 'gen_ai.system': 'anthropic', 'gen_ai.usage.input_tokens': 60, 'gen_ai.usage.cache_read_input_tokens': 1800, 'gen_ai.usage.cache_creation_input_tokens': 0, 'gen_ai.usage.output_tokens': 15 },
      '@traceloop/instrumentation-anthropic',
    );
    const view = normalizeSpan(span)!;
    expect(view.usage).toMatchObject({ inputTokens: 1860, cacheReadTokens: 1800, totalTokens: 1875, inputReading: { cache: 'excluded', reportedInputTokens: 60 } });
    expect(priceOf(span)).toMatchObject({ status: 'priced', costUsd: roundUsd(expected) });
    // The row badge shows the same cache-inclusive input.
    expect(genaiBadge(span)).toMatchObject({ inputTokens: 1860, outputTokens: 15 });
  });

  it('the known source decides even when the numbers alone could be read either way', () => {
    const response = { ...ANTHROPIC_RESPONSE, usage: { input_tokens: 2000, cache_creation_input_tokens: 0, cache_read_input_tokens: 1800, output_tokens: 15 } };
    const span = llmSpan(
      { 'gen_ai.system': 'anthropic', 'gen_ai.usage.input_tokens': 2000, 'gen_ai.usage.cache_read_input_tokens': 1800, 'gen_ai.usage.output_tokens': 15 },
      '@traceloop/instrumentation-anthropic',
    );
    expect(normalizeSpan(span)!.usage).toMatchObject({ inputTokens: 3800, inputReading: { cache: 'excluded' } });
    expect(priceOf(span)).toMatchObject({ status: 'priced', costUsd: roundUsd(libraryPrice(response)) });
    // The same numbers from an OTel-conformant source are cache-inclusive.
    const otel = llmSpan({ 'gen_ai.provider.name': 'anthropic', 'gen_ai.usage.input_tokens': 2000, 'gen_ai.usage.cache_read.input_tokens': 1800, 'gen_ai.usage.output_tokens': 15 });
    expect(normalizeSpan(otel)!.usage).toMatchObject({ inputTokens: 2000, inputReading: { cache: 'included' } });
  });

  it('an unknown source whose cached tokens exceed its input can only be cache-exclusive (a cache write on the first call)', () => {
    const first = { ...ANTHROPIC_RESPONSE, usage: { input_tokens: 25, cache_creation_input_tokens: 1800, cache_read_input_tokens: 0, output_tokens: 40 } };
    const span = llmSpan({ 'gen_ai.system': 'anthropic', 'gen_ai.usage.input_tokens': 25, 'gen_ai.usage.cache_creation_input_tokens': 1800, 'gen_ai.usage.output_tokens': 40 });
    const view = normalizeSpan(span)!;
    expect(view.usage).toMatchObject({ inputTokens: 1825, cacheWriteTokens: 1800, inputReading: { cache: 'excluded', because: expect.stringContaining('exceed') } });
    expect(priceOf(span)).toMatchObject({ status: 'priced', costUsd: roundUsd(libraryPrice(first)) });
  });

  it('a total equal to input + output + cached tokens proves the exclusive reading', () => {
    const response = { ...ANTHROPIC_RESPONSE, usage: { input_tokens: 2000, cache_creation_input_tokens: 0, cache_read_input_tokens: 1800, output_tokens: 15 } };
    const span = llmSpan({ 'gen_ai.system': 'anthropic', 'gen_ai.usage.input_tokens': 2000, 'gen_ai.usage.cache_read_input_tokens': 1800, 'gen_ai.usage.output_tokens': 15, 'gen_ai.usage.total_tokens': 3815 });
    expect(normalizeSpan(span)!.usage).toMatchObject({ inputTokens: 3800, inputReading: { cache: 'excluded', because: expect.stringContaining('total') } });
    expect(priceOf(span)).toMatchObject({ status: 'priced', costUsd: roundUsd(libraryPrice(response)) });
  });

  it('OpenAI (cached tokens inside prompt_tokens) stays inclusive and prices like genai-prices', () => {
    const span = llmSpan({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.cache_read.input_tokens': 1024, 'gen_ai.usage.output_tokens': 30 });
    const r = calcPrice({ input_tokens: 1200, cache_read_tokens: 1024, output_tokens: 30 }, 'gpt-4o-mini-2024-07-18', { providerId: 'openai', timestamp: AT })!;
    expect(normalizeSpan(span)!.usage).toMatchObject({ inputTokens: 1200, inputReading: { cache: 'included' } });
    expect(priceOf(span)).toMatchObject({ status: 'priced', costUsd: roundUsd(r.total_price) });
  });
});

describe('a response model the price data does not know', () => {
  it('is priced by the request model and says so', () => {
    const unknown = 'gpt-4o-mini-nightly-build-x';
    expect(calcPrice({ input_tokens: 1 }, unknown, { providerId: 'openai', timestamp: AT })).toBeNull();
    const cost = priceCall({ provider: 'openai', requestModel: 'gpt-4o-mini', responseModel: unknown, usage: { inputTokens: 1000, outputTokens: 100 }, timestamp: AT });
    const lib = calcPrice({ input_tokens: 1000, output_tokens: 100 }, 'gpt-4o-mini', { providerId: 'openai', timestamp: AT })!;
    expect(cost).toMatchObject({ status: 'priced', model: 'gpt-4o-mini', unknownResponseModel: unknown, costUsd: roundUsd(lib.total_price) });
    expect(describeCost(cost)).toContain(`the response model ${unknown} has no price`);
  });

  it('is unpriced when the request model is unknown too', () => {
    expect(priceCall({ provider: 'openai', requestModel: 'no-such-model-a', responseModel: 'no-such-model-b', usage: { inputTokens: 1, outputTokens: 1 }, timestamp: AT })).toMatchObject({ status: 'unpriced', reason: 'unknown-model' });
  });
});

describe('roll-up spans', () => {
  /** agent (usage = sum of its calls) → two model calls (priced); trace total counts the calls once. */
  function agentTrace() {
    const tid = traceId(2);
    const agentId = spanId();
    const call1 = spanId();
    const call2 = spanId();
    const usage = (i: number, o: number) => ({ 'gen_ai.usage.input_tokens': i, 'gen_ai.usage.output_tokens': o });
    const llm = (id: string, start: number, i: number, o: number) =>
      spanRecord({ traceId: tid, spanId: id, parentSpanId: agentId, name: 'chat gpt-4o-mini', startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 10), attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', ...usage(i, o) } });
    const spans = [
      // The agent reports the sum of its calls' usage and a model: priced by its own counts it
      // would show a price of 1,300/150 tokens — the same amount by chance here, so give it a
      // different model to make a price of its own visibly wrong.
      spanRecord({ traceId: tid, spanId: agentId, name: 'invoke_agent', startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(100), attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather', 'gen_ai.request.model': 'gpt-4o', ...usage(1300, 150) } }),
      llm(call1, 10, 1000, 100),
      llm(call2, 50, 300, 50),
    ];
    const skeleton: TraceSkeleton = {
      traceId: tid,
      startTimeUnixNano: nanos(0),
      durationMs: 100,
      spans: spans.map((s) => ({ spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: 'internal', statusCode: 'unset', serviceName: 'svc', startOffsetMs: Number((BigInt(s.startTimeUnixNano) - BigInt(nanos(0))) / 1_000_000n), durationMs: 10, eventCount: 0, hasException: false })),
    };
    return { skeleton, spans, agentId, call1, call2 };
  }

  it('an agent span with rolled-up usage shows the sum of the calls under it, equal to the trace total', () => {
    const { skeleton, spans, agentId, call1, call2 } = agentTrace();
    const detail = computeTraceUsage(skeleton, spans.map((s) => ({ spanId: s.spanId, view: normalizeSpan(s) })), createPricer());
    const price = (i: number, o: number) => calcPrice({ input_tokens: i, output_tokens: o }, 'gpt-4o-mini', { providerId: 'openai', timestamp: new Date(0) })!.total_price;
    // Prices at the trace's time (1970 is before every dated price change; the list price applies).
    expect(detail.spanCosts.get(call1)).toMatchObject({ status: 'priced', costUsd: roundUsd(price(1000, 100)) });
    expect(detail.spanCosts.get(call2)).toMatchObject({ status: 'priced', costUsd: roundUsd(price(300, 50)) });
    const agent = detail.spanCosts.get(agentId)!;
    expect(agent).toMatchObject({ status: 'sum', costUsd: roundUsd(price(1000, 100) + price(300, 50)), total: { pricedCount: 2, unpricedCount: 0 } });
    expect(agent.status === 'sum' && agent.costUsd).toBe(detail.usage!.cost.costUsd);
    expect(formatCostUsd(agent)).toBe(formatCostUsd(detail.usage!.cost));
    expect(describeCost(agent)).toMatch(/^Sum of the 2 model calls under this span/);
  });

  it('the sum is a lower bound when a call under it is unpriced', () => {
    const { skeleton, spans, agentId } = agentTrace();
    spans[2]!.attributes['gen_ai.request.model'] = 'no-such-model-zz';
    const detail = computeTraceUsage(skeleton, spans.map((s) => ({ spanId: s.spanId, view: normalizeSpan(s) })), createPricer());
    const agent = detail.spanCosts.get(agentId)!;
    expect(agent).toMatchObject({ status: 'sum', total: { isLowerBound: true, pricedCount: 1, unpricedCount: 1 } });
    expect(formatCostUsd(agent)).toMatch(/^≥ \$/);
  });
});
