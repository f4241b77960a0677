/**
 * Our price arithmetic (src/core/pricing/dataPrice.ts) must equal genai-prices' own `calcPrice`
 * for every bundled model, for usage with cached, cache-write and reasoning tokens, above and
 * below long-context tiers, at several dates and times of day. Re-run after every data refresh
 * (scripts/refresh-prices.mjs): a new unit rule in the data shows up here.
 */
import { calcPrice, findProvider, type Provider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { PRICE_DATA_INFO } from '../../../src/core/pricing/dataInfo';
import { flatRates, priceFlat, priceTokens, selectModelPrice, type Tokens } from '../../../src/core/pricing/dataPrice';

/** genai-prices provider ids of the bundled data (the test fails when a refresh adds one). */
const PROVIDER_IDS = [
  'anthropic', 'arcee', 'avian', 'aws', 'azure', 'baseten', 'cerebras', 'cloudflare', 'cohere', 'cursor', 'deepseek',
  'doubleword', 'fireworks', 'github-copilot', 'google', 'groq', 'huggingface_cerebras', 'huggingface_fireworks-ai',
  'huggingface_groq', 'huggingface_hyperbolic', 'huggingface_nebius', 'huggingface_novita', 'huggingface_nscale',
  'huggingface_ovhcloud', 'huggingface_publicai', 'huggingface_sambanova', 'huggingface_together', 'minimax', 'mistral',
  'modal', 'moonshotai', 'novita', 'openai', 'openrouter', 'ovhcloud', 'perplexity', 'quicksilverpro', 'together',
  'typesafe', 'voyageai', 'x-ai', 'zai', 'zhipuai',
];

const PROBE = 'trace-lens-parity-probe';

const USAGES: Tokens[] = [
  { input: 1248, cacheRead: 1024, cacheWrite: 0, output: 24, reasoning: 0 },
  { input: 250_000, cacheRead: 100_000, cacheWrite: 20_000, output: 5000, reasoning: 1000 },
  { input: 130_000, cacheRead: 0, cacheWrite: 0, output: 800, reasoning: 800 },
  { input: 200_000, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
  { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
];
const TIMES = ['2025-01-01T10:00:00Z', '2026-03-20T02:00:00Z', '2026-10-01T20:00:00Z', '2027-06-01T05:00:00Z'].map((s) => new Date(s));

function libUsage(t: Tokens): Record<string, number> {
  return {
    input_tokens: t.input,
    cache_read_tokens: t.cacheRead,
    cache_write_tokens: t.cacheWrite,
    output_tokens: t.output,
    output_reasoning_tokens: t.reasoning,
  };
}

describe('price arithmetic parity with genai-prices calcPrice', () => {
  const providers = PROVIDER_IDS.map((id) => findProvider({ providerId: id })).filter((p): p is Provider => p !== undefined);

  it('covers every bundled provider and model', () => {
    expect(providers.map((p) => p.id)).toEqual(PROVIDER_IDS);
    expect(providers.length).toBe(PRICE_DATA_INFO.providerCount);
    expect(providers.reduce((n, p) => n + p.models.length, 0)).toBe(PRICE_DATA_INFO.modelCount);
  });

  it('gives the same total for every model, usage and time', () => {
    let compared = 0;
    const mismatches: string[] = [];
    for (const provider of providers) {
      for (const model of provider.models) {
        // The entry alone, under a name only it matches, so calcPrice prices exactly this entry.
        const single: Provider = { ...provider, fallback_model_providers: [], models: [{ ...model, match: { equals: PROBE } }] };
        for (const when of TIMES) {
          for (const t of USAGES) {
            const ours = priceTokens(selectModelPrice(model, when), t);
            if (!ours) continue; // no per-token price: unpriced by us
            const lib = calcPrice(libUsage(t), PROBE, { provider: single, timestamp: when });
            if (!lib) throw new Error(`calcPrice found no price for ${provider.id}/${model.id}`);
            compared++;
            const diff = Math.abs(ours.costUsd - lib.total_price);
            if (diff > 1e-9 * Math.max(1, lib.total_price)) {
              mismatches.push(`${provider.id}/${model.id} @${when.toISOString()} ${JSON.stringify(t)}: ours ${ours.costUsd} lib ${lib.total_price}`);
            }
          }
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Entries without any per-token price (image, audio, OCR, rerank) are the only ones skipped.
    expect(compared).toBeGreaterThan(PRICE_DATA_INFO.modelCount * TIMES.length * USAGES.length * 0.85);
  });

  it('the rates a pricer keeps per model (flatRates, priceFlat) give what priceTokens gives', () => {
    let flat = 0;
    let other = 0;
    for (const provider of providers) {
      for (const model of provider.models) {
        const records = Array.isArray(model.prices) ? model.prices.map((e) => e.prices) : [model.prices];
        for (const p of records) {
          const f = flatRates(p);
          if (!f) {
            other++;
            continue;
          }
          flat++;
          for (const t of USAGES) expect(priceFlat(f, t), `${provider.id}/${model.id} ${JSON.stringify(t)}`).toEqual(priceTokens(p, t));
        }
      }
    }
    // Most records are flat; tiered ones and those without a per-token price are priced by priceTokens.
    expect(flat).toBeGreaterThan(PRICE_DATA_INFO.modelCount * 0.8);
    expect(other).toBeGreaterThan(0);
  });
});
