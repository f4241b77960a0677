/**
 * Arithmetic on a genai-prices model entry, for the token types Trace Lens knows (input, cache
 * read, cache write, output, reasoning). Mirrors genai-prices 0.1.x `calcPrice` exactly for such
 * usage (test/unit/pricing/dataParity.test.ts checks every bundled model against it):
 *
 * - `input_tokens` is cache-inclusive; each priced sub-unit (cache read, cache write, reasoning
 *   within output) is carved out of its parent and billed at its own rate; a sub-unit without a
 *   price stays in its parent (cached tokens at the input rate, reasoning at the output rate);
 * - a tiered price applies the rate of the highest tier whose `start` is strictly below the
 *   call's total (cache-inclusive) input tokens, to the whole quantity;
 * - a `requests_kcount` price adds one request;
 * - conditional prices (`start_date`, `time_of_date` constraints) are chosen by the call's time.
 *
 * Doing this here instead of calling `calcPrice` per span keeps pricing at a few µs per call
 * (calcPrice re-validates its unit graph on every call, ~25 µs); calcPrice is still used to
 * find the model (once per name, cached).
 */
import type { ModelInfo, ModelPrice } from '@pydantic/genai-prices';
import { roundUsd, type CostBreakdown, type TokenRates } from '../../model/cost';

export interface Tokens {
  /** Cache-inclusive. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** Reasoning-inclusive. */
  output: number;
  reasoning: number;
}

export interface TokenPrice {
  costUsd: number;
  breakdown: CostBreakdown;
  rates: TokenRates;
  /** The input-token threshold of the tier applied, when a long-context tier applied. */
  tierStart?: number;
}

/** The price record in force at `when` (genai-prices' constraint rules: the last matching entry wins). */
export function selectModelPrice(model: ModelInfo, when: Date): ModelPrice {
  if (!Array.isArray(model.prices)) return model.prices;
  const entries = model.prices;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (!entry) continue;
    const c = entry.constraint as Record<string, unknown> | undefined;
    if (c === undefined) return entry.prices;
    if (typeof c.start_date === 'string') {
      if (when.getTime() >= new Date(c.start_date).getTime()) return entry.prices;
    } else if (typeof c.start_time === 'string' && typeof c.end_time === 'string') {
      const t = when.getUTCHours() * 3600 + when.getUTCMinutes() * 60 + when.getUTCSeconds() + when.getUTCMilliseconds() / 1000;
      const start = secondsOfDayUtc(c.start_time);
      const end = secondsOfDayUtc(c.end_time);
      if (start === undefined || end === undefined) continue;
      if (end < start ? t >= start || t < end : t >= start && t < end) return entry.prices;
    }
  }
  return (entries[0] as { prices: ModelPrice }).prices;
}

/** `HH:MM:SS[.fff](Z|±HH:MM)` → seconds after UTC midnight. */
function secondsOfDayUtc(s: string): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (!m) return undefined;
  const local = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(`0.${m[4] ?? ''}`);
  const offset = m[5] === 'Z' ? 0 : (m[6] === '+' ? 1 : -1) * (Number(m[7]) * 60 + Number(m[8])) * 60;
  return (local - offset + 86400) % 86400;
}

/** Rate of one price key for a call with `inputTokens` total input tokens; `undefined` when unpriced. */
export function rateAt(price: ModelPrice[string], inputTokens: number): { rate: number; tierStart?: number } | undefined {
  if (price === undefined) return undefined;
  if (typeof price === 'number') return { rate: price };
  let rate = price.base;
  let tierStart: number | undefined;
  for (const tier of [...price.tiers].sort((a, b) => a.start - b.start)) {
    if (inputTokens > tier.start) {
      rate = tier.price;
      tierStart = tier.start;
    }
  }
  return tierStart === undefined ? { rate } : { rate, tierStart };
}

/** USD for each token type at the given rates (cache and reasoning carved out of input/output). */
export function breakdownFor(t: Tokens, r: TokenRates): CostBreakdown {
  return {
    inputUsd: roundUsd(((t.input - t.cacheRead - t.cacheWrite) * r.inputPerMTok) / 1e6),
    cacheReadUsd: roundUsd((t.cacheRead * r.cacheReadPerMTok) / 1e6),
    cacheWriteUsd: roundUsd((t.cacheWrite * r.cacheWritePerMTok) / 1e6),
    outputUsd: roundUsd(((t.output - t.reasoning) * r.outputPerMTok) / 1e6),
    reasoningUsd: roundUsd((t.reasoning * r.reasoningPerMTok) / 1e6),
    otherUsd: 0,
  };
}

