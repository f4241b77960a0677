/**
 * Gemini, captured from a real library (test/fixtures/genai/README.md, "Gemini"): the weather turn
 * through `@google/genai` against a stand-in Gemini API, traced by OpenLLMetry's
 * `@traceloop/instrumentation-google-generativeai`. Gemini 2.5 thinks: its `candidatesTokenCount`
 * excludes the thoughts (`thoughtsTokenCount`), which the instrumentation passes through as output
 * and reasoning tokens. Expected tokens and prices are genai-prices' own: its Google usage
 * extractor applied to the `usageMetadata` the stand-in returned, then its `calcPrice`.
 */
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { buildConversation, type ConversationSpan } from '../../../src/core/genai/conversation';
import { genaiBadge, spanGenAiFacts } from '../../../src/core/genai/badge';
import { decideOutputReading } from '../../../src/core/genai/tokenReading';
import { createPricer, priceCall, priceInputFromView } from '../../../src/core/pricing/priceCall';
import { computeTraceUsage } from '../../../src/core/usage/traceUsage';
import { roundUsd } from '../../../src/model/cost';
import { genai, loadSpans, normalizeAll, skeletonOf, summarize } from '../../support/genai';

/** capture/lib/servers.mjs GEMINI_MODEL and GEMINI_USAGE. */
const MODEL = 'gemini-2.5-flash';
const USAGE = [
  { promptTokenCount: 42, candidatesTokenCount: 17, thoughtsTokenCount: 120, totalTokenCount: 179 },
  { promptTokenCount: 71, cachedContentTokenCount: 32, candidatesTokenCount: 12, thoughtsTokenCount: 64, totalTokenCount: 147 },
];

const startOf = (s: ConversationSpan) => new Date(Number(BigInt(s.span.startTimeUnixNano) / 1_000_000n));
/** genai-prices' reading of one response's usage, and its price at `at`. */
function google(usageMetadata: (typeof USAGE)[number], at: Date) {
  const { usage } = extractUsage(findProvider({ providerId: 'google' })!, { modelVersion: MODEL, usageMetadata }, 'default');
  return { usage, price: calcPrice(usage, MODEL, { providerId: 'google', timestamp: at })!.total_price };
}

describe('Gemini through @traceloop/instrumentation-google-generativeai (gemini-openllmetry.otlp.json)', () => {
  const all = normalizeAll(loadSpans(genai('gemini-openllmetry.otlp.json')));
  const calls = all.filter((s) => s.view?.kind === 'llm');

  it('output tokens include the thoughts (reported apart), and each call is priced like genai-prices, not refused as contradicting', () => {
    expect(calls).toHaveLength(2);
    calls.forEach((s, i) => {
      const want = google(USAGE[i]!, startOf(s));
      const u = s.view!.usage!;
      expect(u).toMatchObject({ inputTokens: want.usage.input_tokens, outputTokens: want.usage.output_tokens, reasoningTokens: want.usage.output_reasoning_tokens, totalTokens: USAGE[i]!.totalTokenCount });
      expect(u.outputReading).toMatchObject({ reasoning: 'excluded', reportedOutputTokens: USAGE[i]!.candidatesTokenCount });
      expect(u.unitemizedTokens).toBeUndefined();
      expect(priceCall(priceInputFromView(s.view!, startOf(s)))).toMatchObject({ status: 'priced', costUsd: roundUsd(want.price) });
      // The waterfall row's badge (read at ingest by the cheaper path) says the same.
      expect(genaiBadge(s.span)).toMatchObject({ inputTokens: want.usage.input_tokens, outputTokens: want.usage.output_tokens });
      expect(spanGenAiFacts(s.span)?.badge).toMatchObject({ outputTokens: want.usage.output_tokens });
    });
    expect(calls[1]!.view!.usage!.cacheReadTokens).toBe(32);
    const detail = computeTraceUsage(skeletonOf(all), all.map((s) => ({ spanId: s.span.spanId, view: s.view })), createPricer());
    expect(detail.usage!.cost).toMatchObject({ pricedCount: 2, unpricedCount: 0, isLowerBound: false });
    expect(detail.usage!.cost.costUsd).toBe(roundUsd(calls.reduce((sum, s, i) => sum + google(USAGE[i]!, startOf(s)).price, 0)));
  });

  it('the conversation: system, question, function call, the tool, the answer', () => {
    const items = buildConversation('t', all).items.filter((i) => i.type !== 'agent');
    expect(items.map((i) => i.type)).toEqual(['modelCall', 'toolCall', 'modelCall']);
    const [first, , last] = items as Extract<(typeof items)[number], { type: 'modelCall' }>[];
    expect(summarize(first!.newInputMessages).at(-1)).toBe('user: What is the weather in Paris?');
    expect(summarize(first!.outputMessages)[0]).toMatch(/^assistant: tool_call get_weather/);
    expect(summarize(last!.outputMessages)).toEqual(['assistant: It is 18°C and sunny in Paris.']);
  });
});

describe('decideOutputReading', () => {
  it('changes nothing when the output already includes reasoning (OTel, OpenAI), or without a reasoning count', () => {
    expect(decideOutputReading({ input: 10, output: 50, total: 60, reasoning: 30 })).toBeUndefined();
    expect(decideOutputReading({ input: 10, output: 50, reasoning: 30 })).toBeUndefined();
    expect(decideOutputReading({ input: 10, output: 50, total: 60 })).toBeUndefined();
    expect(decideOutputReading({ input: 10, output: 50, total: 60, reasoning: 0 })).toBeUndefined();
  });
  it('says excluded when the numbers prove it: reasoning above output, or a total of input + output + reasoning', () => {
    expect(decideOutputReading({ output: 17, reasoning: 120 })?.reasoning).toBe('excluded');
    expect(decideOutputReading({ input: 10, output: 50, total: 90, reasoning: 30 })?.because).toMatch(/total \(90\) is input \+ output \+ reasoning/);
  });
});
