/**
 * Exact cost arithmetic against the bundled price data (@pydantic/genai-prices). The rates are
 * asserted too: when a data refresh changes one, these tests name the model whose price moved
 * (scripts/refresh-prices.mjs).
 */
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPricer, needsPrice, priceCall, priceInputFromView, type PriceCallInput } from '../../../src/core/pricing/priceCall';
import { formatCostUsd, sumCosts, type CallCost, type PriceOverride } from '../../../src/model/cost';

/** A fixed instant, so date- and time-of-day-dependent prices are deterministic. */
const AT = new Date('2026-10-01T20:00:00Z');

function priced(cost: CallCost): Extract<CallCost, { status: 'priced' }> {
  if (cost.status !== 'priced') throw new Error(`expected priced, got ${JSON.stringify(cost)}`);
  return cost;
}

function unpriced(cost: CallCost): Extract<CallCost, { status: 'unpriced' }> {
  if (cost.status !== 'unpriced') throw new Error(`expected unpriced, got ${JSON.stringify(cost)}`);
  return cost;
}

function call(input: Omit<PriceCallInput, 'timestamp'>, overrides: PriceOverride[] = []): CallCost {
  return priceCall({ timestamp: AT, ...input }, overrides);
}

/** genai-prices' own total for the same call (the reference our total must equal). */
function libTotal(usage: Record<string, number>, model: string, providerId: string): number {
  const r = calcPrice(usage, model, { providerId, timestamp: AT });
  if (!r) throw new Error(`no price for ${providerId}/${model}`);
  return r.total_price;
}