export function sumBreakdown(b: CostBreakdown): number {
  return roundUsd(b.inputUsd + b.cacheReadUsd + b.cacheWriteUsd + b.outputUsd + b.reasoningUsd + b.otherUsd);
}

/**
 * The rates of a price record without tiers (every price used here a plain number or absent), as
 * `priceTokens` applies them, with the per-request fee (USD per 1,000 requests) when it has one;
 * `undefined` for a record with a tiered price or without any per-token price (then
 * `priceTokens` handles it). Computed once per price record (`createPricer` keeps it per model).
 */
export interface FlatRates {
  rates: Readonly<TokenRates>;
  requestsPerK: number | undefined;
}

/** `FlatRates` of a price record; `undefined` when it is tiered or has no per-token price. */
export function flatRates(p: ModelPrice): FlatRates | undefined {
  const input = p.input_mtok;
  const output = p.output_mtok;
  const cacheRead = p.cache_read_mtok;
  const cacheWrite = p.cache_write_mtok;
  const reasoning = p.output_reasoning_mtok;
  const requests = p.requests_kcount;
  if (input === undefined && output === undefined) return undefined;
  for (const v of [input, output, cacheRead, cacheWrite, reasoning, requests]) if (v !== undefined && typeof v !== 'number') return undefined;
  const inputRate = (input as number | undefined) ?? 0;
  const outputRate = (output as number | undefined) ?? 0;
  return {
    rates: {
      inputPerMTok: inputRate,
      cacheReadPerMTok: (cacheRead as number | undefined) ?? inputRate,
      cacheWritePerMTok: (cacheWrite as number | undefined) ?? inputRate,
      outputPerMTok: outputRate,
      reasoningPerMTok: (reasoning as number | undefined) ?? outputRate,
    },
    requestsPerK: requests as number | undefined,
  };
}

/** `priceTokens` for a record whose `flatRates` are `f`: the same result, without re-reading the record. */
export function priceFlat(f: FlatRates, t: Tokens): TokenPrice {
  const r = f.rates;
  const rates: TokenRates = {
    inputPerMTok: r.inputPerMTok,
    cacheReadPerMTok: r.cacheReadPerMTok,
    cacheWritePerMTok: r.cacheWritePerMTok,
    outputPerMTok: r.outputPerMTok,
    reasoningPerMTok: r.reasoningPerMTok,
  };
  const breakdown = breakdownFor(t, rates);
  // Per-request fee: one request, priced per 1,000.
  if (f.requestsPerK !== undefined) breakdown.otherUsd = roundUsd(f.requestsPerK / 1000);
  return { costUsd: sumBreakdown(breakdown), breakdown, rates };
}

/** Prices tokens with a model's price record; `undefined` when it has no per-token price at all. */
export function priceTokens(p: ModelPrice, t: Tokens): TokenPrice | undefined {
  if (p.input_mtok === undefined && p.output_mtok === undefined) return undefined;
  const input = rateAt(p.input_mtok, t.input) ?? { rate: 0 };
  const output = rateAt(p.output_mtok, t.input) ?? { rate: 0 };
  const cacheRead = rateAt(p.cache_read_mtok, t.input);
  const cacheWrite = rateAt(p.cache_write_mtok, t.input);
  const reasoning = rateAt(p.output_reasoning_mtok, t.input);
  const requests = rateAt(p.requests_kcount, t.input);
  const rates: TokenRates = {
    inputPerMTok: input.rate,
    cacheReadPerMTok: cacheRead?.rate ?? input.rate,
    cacheWritePerMTok: cacheWrite?.rate ?? input.rate,
    outputPerMTok: output.rate,
    reasoningPerMTok: reasoning?.rate ?? output.rate,
  };
  const breakdown = breakdownFor(t, rates);
  // Per-request fee: one request, priced per 1,000.
  if (requests) breakdown.otherUsd = roundUsd(requests.rate / 1000);
  const out: TokenPrice = { costUsd: sumBreakdown(breakdown), breakdown, rates };
  let tierStart: number | undefined;
  for (const x of [input, output, cacheRead, cacheWrite, reasoning, requests]) {
    if (x?.tierStart !== undefined && (tierStart === undefined || x.tierStart > tierStart)) tierStart = x.tierStart;
  }
  if (tierStart !== undefined) out.tierStart = tierStart;
  return out;
}
