/**
 * The cost of one model call: reported cost → user override → bundled price data
 * (`@pydantic/genai-prices`, offline; its remote update is never used) → unpriced.
 * genai-prices finds the model (once per provider + model names, cached); ./dataPrice.ts does
 * the arithmetic with its rules. Decisions and semantics: ./README.md.
 */
import { calcPrice } from '@pydantic/genai-prices';
import type { ModelInfo, PriceCalculation } from '@pydantic/genai-prices';
import type { GenAiSpanView, GenAiUsage } from '../../model/genai';
import { formatInteger } from '../../model/format';
import { MAX_CALL_COST_USD, roundUsd, type CallCost, type PriceOverride, type TokenRates, type UnpricedReason } from '../../model/cost';
import { breakdownFor, flatRates, priceFlat, priceTokens, selectModelPrice, sumBreakdown, type FlatRates, type TokenPrice, type Tokens } from './dataPrice';
import { modelNameCandidates } from './modelNames';
import { compileOverrides, type CompiledOverride } from './overrides';
import { isLocalProvider, toPriceProviderId } from './providers';

export interface PriceCallInput {
  /** `gen_ai.provider.name` (or an older spelling), as normalized into `GenAiSpanView.provider`. */
  provider?: string;
  requestModel?: string;
  responseModel?: string;
  usage?: GenAiUsage;
  /** A cost the span carries; wins over any computed price. */
  reportedCostUsd?: number;
  /** When the call happened (the span's start): selects date- and time-of-day-dependent prices. Default: now. */
  timestamp?: Date;
}

export interface Pricer {
  price(input: PriceCallInput): CallCost;
}

/** A resolved model, independent of usage and time (cached per provider + names). */
type Resolution =
  | { kind: 'override'; name: string; compiled: CompiledOverride }
  | {
      kind: 'data';
      /** The span's model name that matched. */
      name: string;
      /** The price data's entry for it. */
      model: ModelInfo;
      /** `provider/model` ids in the price data. */
      pricedAs: string;
      contextWindow?: number;
    }
  | { kind: 'local' }
  | { kind: 'unknown' };

const RESOLUTION_CACHE_LIMIT = 5000;
/** Any fixed instant: model matching does not depend on time, only the chosen price does. */
const RESOLVE_TIMESTAMP = new Date(Date.UTC(2025, 0, 1));

/**
 * What a pricer knows of one (provider, response model, request model) as a call spells them: the
 * trimmed provider and model names, the resolved model (`undefined`: no model named) and, for a
 * data model with one price record without tiers, its rates (`flat`), so a call costs a lookup
 * and the arithmetic.
 */
interface Known {
  provider: string | undefined;
  names: string[];
  /** The trimmed response model ('' when absent). */
  response: string;
  resolution: Resolution | undefined;
  /** `flatRates` of the data model's only price record (`undefined`: dated or tiered prices, or not a data model). */
  flat: FlatRates | undefined;
}