describe('priceCall with the bundled price data', () => {
  it('1,248 input + 24 output tokens on gpt-4o-mini', () => {
    const c = priced(call({ provider: 'openai', requestModel: 'gpt-4o-mini', usage: { inputTokens: 1248, outputTokens: 24 } }));
    // gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output, $0.075 / 1M cached input, no cache-write price.
    expect(c.rates).toEqual({
      inputPerMTok: 0.15,
      cacheReadPerMTok: 0.075,
      cacheWritePerMTok: 0.15,
      outputPerMTok: 0.6,
      reasoningPerMTok: 0.6,
    });
    // 1,248 × 0.15 / 1e6 = 0.0001872; 24 × 0.60 / 1e6 = 0.0000144.
    expect(c.breakdown).toEqual({
      inputUsd: 0.0001872,
      cacheReadUsd: 0,
      cacheWriteUsd: 0,
      outputUsd: 0.0000144,
      reasoningUsd: 0,
      otherUsd: 0,
    });
    expect(c.costUsd).toBe(0.0002016);
    expect(c.costUsd).toBeCloseTo(libTotal({ input_tokens: 1248, output_tokens: 24 }, 'gpt-4o-mini', 'openai'), 15);
    expect(c).toMatchObject({ model: 'gpt-4o-mini', source: 'genai-prices', pricedAs: 'openai/gpt-4o-mini', contextWindow: 128000 });
    expect(c.tierAboveInputTokens).toBeUndefined();
    expect(formatCostUsd(c)).toBe('$0.000202');
  });

  it('1,024 of 1,248 input tokens read from the cache: cached tokens are carved out of input, not added', () => {
    const usage = { inputTokens: 1248, cacheReadTokens: 1024, outputTokens: 24 };
    const c = priced(call({ provider: 'openai', responseModel: 'gpt-4o-mini-2024-07-18', usage }));
    // (1,248 − 1,024) × 0.15 = 33.6e-6; 1,024 × 0.075 = 76.8e-6; 24 × 0.60 = 14.4e-6.
    expect(c.breakdown.inputUsd).toBe(0.0000336);
    expect(c.breakdown.cacheReadUsd).toBe(0.0000768);
    expect(c.breakdown.outputUsd).toBe(0.0000144);
    expect(c.costUsd).toBe(0.0001248);
    // genai-prices takes input_tokens cache-inclusive, exactly like OTel.
    expect(c.costUsd).toBeCloseTo(
      libTotal({ input_tokens: 1248, cache_read_tokens: 1024, output_tokens: 24 }, 'gpt-4o-mini', 'openai'),
      15,
    );
    // Counting the cached tokens on top of the input would give 0.0002784: not what we do.
    expect(c.costUsd).toBeLessThan(0.0002016);
  });

  it('cache writes and reads at their own rates (Anthropic)', () => {
    const usage = { inputTokens: 3000, cacheWriteTokens: 2000, cacheReadTokens: 500, outputTokens: 100 };
    const c = priced(call({ provider: 'anthropic', responseModel: 'claude-sonnet-4-20250514', usage }));
    expect(c.rates).toMatchObject({ inputPerMTok: 3, cacheWritePerMTok: 3.75, cacheReadPerMTok: 0.3, outputPerMTok: 15 });
    // 500 × 3 + 2,000 × 3.75 + 500 × 0.3 + 100 × 15 = 1,500 + 7,500 + 150 + 1,500 (× 1e-6).
    expect(c.breakdown).toMatchObject({ inputUsd: 0.0015, cacheWriteUsd: 0.0075, cacheReadUsd: 0.00015, outputUsd: 0.0015 });
    expect(c.costUsd).toBe(0.01065);
    expect(c.costUsd).toBeCloseTo(
      libTotal({ input_tokens: 3000, cache_write_tokens: 2000, cache_read_tokens: 500, output_tokens: 100 }, 'claude-sonnet-4-20250514', 'anthropic'),
      15,
    );
    expect(c.pricedAs).toBe('anthropic/claude-sonnet-4-0');
  });

  it('reasoning model without a reasoning rate: reasoning tokens are output tokens at the output rate', () => {
    const usage = { inputTokens: 2000, outputTokens: 1500, reasoningTokens: 1200 };
    const c = priced(call({ provider: 'openai', responseModel: 'o3-mini-2025-01-31', usage }));
    expect(c.rates).toMatchObject({ inputPerMTok: 1.1, outputPerMTok: 4.4, reasoningPerMTok: 4.4 });
    // 2,000 × 1.1 = 2,200e-6; (1,500 − 1,200) × 4.4 = 1,320e-6; 1,200 × 4.4 = 5,280e-6.
    expect(c.breakdown).toMatchObject({ inputUsd: 0.0022, outputUsd: 0.00132, reasoningUsd: 0.00528, otherUsd: 0 });
    expect(c.costUsd).toBe(0.0088);
    // Same as 1,500 output tokens at 4.4: reasoning is not billed twice.
    expect(c.costUsd).toBeCloseTo(libTotal({ input_tokens: 2000, output_tokens: 1500 }, 'o3-mini', 'openai'), 15);
  });

  it('reasoning model with its own reasoning rate (Perplexity sonar-deep-research)', () => {
    const usage = { inputTokens: 1000, outputTokens: 2000, reasoningTokens: 1500 };
    const c = priced(call({ provider: 'perplexity', responseModel: 'sonar-deep-research', usage }));
    expect(c.rates).toMatchObject({ inputPerMTok: 2, outputPerMTok: 8, reasoningPerMTok: 3 });
    // 1,000 × 2 + 500 × 8 + 1,500 × 3 = 2,000 + 4,000 + 4,500 (× 1e-6).
    expect(c.breakdown).toMatchObject({ inputUsd: 0.002, outputUsd: 0.004, reasoningUsd: 0.0045, otherUsd: 0 });
    expect(c.costUsd).toBe(0.0105);
    expect(c.costUsd).toBeCloseTo(
      libTotal({ input_tokens: 1000, output_tokens: 2000, output_reasoning_tokens: 1500 }, 'sonar-deep-research', 'perplexity'),
      15,
    );
  });

  it('tiered price: gemini-2.5-pro above 200k input tokens', () => {
    const base = priced(call({ provider: 'gcp.gemini', responseModel: 'gemini-2.5-pro', usage: { inputTokens: 200_000, outputTokens: 1000 } }));
    // At exactly 200,000 the base rates apply: 200,000 × 1.25 + 1,000 × 10.
    expect(base.rates).toMatchObject({ inputPerMTok: 1.25, outputPerMTok: 10, cacheReadPerMTok: 0.125 });
    expect(base.costUsd).toBe(0.26);
    expect(base.tierAboveInputTokens).toBeUndefined();

    const usage = { inputTokens: 250_000, cacheReadTokens: 100_000, outputTokens: 1000 };
    const long = priced(call({ provider: 'gcp.gemini', responseModel: 'gemini-2.5-pro', usage }));
    // Above 200,000 input tokens every token type moves to its long-context rate.
    expect(long.rates).toMatchObject({ inputPerMTok: 2.5, outputPerMTok: 15, cacheReadPerMTok: 0.25 });
    // 150,000 × 2.5 + 100,000 × 0.25 + 1,000 × 15 = 375,000 + 25,000 + 15,000 (× 1e-6).
    expect(long.breakdown).toMatchObject({ inputUsd: 0.375, cacheReadUsd: 0.025, outputUsd: 0.015 });
    expect(long.costUsd).toBe(0.415);
    expect(long.tierAboveInputTokens).toBe(200_000);
    expect(long.costUsd).toBeCloseTo(
      libTotal({ input_tokens: 250_000, cache_read_tokens: 100_000, output_tokens: 1000 }, 'gemini-2.5-pro', 'google'),
      12,
    );
  });

  it('tier threshold counts cached tokens (input is cache-inclusive): claude-sonnet-4-5', () => {
    const usage = { inputTokens: 210_000, cacheReadTokens: 200_000, outputTokens: 0 };
    const c = priced(call({ provider: 'anthropic', responseModel: 'claude-sonnet-4-5-20250929', usage }));
    expect(c.rates).toMatchObject({ inputPerMTok: 6, cacheReadPerMTok: 0.6 });
    // 10,000 × 6 + 200,000 × 0.6 = 60,000 + 120,000 (× 1e-6).
    expect(c.costUsd).toBe(0.18);
  });

  it('time-of-day prices follow the call timestamp (DeepSeek off-peak)', () => {
    const input = { provider: 'deepseek', responseModel: 'deepseek-chat', usage: { inputTokens: 1_000_000, outputTokens: 0 } };
    const peak = priced(priceCall({ ...input, timestamp: new Date('2026-10-01T10:00:00Z') }));
    const offPeak = priced(priceCall({ ...input, timestamp: new Date('2026-10-01T20:00:00Z') }));
    expect(peak.rates.inputPerMTok).toBe(0.27);
    expect(offPeak.rates.inputPerMTok).toBe(0.135);
    expect(peak.costUsd).toBe(0.27);
    expect(offPeak.costUsd).toBe(0.135);
  });

  it('a per-request fee is reported as otherUsd so the parts add up (Perplexity sonar)', () => {
    const c = priced(call({ provider: 'perplexity', responseModel: 'sonar', usage: { inputTokens: 1000, outputTokens: 500 } }));
    // 1,000 × 1 + 500 × 1 (× 1e-6) + $12 per 1,000 requests.
    expect(c.breakdown).toMatchObject({ inputUsd: 0.001, outputUsd: 0.0005, otherUsd: 0.012 });
    expect(c.costUsd).toBe(0.0135);
  });

  it('embeddings: input only', () => {
    const c = priced(call({ provider: 'openai', requestModel: 'text-embedding-3-small', usage: { inputTokens: 5000 } }));
    expect(c.rates.inputPerMTok).toBe(0.02);
    expect(c.costUsd).toBe(0.0001);
  });
});

