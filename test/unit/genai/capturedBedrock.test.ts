/**
 * Amazon Bedrock, captured from real libraries (test/fixtures/genai/README.md, "Bedrock"): the
 * weather turn through the Converse API of `@aws-sdk/client-bedrock-runtime` against a stand-in
 * Bedrock Runtime, traced by the OpenTelemetry contrib `@opentelemetry/instrumentation-aws-sdk`
 * (GenAI conventions, no content) and by `@arizeai/openinference-instrumentation-bedrock`.
 *
 * The stand-in answered with the Converse `TokenUsage` below (Claude with a cache point after the
 * system prompt: `inputTokens` is the uncached part, `totalTokens` counts input + cache + output,
 * docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html). Expected prices are
 * genai-prices' own `calcPrice` for the tokens each span reports, never our readers' output.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { buildConversation, type ConversationSpan } from '../../../src/core/genai/conversation';
import { readRequestModel } from '../../../src/core/genai/fields';
import { createPricer, priceCall, priceInputFromView } from '../../../src/core/pricing/priceCall';
import { computeTraceUsage } from '../../../src/core/usage/traceUsage';
import { roundUsd } from '../../../src/model/cost';
import { genai, loadSpans, normalizeAll, skeletonOf, summarize } from '../../support/genai';

/** capture/lib/servers.mjs BEDROCK_MODEL_ID and BEDROCK_USAGE. */
const MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const USAGE = [
  { inputTokens: 25, outputTokens: 40, totalTokens: 1865, cacheReadInputTokens: 0, cacheWriteInputTokens: 1800 },
  { inputTokens: 60, outputTokens: 15, totalTokens: 1875, cacheReadInputTokens: 1800, cacheWriteInputTokens: 0 },
];

const startOf = (s: ConversationSpan) => new Date(Number(BigInt(s.span.startTimeUnixNano) / 1_000_000n));
const load = (name: string) => normalizeAll(loadSpans(genai(name)));
const modelCalls = (all: ConversationSpan[]) => all.filter((s) => s.view?.kind === 'llm');
/** genai-prices' price of input and output tokens of the Bedrock model at `at`. */
const bedrockPrice = (input: number, output: number, at: Date) => calcPrice({ input_tokens: input, output_tokens: output }, MODEL_ID, { providerId: 'aws', timestamp: at })!.total_price;

describe('Bedrock Converse through @opentelemetry/instrumentation-aws-sdk (bedrock-otel.otlp.json)', () => {
  const all = load('bedrock-otel.otlp.json');
  const calls = modelCalls(all);

  it('each Converse call is a model call of the Bedrock model id, priced like genai-prices on the tokens the span reports', () => {
    expect(calls).toHaveLength(2);
    calls.forEach((s, i) => {
      const u = USAGE[i]!;
      expect(s.view).toMatchObject({ provider: 'aws.bedrock', requestModel: MODEL_ID, usage: { inputTokens: u.inputTokens, outputTokens: u.outputTokens } });
      // The instrumentation reports neither cache counts nor a total: nothing says tokens are missing.
      expect(s.view!.usage!.unitemizedTokens).toBeUndefined();
      expect(priceCall(priceInputFromView(s.view!, startOf(s)))).toMatchObject({ status: 'priced', costUsd: roundUsd(bedrockPrice(u.inputTokens, u.outputTokens, startOf(s))) });
    });
    expect(calls.map((s) => s.view!.finishReasons)).toEqual([['tool_use'], ['end_turn']]);
  });

  it('no content is recorded: the model calls say so without naming a switch the instrumentation lacks; the tool span has its arguments and result', () => {
    for (const s of calls) {
      expect(s.view!.inputMessages?.length ?? 0).toBe(0);
      expect(s.view!.contentMissing).toBe(true);
      expect(s.view!.contentCaptureHint).toMatch(/has no option to include them.*@arizeai\/openinference-instrumentation-bedrock/);
      expect(s.view!.contentCaptureHint).not.toMatch(/OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT/);
    }
    const tool = all.find((s) => s.view?.kind === 'tool')!;
    expect(tool.view!.tool).toMatchObject({ name: 'get_weather', callId: 'tooluse_weather_1' });
  });
});

describe('Bedrock Converse through @arizeai/openinference-instrumentation-bedrock (bedrock-openinference.otlp.json)', () => {
  const all = load('bedrock-openinference.otlp.json');
  const calls = modelCalls(all);

  it('the requested model is the full model id from the recorded request, not the "anthropic" the instrumentation cut from it', () => {
    expect(calls).toHaveLength(2);
    for (const s of calls) {
      expect(s.span.attributes['llm.model_name']).toBe('anthropic');
      expect(s.view!.requestModel).toBe(MODEL_ID);
    }
  });

  it('the tokens in the total but in neither input nor output (the cache) are said, and the call is priced on the tokens it itemizes', () => {
    calls.forEach((s, i) => {
      const u = USAGE[i]!;
      expect(s.view!.usage).toMatchObject({ inputTokens: u.inputTokens, outputTokens: u.outputTokens, totalTokens: u.totalTokens });
      expect(s.view!.usage!.unitemizedTokens).toBe(u.cacheReadInputTokens + u.cacheWriteInputTokens);
      expect(priceCall(priceInputFromView(s.view!, startOf(s)))).toMatchObject({ status: 'priced', costUsd: roundUsd(bedrockPrice(u.inputTokens, u.outputTokens, startOf(s))) });
    });
    const detail = computeTraceUsage(skeletonOf(all), all.map((s) => ({ spanId: s.span.spanId, view: s.view })), createPricer());
    expect(detail.usage).toMatchObject({ modelCalls: 2, cost: { pricedCount: 2, unpricedCount: 0 }, tokens: { input: 85, output: 55 } });
  });

  it('the conversation: the question, the tool call, its result from the tool span, the answer', () => {
    const items = buildConversation('t', all).items.filter((i) => i.type !== 'agent');
    expect(items.map((i) => i.type)).toEqual(['modelCall', 'toolCall', 'modelCall']);
    const [first, , last] = items as Extract<(typeof items)[number], { type: 'modelCall' }>[];
    expect(summarize(first!.newInputMessages).at(-1)).toBe('user: What is the weather in Paris?');
    expect(summarize(first!.outputMessages)).toEqual(['assistant: tool_call get_weather(tooluse_weather_1) {"city":"Paris"}']);
    expect(summarize(last!.outputMessages)).toEqual(['assistant: It is 18°C and sunny in Paris.']);
  });
});

describe('readRequestModel', () => {
  const input = (modelId: string) => JSON.stringify({ modelId, messages: [] });
  it('keeps llm.model_name when the recorded request names another model, and on other providers', () => {
    expect(readRequestModel({ 'llm.provider': 'aws', 'llm.model_name': 'claude-3-haiku', 'input.value': input('amazon.nova-pro-v1:0') })).toBe('claude-3-haiku');
    expect(readRequestModel({ 'llm.provider': 'openai', 'llm.model_name': 'gpt', 'input.value': input('gpt-4o-mini') })).toBe('gpt');
    expect(readRequestModel({ 'llm.provider': 'aws', 'llm.model_name': 'anthropic', 'input.value': '{"messages":[],"modelId":"x"}' })).toBe('anthropic');
  });
  it('takes the full id on a Bedrock span whose name was cut from it', () => {
    expect(readRequestModel({ 'llm.provider': 'aws', 'llm.model_name': 'claude-3-5-sonnet-20240620', 'input.value': input('anthropic.claude-3-5-sonnet-20240620-v1:0') })).toBe('anthropic.claude-3-5-sonnet-20240620-v1:0');
  });
});