/** Creates a pricer for a fixed set of overrides (compiled once; model lookups cached). */
export function createPricer(overrides: readonly PriceOverride[] = []): Pricer {
  const compiled = compileOverrides(overrides);
  // provider → response model → request model (as the call spells them; '' for absent).
  let cache = new Map<string, Map<string, Map<string, Known>>>();
  let cached = 0;
  const resolutions = new Map<string, Resolution>();

  function resolve(provider: string | undefined, names: string[]): Resolution {
    const key = `${provider ?? ''}\u0000${names.join('\u0000')}`;
    let r = resolutions.get(key);
    if (!r) {
      r = resolveUncached(compiled, provider, names);
      if (resolutions.size >= RESOLUTION_CACHE_LIMIT) resolutions.clear();
      resolutions.set(key, r);
    }
    return r;
  }

  function known(input: PriceCallInput): Known {
    const rawProvider = input.provider ?? '';
    const rawResponse = input.responseModel ?? '';
    const rawRequest = input.requestModel ?? '';
    let byResponse = cache.get(rawProvider);
    let byRequest = byResponse?.get(rawResponse);
    let k = byRequest?.get(rawRequest);
    if (k) return k;
    const names = modelNames(input);
    const provider = rawProvider.trim() || undefined;
    const resolution = names.length > 0 ? resolve(provider, names) : undefined;
    const flat = resolution?.kind === 'data' && !Array.isArray(resolution.model.prices) ? flatRates(resolution.model.prices) : undefined;
    k = { provider, names, response: rawResponse.trim(), resolution, flat };
    if (cached >= RESOLUTION_CACHE_LIMIT) {
      cache = new Map();
      cached = 0;
      byResponse = undefined;
      byRequest = undefined;
    }
    if (!byResponse) cache.set(rawProvider, (byResponse = new Map()));
    if (!byRequest) byResponse.set(rawResponse, (byRequest = new Map()));
    byRequest.set(rawRequest, k);
    cached++;
    return k;
  }

  return {
    price(input: PriceCallInput): CallCost {
      const out = priceKnown(input);
      if ((out.status === 'priced' || out.status === 'reported') && !(out.costUsd <= MAX_CALL_COST_USD)) {
        const k = known(input);
        return unpriced(
          'cost-out-of-range',
          `The span's cost (${Number.isFinite(out.costUsd) ? `$${out.costUsd.toExponential(3)}` : String(out.costUsd)}) is above $${formatInteger(MAX_CALL_COST_USD)} for one call: most likely a unit or instrumentation error; it is not counted.`,
          out.model ?? k.names[0],
          k.provider,
        );
      }
      return out;
    },
  };

  /** `price` before the range check of its cost. */
  function priceKnown(input: PriceCallInput): CallCost {
    const k = known(input);
    const { names, provider, resolution } = k;
    const usage = input.usage;

    const reported = input.reportedCostUsd;
    if (isReportedCost(reported, usage)) {
      const out: CallCost = { status: 'reported', costUsd: roundUsd(reported) };
      if (resolution?.kind === 'data') {
        out.model = resolution.name;
        if (resolution.contextWindow !== undefined) out.contextWindow = resolution.contextWindow;
      } else if (resolution?.kind === 'override') {
        out.model = resolution.name;
        if (resolution.compiled.override.contextWindow !== undefined) {
          out.contextWindow = resolution.compiled.override.contextWindow;
        }
      }
      return out;
    }

    if (!resolution) {
      return unpriced('no-model', 'The span names no model (gen_ai.request.model / gen_ai.response.model).', undefined, provider);
    }
    const displayModel = names[0] as string;
    if (resolution.kind === 'local') {
      return unpriced(
        'local-provider',
        `${provider ?? 'Local'} model "${displayModel}" has no list price; price it (for example at 0) with the traceLens.pricing.models setting.`,
        displayModel,
        provider,
      );
    }
    if (resolution.kind === 'unknown') {
      return unpriced(
        'unknown-model',
        `No price known for ${names.map((n) => `"${n}"`).join(' / ')}${provider ? ` (provider ${provider})` : ''}; add it to the traceLens.pricing.models setting.`,
        displayModel,
        provider,
      );
    }

    const tokens = checkUsage(usage);
    if ('reason' in tokens) return unpriced(tokens.reason, tokens.detail, resolution.name, provider);

    const out =
      resolution.kind === 'override'
        ? priceWithOverride(resolution.compiled.override, resolution.name, tokens)
        : priceWithData(resolution, k.flat, tokens, input.timestamp, provider);
    const response = k.response;
    if (out.status === 'priced' && response && resolution.name !== response) out.unknownResponseModel = response;
    return out;
  }
}

const pricers = new WeakMap<readonly PriceOverride[], Pricer>();
const defaultPricer = createPricer([]);

/**
 * Prices one call. Convenience over `createPricer`: the pricer (compiled overrides, lookup
 * cache) is kept per `overrides` array, so pass the same array for a batch of spans.
 */