describe('model and provider names', () => {
  const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
  const cases: [string, PriceCallInput, string, number][] = [
    ['dated OpenAI snapshot', { provider: 'openai', responseModel: 'gpt-4o-mini-2024-07-18' }, 'openai/gpt-4o-mini', 0.75],
    ['provider-prefixed name', { provider: 'openai', responseModel: 'openai/gpt-4o' }, 'openai/gpt-4o', 12.5],
    ['provider-prefixed name, no provider', { responseModel: 'openai/gpt-4o' }, 'openai/gpt-4o', 12.5],
    ['no provider: detected from the model name', { requestModel: 'gpt-4o' }, 'openai/gpt-4o', 12.5],
    ['Bedrock cross-region id', { provider: 'aws.bedrock', responseModel: 'us.anthropic.claude-3-5-sonnet-20240620-v1:0' }, 'aws/regional.anthropic.claude-3-5-sonnet-20240620-v1:0', 18],
    ['Bedrock id', { provider: 'aws.bedrock', requestModel: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }, 'aws/regional.anthropic.claude-3-5-sonnet-20240620-v1:0', 18],
    ['Bedrock id without a provider', { requestModel: 'eu.anthropic.claude-3-5-sonnet-20240620-v1:0' }, 'anthropic/claude-3-5-sonnet', 18],
    ['Vertex AI @version', { provider: 'gcp.vertex_ai', responseModel: 'claude-3-5-sonnet@20240620' }, 'google/claude-3-5-sonnet', 18],
    ['Gemini models/ prefix', { provider: 'gcp.gemini', responseModel: 'models/gemini-2.5-pro' }, 'google/gemini-2.5-pro', 17.5],
    ['Azure OpenAI: response model behind a deployment name', { provider: 'azure.ai.openai', requestModel: 'prod-chat', responseModel: 'gpt-4o-2024-11-20' }, 'azure/gpt-4o', 12.5],
    ['Azure, pre-1.35 provider value', { provider: 'az.ai.openai', responseModel: 'gpt-4o' }, 'azure/gpt-4o', 12.5],
    ['xAI x_ai', { provider: 'x_ai', responseModel: 'grok-3' }, 'x-ai/grok-3', 18],
    ['xAI deprecated xai', { provider: 'xai', responseModel: 'grok-3' }, 'x-ai/grok-3', 18],
    ['Mistral mistral_ai', { provider: 'mistral_ai', responseModel: 'mistral-large-latest' }, 'mistral/mistral-large', 8],
    ['Groq', { provider: 'groq', responseModel: 'llama-3.1-8b-instant' }, 'groq/llama-3.1-8b-instant', 0.13],
    ['Vercel AI SDK provider id', { provider: 'openai.chat', responseModel: 'gpt-4o' }, 'openai/gpt-4o', 12.5],
    ['OpenAI-compatible client talking to DeepSeek', { provider: 'openai', responseModel: 'deepseek-chat' }, 'deepseek/deepseek-chat', 0.685],
    ['unknown response model falls back to the request model', { provider: 'openai', responseModel: 'gpt-4o-mini-canary-x', requestModel: 'gpt-4o-mini' }, 'openai/gpt-4o-mini', 0.75],
  ];
  for (const [title, input, pricedAs, usd] of cases) {
    it(title, () => {
      const c = priced(call({ ...input, usage }));
      expect(c.pricedAs).toBe(pricedAs);
      expect(c.costUsd).toBe(usd);
    });
  }

  it('reports the span model name that matched', () => {
    const c = priced(call({ provider: 'openai', responseModel: 'gpt-4o-mini-canary-x', requestModel: 'gpt-4o-mini', usage }));
    expect(c.model).toBe('gpt-4o-mini');
  });

  it('an Azure deployment name alone is unknown', () => {
    const c = unpriced(call({ provider: 'azure.ai.openai', requestModel: 'prod-chat', usage }));
    expect(c.reason).toBe('unknown-model');
    expect(c.detail).toContain('traceLens.pricing.models');
  });

  it('a dated snapshot the data does not list is not guessed from the undated model', () => {
    expect(unpriced(call({ provider: 'openai', responseModel: 'gpt-4o-mini-2099-01-01', usage })).reason).toBe('unknown-model');
  });
});