export function priceCall(input: PriceCallInput, overrides: readonly PriceOverride[] = []): CallCost {
  if (overrides.length === 0) return defaultPricer.price(input);
  let p = pricers.get(overrides);
  if (!p) {
    p = createPricer(overrides);
    pricers.set(overrides, p);
  }
  return p.price(input);
}

/**
 * Whether the worker should price a span: model calls (chat, completion, embeddings) and any
 * span carrying usage or a reported cost (aggregates too: their rows show a cost, the run
 * totals skip them).
 */
export function needsPrice(view: GenAiSpanView | null | undefined): view is GenAiSpanView {
  if (!view) return false;
  const u = view.usage;
  return (
    view.kind === 'llm' ||
    view.kind === 'embeddings' ||
    view.reportedCostUsd !== undefined ||
    (!!u && (u.inputTokens !== undefined || u.outputTokens !== undefined || u.totalTokens !== undefined))
  );
}

/** The `PriceCallInput` for a normalized span: what the worker passes per model-call span. */
export function priceInputFromView(view: GenAiSpanView, timestamp?: Date): PriceCallInput {
  const input: PriceCallInput = {};
  if (view.provider !== undefined) input.provider = view.provider;
  if (view.requestModel !== undefined) input.requestModel = view.requestModel;
  if (view.responseModel !== undefined) input.responseModel = view.responseModel;
  if (view.usage !== undefined) input.usage = view.usage;
  if (view.reportedCostUsd !== undefined) input.reportedCostUsd = view.reportedCostUsd;
  if (timestamp !== undefined) input.timestamp = timestamp;
  return input;
}

// ---------------------------------------------------------------------------------------------