describe('overrides', () => {
  const usage = { inputTokens: 1000, outputTokens: 500 };

  it('exact name, case-insensitive, also without a provider prefix', () => {
    const overrides: PriceOverride[] = [{ match: 'My-Finetune', inputPerMTok: 1, outputPerMTok: 2 }];
    for (const name of ['my-finetune', 'MY-FINETUNE', 'acme/my-finetune']) {
      const c = priced(call({ provider: 'openai', responseModel: name, usage }, overrides));
      expect(c.source).toBe('override');
      expect(c.pricedAs).toBe('My-Finetune');
      // 1,000 × 1 + 500 × 2 (× 1e-6).
      expect(c.costUsd).toBe(0.002);
    }
    expect(unpriced(call({ provider: 'openai', responseModel: 'my-finetune-2', usage }, overrides)).reason).toBe('unknown-model');
  });

  it('regex, with a cache-read rate and a context window', () => {
    const overrides: PriceOverride[] = [
      { match: '/^acme-.*-v\\d+$/i', inputPerMTok: 0.5, outputPerMTok: 1.5, cacheReadPerMTok: 0.05, contextWindow: 32_000 },
    ];
    const c = priced(call({ responseModel: 'ACME-chat-v2', usage: { inputTokens: 1000, cacheReadTokens: 600, outputTokens: 200 } }, overrides));
    // 400 × 0.5 + 600 × 0.05 + 200 × 1.5 = 200 + 30 + 300 (× 1e-6).
    expect(c.breakdown).toMatchObject({ inputUsd: 0.0002, cacheReadUsd: 0.00003, outputUsd: 0.0003, otherUsd: 0 });
    expect(c.costUsd).toBe(0.00053);
    expect(c.rates).toEqual({ inputPerMTok: 0.5, cacheReadPerMTok: 0.05, cacheWritePerMTok: 0.5, outputPerMTok: 1.5, reasoningPerMTok: 1.5 });
    expect(c.contextWindow).toBe(32_000);
    expect(call({ responseModel: 'acme-chat', usage }, overrides).status).toBe('unpriced');
  });

  it('comes before the bundled data, and the first matching entry wins', () => {
    const overrides: PriceOverride[] = [
      { match: '/^gpt-4o-mini/', inputPerMTok: 10, outputPerMTok: 10 },
      { match: 'gpt-4o-mini', inputPerMTok: 99, outputPerMTok: 99 },
    ];
    const c = priced(call({ provider: 'openai', responseModel: 'gpt-4o-mini-2024-07-18', usage }, overrides));
    expect(c.source).toBe('override');
    expect(c.costUsd).toBe(0.015);
  });

  it('a request-model override (Azure deployment) wins over the bundled response model', () => {
    const overrides: PriceOverride[] = [{ match: 'prod-chat', inputPerMTok: 5, outputPerMTok: 5 }];
    const c = priced(call({ provider: 'azure.ai.openai', requestModel: 'prod-chat', responseModel: 'gpt-4o-2024-11-20', usage }, overrides));
    expect(c).toMatchObject({ source: 'override', model: 'prod-chat', costUsd: 0.0075 });
  });

  it('can be restricted to a provider', () => {
    const overrides: PriceOverride[] = [{ provider: 'Ollama', match: '/.*/', inputPerMTok: 0, outputPerMTok: 0 }];
    expect(priced(call({ provider: 'ollama', responseModel: 'llama3.2:latest', usage }, overrides)).costUsd).toBe(0);
    expect(priced(call({ provider: 'openai', responseModel: 'gpt-4o-mini', usage }, overrides)).source).toBe('genai-prices');
  });

  it('createPricer gives the same results as priceCall', () => {
    const overrides: PriceOverride[] = [{ match: 'x-model', inputPerMTok: 1, outputPerMTok: 1 }];
    const pricer = createPricer(overrides);
    const input = { responseModel: 'x-model', usage, timestamp: AT };
    expect(pricer.price(input)).toEqual(priceCall(input, overrides));
  });
});

describe('local providers', () => {
  const usage = { inputTokens: 1000, outputTokens: 500 };

  it('an Ollama model is unpriced unless overridden, even when its name is a cloud model', () => {
    const c = unpriced(call({ provider: 'ollama', responseModel: 'llama3.2', usage }));
    expect(c.reason).toBe('local-provider');
    expect(c.detail).toContain('traceLens.pricing.models');
    // gpt-oss-20b is in OpenAI's price list; run locally it must not be priced as OpenAI's.
    expect(unpriced(call({ provider: 'ollama', responseModel: 'gpt-oss-20b', usage })).reason).toBe('local-provider');
    expect(unpriced(call({ provider: 'lmstudio', responseModel: 'qwen2.5-7b-instruct', usage })).reason).toBe('local-provider');
  });

  it('priced at 0 by an override', () => {
    const c = priced(call({ provider: 'ollama', responseModel: 'llama3.2', usage }, [{ match: 'llama3.2', inputPerMTok: 0, outputPerMTok: 0 }]));
    expect(c).toMatchObject({ source: 'override', costUsd: 0 });
    expect(formatCostUsd(c)).toBe('$0.00');
  });
});

describe('reported cost, unknown models and bad usage', () => {
  it('a cost the span carries wins', () => {
    const c = call({ provider: 'openai', responseModel: 'gpt-4o-mini', usage: { inputTokens: 1248, outputTokens: 24 }, reportedCostUsd: 0.5 });
    expect(c).toEqual({ status: 'reported', costUsd: 0.5, model: 'gpt-4o-mini', contextWindow: 128000 });
    expect(call({ responseModel: 'mystery', usage: { inputTokens: 1 }, reportedCostUsd: 0.01 })).toEqual({ status: 'reported', costUsd: 0.01 });
  });

  it('a reported 0 for a call that used tokens is not trusted (OpenLIT writes 0 for models it cannot price)', () => {
    const c = call({ provider: 'openai', responseModel: 'gpt-4o-mini', usage: { inputTokens: 1248, outputTokens: 24 }, reportedCostUsd: 0 });
    expect(priced(c).costUsd).toBe(0.0002016);
    expect(call({ responseModel: 'gpt-4o-mini', usage: { inputTokens: 0, outputTokens: 0 }, reportedCostUsd: 0 }).status).toBe('reported');
  });

  it('unknown model → unpriced, and a total including it is a lower bound listing it', () => {
    const unknown = unpriced(call({ provider: 'acme', responseModel: 'mystery-model', usage: { inputTokens: 10, outputTokens: 5 } }));
    expect(unknown.reason).toBe('unknown-model');
    expect(formatCostUsd(unknown)).toBe('—');
    const known = call({ provider: 'openai', responseModel: 'gpt-4o-mini', usage: { inputTokens: 1248, outputTokens: 24 } });
    const total = sumCosts([known, unknown, unknown]);
    expect(total).toEqual({
      costUsd: 0.0002016,
      isLowerBound: true,
      unpricedModels: ['acme/mystery-model'],
      reportedCount: 0,
      pricedCount: 1,
      unpricedCount: 2,
    });
    expect(formatCostUsd(total)).toBe('≥ $0.000202');
  });

  it('no model, no usage, contradictory usage', () => {
    expect(unpriced(call({ provider: 'openai', usage: { inputTokens: 1 } })).reason).toBe('no-model');
    expect(unpriced(call({ provider: 'openai', responseModel: 'gpt-4o-mini' })).reason).toBe('no-usage');
    expect(unpriced(call({ provider: 'openai', responseModel: 'gpt-4o-mini', usage: { totalTokens: 100 } })).detail).toContain('only a total');
    const nonInclusive = unpriced(call({ provider: 'anthropic', responseModel: 'claude-sonnet-4-20250514', usage: { inputTokens: 10, cacheReadTokens: 5000, outputTokens: 5 } }));
    expect(nonInclusive.reason).toBe('invalid-usage');
    expect(unpriced(call({ provider: 'openai', responseModel: 'o3-mini', usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 6 } })).reason).toBe('invalid-usage');
    expect(unpriced(call({ provider: 'openai', responseModel: 'gpt-4o-mini', usage: { inputTokens: -1, outputTokens: 5 } })).reason).toBe('invalid-usage');
  });

  it('a priced model without token counts is listed with the reason, not as a model without a price', () => {
    const total = sumCosts([
      call({ provider: 'openai', responseModel: 'gpt-4o-mini' }),
      call({ provider: 'anthropic', responseModel: 'claude-sonnet-4-20250514', usage: { inputTokens: 10, cacheReadTokens: 5000, outputTokens: 5 } }),
      call({ provider: 'openai', responseModel: 'my-finetune-xyz', usage: { inputTokens: 10, outputTokens: 5 } }),
    ]);
    expect(total.unpricedModels).toEqual(['openai/gpt-4o-mini (no token counts)', 'anthropic/claude-sonnet-4-20250514 (token counts contradict)', 'openai/my-finetune-xyz']);
  });

  it('needsPrice: model calls and spans with usage or a reported cost', () => {
    expect(needsPrice({ kind: 'llm', conventions: [] })).toBe(true);
    expect(needsPrice({ kind: 'embeddings', conventions: [] })).toBe(true);
    expect(needsPrice({ kind: 'agent', conventions: [], usage: { inputTokens: 5 }, usageIsAggregate: true })).toBe(true);
    expect(needsPrice({ kind: 'workflow', conventions: [], reportedCostUsd: 0.1 })).toBe(true);
    expect(needsPrice({ kind: 'tool', conventions: [] })).toBe(false);
    expect(needsPrice(null)).toBe(false);
  });

  it('priceInputFromView maps the normalized view', () => {
    const input = priceInputFromView(
      { kind: 'llm', conventions: ['otel-genai'], provider: 'openai', requestModel: 'gpt-4o-mini', usage: { inputTokens: 1248, outputTokens: 24 } },
      AT,
    );
    expect(input).toEqual({ provider: 'openai', requestModel: 'gpt-4o-mini', usage: { inputTokens: 1248, outputTokens: 24 }, timestamp: AT });
    expect(priced(priceCall(input)).costUsd).toBe(0.0002016);
  });
});