function modelNames(input: PriceCallInput): string[] {
  const out: string[] = [];
  for (const n of [input.responseModel, input.requestModel]) {
    const t = n?.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/**
 * A reported cost wins, with one exception: a reported 0 for a call that used tokens is treated
 * as "not reported" (OpenLIT writes `gen_ai.usage.cost = 0` for models it has no price for).
 */
function isReportedCost(cost: number | undefined, usage: GenAiUsage | undefined): cost is number {
  if (cost === undefined || !Number.isFinite(cost) || cost < 0) return false;
  if (cost > 0) return true;
  return !((usage?.inputTokens ?? 0) > 0 || (usage?.outputTokens ?? 0) > 0);
}

function resolveUncached(overrides: CompiledOverride[], provider: string | undefined, names: string[]): Resolution {
  // 1. User overrides, response model first.
  for (const name of names) {
    const hit = overrides.find((o) => o.matches(name, provider));
    if (hit) return { kind: 'override', name, compiled: hit };
  }
  // 2. Local runtimes are never matched against cloud price lists.
  if (isLocalProvider(provider)) return { kind: 'local' };
  // 3. Bundled data with the provider (mapped id, else the raw name for genai-prices' own matching).
  const providerId = toPriceProviderId(provider) ?? provider?.toLowerCase();
  if (providerId) {
    const r = lookupInData(names, providerId);
    if (r) return r;
  }
  // 4. Provider unknown, absent, or not selling this model (OpenAI-compatible clients talking to
  //    another vendor): let genai-prices detect the provider from the model name.
  return lookupInData(names, undefined) ?? { kind: 'unknown' };
}

function lookupInData(names: string[], providerId: string | undefined): Resolution | undefined {
  for (const name of names) {
    for (const candidate of modelNameCandidates(name)) {
      const r = findInData(candidate, providerId);
      if (r) {
        const res: Resolution = { kind: 'data', name, model: r.model, pricedAs: `${r.provider.id}/${r.model.id}` };
        if (typeof r.model.context_window === 'number' && r.model.context_window > 0) res.contextWindow = r.model.context_window;
        return res;
      }
    }
  }
  return undefined;
}

/** genai-prices' own matching (provider rules, date-suffix normalization, fallback providers). */
function findInData(model: string, providerId: string | undefined): PriceCalculation | null {
  try {
    return calcPrice({}, model, providerId ? { providerId, timestamp: RESOLVE_TIMESTAMP } : { timestamp: RESOLVE_TIMESTAMP });
  } catch {
    return null;
  }
}

/** A finite, non-negative token count. */
function isCount(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

function checkUsage(usage: GenAiUsage | undefined): Tokens | { reason: UnpricedReason; detail: string } {
  if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) {
    return {
      reason: 'no-usage',
      detail:
        usage?.totalTokens !== undefined
          ? 'The span reports only a total token count; input and output token counts are needed for a price.'
          : 'The span reports no token usage.',
    };
  }
  const t: Tokens = {
    input: usage.inputTokens ?? 0,
    cacheRead: usage.cacheReadTokens ?? 0,
    cacheWrite: usage.cacheWriteTokens ?? 0,
    output: usage.outputTokens ?? 0,
    reasoning: usage.reasoningTokens ?? 0,
  };
  if (!isCount(t.input) || !isCount(t.cacheRead) || !isCount(t.cacheWrite) || !isCount(t.output) || !isCount(t.reasoning)) {
    return { reason: 'invalid-usage', detail: 'The span reports a negative or non-numeric token count.' };
  }
  if (t.cacheRead + t.cacheWrite > t.input) {
    return {
      reason: 'invalid-usage',
      detail: `Cached input tokens (${t.cacheRead + t.cacheWrite}) exceed input tokens (${t.input}): OTel input tokens include cached tokens, this instrumentation seems to report them separately.`,
    };
  }
  if (t.reasoning > t.output) {
    return {
      reason: 'invalid-usage',
      detail: `Reasoning tokens (${t.reasoning}) exceed output tokens (${t.output}): OTel output tokens include reasoning tokens.`,
    };
  }
  return t;
}

function unpriced(reason: UnpricedReason, detail: string, model: string | undefined, provider: string | undefined): CallCost {
  const out: CallCost = { status: 'unpriced', reason, detail };
  if (model !== undefined) out.model = model;
  if (provider !== undefined) out.provider = provider;
  return out;
}

function priceWithOverride(o: PriceOverride, name: string, t: Tokens): CallCost {
  const rates: TokenRates = {
    inputPerMTok: o.inputPerMTok,
    cacheReadPerMTok: o.cacheReadPerMTok ?? o.inputPerMTok,
    cacheWritePerMTok: o.cacheWritePerMTok ?? o.inputPerMTok,
    outputPerMTok: o.outputPerMTok,
    reasoningPerMTok: o.reasoningPerMTok ?? o.outputPerMTok,
  };
  const breakdown = breakdownFor(t, rates);
  const out: CallCost = {
    status: 'priced',
    costUsd: sumBreakdown(breakdown),
    breakdown,
    rates,
    model: name,
    source: 'override',
    pricedAs: o.match,
  };
  if (o.contextWindow !== undefined) out.contextWindow = o.contextWindow;
  return out;
}

/**
 * Prices with the bundled data's entry for the model, at the call's time; `flat`: the rates of
 * its only price record, when it has one without tiers (then the time does not matter).
 */
function priceWithData(
  res: Extract<Resolution, { kind: 'data' }>,
  flat: FlatRates | undefined,
  t: Tokens,
  timestamp: Date | undefined,
  provider: string | undefined,
): CallCost {
  let p: TokenPrice | undefined;
  if (flat) p = priceFlat(flat, t);
  else {
    const when = timestamp && !Number.isNaN(timestamp.getTime()) ? timestamp : new Date();
    p = priceTokens(selectModelPrice(res.model, when), t);
  }
  if (!p) return unpriced('no-token-price', `${res.pricedAs} has no per-token price in the price data.`, res.name, provider);
  const out: CallCost = {
    status: 'priced',
    costUsd: p.costUsd,
    breakdown: p.breakdown,
    rates: p.rates,
    model: res.name,
    source: 'genai-prices',
    pricedAs: res.pricedAs,
  };
  if (p.tierStart !== undefined) out.tierAboveInputTokens = p.tierStart;
  if (res.contextWindow !== undefined) out.contextWindow = res.contextWindow;
  return out;
}