describe('lookups kept by a pricer', () => {
  const overrides: PriceOverride[] = [{ match: 'x-model', inputPerMTok: 3, outputPerMTok: 4 }, { provider: 'ollama', match: '/llama/', inputPerMTok: 0, outputPerMTok: 0 }];
  const names: Pick<PriceCallInput, 'provider' | 'requestModel' | 'responseModel'>[] = [
    { provider: 'openai', requestModel: 'gpt-4o-mini' },
    { provider: ' openai ', requestModel: ' gpt-4o-mini ' },
    { provider: '', requestModel: 'gpt-4o-mini' },
    { requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18' },
    { requestModel: 'gpt-4o-mini-2024-07-18', responseModel: 'gpt-4o-mini' },
    { provider: 'openai', responseModel: 'gpt-4o', requestModel: 'x-model' },
    { provider: 'deepseek', responseModel: 'deepseek-chat' }, // time-of-day prices
    { provider: 'google', requestModel: 'gemini-2.5-pro' }, // tiered prices
    { provider: 'perplexity', responseModel: 'sonar' }, // a per-request fee
    { provider: 'ollama', requestModel: 'llama3.2' },
    { provider: 'lmstudio', requestModel: 'llama3.2' },
    { provider: 'openai', requestModel: 'no-such-model' },
    { provider: 'openai' },
    {},
  ];
  const usages = [{ inputTokens: 1248, outputTokens: 24, cacheReadTokens: 1024 }, { inputTokens: 250_000, outputTokens: 10 }, { totalTokens: 5 }, { inputTokens: -1 }];
  const times = [new Date('2026-10-01T10:00:00Z'), new Date('2026-10-01T20:00:00Z')];
  const inputs: PriceCallInput[] = [];
  for (const n of names) for (const usage of usages) for (const timestamp of times) inputs.push({ ...n, usage, timestamp });

  it('one pricer, in any order, prices each call as a new pricer does', () => {
    const pricer = createPricer(overrides);
    for (const order of [inputs, [...inputs].reverse()]) {
      for (const input of order) expect(pricer.price(input), JSON.stringify(input)).toEqual(createPricer(overrides).price(input));
    }
  });

  it('a result is the caller\'s: changing it changes no later result', () => {
    const pricer = createPricer([]);
    const input = { provider: 'openai', requestModel: 'gpt-4o-mini', usage: { inputTokens: 1000, outputTokens: 10 }, timestamp: AT };
    const first = priced(pricer.price(input));
    const want = structuredClone(first);
    first.rates.inputPerMTok = 99;
    first.breakdown.inputUsd = 99;
    expect(pricer.price(input)).toEqual(want);
  });

  it('new overrides are not answered from the lookups of the pricer before them', () => {
    const input = { provider: 'openai', requestModel: 'gpt-4o-mini', usage: { inputTokens: 1000, outputTokens: 10 }, timestamp: AT };
    expect(priced(priceCall(input)).source).toBe('genai-prices');
    expect(priced(priceCall(input, [{ match: 'gpt-4o-mini', inputPerMTok: 1, outputPerMTok: 2 }])).costUsd).toBe(0.00102);
    expect(priced(createPricer([]).price(input)).costUsd).toBe(0.000156);
    expect(priced(createPricer([{ match: '/mini/', inputPerMTok: 1000, outputPerMTok: 2000 }]).price(input)).costUsd).toBe(1.02);
  });

  it('past the lookup limit (5,000 spellings), results stay the same', () => {
    const pricer = createPricer(overrides);
    const want = inputs.map((input) => pricer.price(input));
    for (let i = 0; i < 6000; i++) pricer.price({ requestModel: `model-${i}`, usage: { inputTokens: 1, outputTokens: 1 }, timestamp: AT });
    expect(inputs.map((input) => pricer.price(input))).toEqual(want);
  });
});

describe('offline', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never touches the network', () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in pricing'));
    const c = createPricer([]).price({ provider: 'anthropic', responseModel: 'claude-sonnet-4-5', usage: { inputTokens: 10, outputTokens: 10 }, timestamp: AT });
    expect(c.status).toBe('priced');
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
