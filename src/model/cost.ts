/**
 * Cost, token and run-metric results: JSON-safe, shared by the worker (which computes them),
 * the extension host and the webviews (which show them). Pure summing and formatting only.
 * Computation lives in `src/core/pricing` (price of one call) and `src/core/usage` (per run).
 *
 * Money is USD as a `number`, rounded to 1e-12 USD (see `roundUsd`) so that sums of decimal
 * prices compare exactly in tests and never show float noise.
 */

/**
 * One entry of the `traceLens.pricing.models` setting: USD per 1M tokens for a model name
 * (case-insensitive exact match) or a `/regex/flags`.
 */
export interface PriceOverride {
  /** `gpt-4o-ft-prod` (exact, case-insensitive) or `/^llama3(\.\d)?(:.*)?$/i` (regex). */
  match: string;
  /** Restricts the entry to one provider (`gen_ai.provider.name` value, e.g. `ollama`), case-insensitive. */
  provider?: string;
  inputPerMTok: number;
  outputPerMTok: number;
  /** Defaults to `inputPerMTok` (cache reads billed as plain input). */
  cacheReadPerMTok?: number;
  /** Defaults to `inputPerMTok`. */
  cacheWritePerMTok?: number;
  /** Defaults to `outputPerMTok` (reasoning tokens are output tokens). */
  reasoningPerMTok?: number;
  /** The model's context window in tokens, for context-window utilization. */
  contextWindow?: number;
}

/**
 * What each kind of token of one call cost. Items partition the total: `inputUsd` is for the
 * input tokens that were neither read from nor written to the cache, `outputUsd` for output
 * tokens other than reasoning tokens. `otherUsd` is whatever the price data charges beyond
 * tokens (per-request fees); 0 for almost every model.
 */
export interface CostBreakdown {
  inputUsd: number;
  cacheReadUsd: number;
  cacheWriteUsd: number;
  outputUsd: number;
  reasoningUsd: number;
  otherUsd: number;
}

/**
 * The rates actually applied, USD per 1M tokens (after tier selection). A token type without a
 * rate of its own shows the rate it was billed at (cache → input rate, reasoning → output rate).
 */
export interface TokenRates {
  inputPerMTok: number;
  cacheReadPerMTok: number;
  cacheWritePerMTok: number;
  outputPerMTok: number;
  reasoningPerMTok: number;
}

/** Why a call has no cost. The UI shows "—" and `detail` on hover. */
export type UnpricedReason =
  /** Neither the overrides nor the bundled price data know the model. */
  | 'unknown-model'
  /** A local runtime (Ollama, LM Studio, llama.cpp, vLLM, …): no list price; price it with an override. */
  | 'local-provider'
  /** The span names no model. */
  | 'no-model'
  /** The span carries no input/output token counts (or the worker did not price it). */
  | 'no-usage'
  /** Token counts contradict each other (e.g. cached > input); the instrumentation is probably not OTel-inclusive. */
  | 'invalid-usage'
  /** The model is known but the data has no per-token price for it (image/audio-only pricing). */
  | 'no-token-price'
  /** The reported or computed cost is not finite or above `MAX_CALL_COST_USD`: an instrumentation or unit error, not counted. */
  | 'cost-out-of-range';

/**
 * The largest cost of one call that is counted (USD). Above it a cost is an instrumentation or
 * unit error (a reported cost in micro-dollars, token counts of 1e308), and it could not be stored
 * either: the store keeps costs as int64 picodollars (at most ≈ $9.2M).
 */
export const MAX_CALL_COST_USD = 1_000_000;

/** The cost of one model call. */
export type CallCost =
  | {
      status: 'reported';
      /** The cost the span itself carries (OpenInference `llm.cost.total`, Logfire `operation.cost`, …). */
      costUsd: number;
      /** Resolved model (as for `priced`), when the price data or an override knows it. */
      model?: string;
      contextWindow?: number;
    }
  | {
      status: 'priced';
      costUsd: number;
      breakdown: CostBreakdown;
      rates: TokenRates;
      /** The span's model name that matched (response model, else request model). */
      model: string;
      source: 'genai-prices' | 'override';
      /**
       * What it was priced as: the price data's `provider/model` id (`openai/gpt-4o-mini`), or the
       * override's `match` string.
       */
      pricedAs: string;
      /**
       * Set when the response model is unknown to the price data and the overrides, and the call
       * was priced by its request model (`model`) instead: the response model's name (for example
       * a dated snapshot newer than the price data).
       */
      unknownResponseModel?: string;
      /** Set when a long-context tier applied: the input-token threshold that was exceeded. */
      tierAboveInputTokens?: number;
      /** The model's context window (tokens), when the data or the override gives it. */
      contextWindow?: number;
    }
  | {
      /**
       * A roll-up span (an agent, workflow or wrapper span whose usage repeats the calls under it,
       * src/core/usage/README.md "Counted once"): never priced from its own counts; its cost is
       * the sum of the counted calls below it, so it agrees with the trace total.
       */
      status: 'sum';
      /** `total.costUsd`, for readers that only need the amount. */
      costUsd: number;
      /** The counted calls below the span, summed like a trace total (a lower bound when one is unpriced). */
      total: CostTotal;
    }
  | {
      status: 'unpriced';
      reason: UnpricedReason;
      /** One sentence for a tooltip: what is missing and how to fix it. */
      detail: string;
      model?: string;
      provider?: string;
    };

/** A sum of call costs; a lower bound as soon as one call is unpriced. */
export interface CostTotal {
  /** Sum of reported and priced calls (unpriced calls add nothing). */
  costUsd: number;
  /** `true` when at least one call is unpriced: the real cost is at least `costUsd`. */
  isLowerBound: boolean;
  /** Labels (`provider/model` or model) of the unpriced calls, deduplicated, in first-seen order. */
  unpricedModels: string[];
  reportedCount: number;
  pricedCount: number;
  unpricedCount: number;
}

/** Most labels kept in `CostTotal.unpricedModels` (a tooltip, not a report). */
export const MAX_UNPRICED_MODELS = 20;

/** Rounds to 1e-12 USD: removes float noise so that `0.0001872 + 0.0000144 === 0.0002016`. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e12) / 1e12;
}

export function emptyCostTotal(): CostTotal {
  return { costUsd: 0, isLowerBound: false, unpricedModels: [], reportedCount: 0, pricedCount: 0, unpricedCount: 0 };
}

/**
 * A label for an unpriced call: `provider/model`, the model, or `(no model)`; for a call whose
 * model has a price but whose token counts are missing or contradictory, the reason is added
 * (`gpt-4o-mini (no token counts)`), so "no price for …" never blames a model that has one.
 */
export function unpricedLabel(cost: Extract<CallCost, { status: 'unpriced' }>): string {
  const model = cost.model ?? '(no model)';
  const label = cost.provider && !model.toLowerCase().startsWith(`${cost.provider.toLowerCase()}/`) ? `${cost.provider}/${model}` : model;
  if (cost.reason === 'no-usage') return `${label} (no token counts)`;
  if (cost.reason === 'invalid-usage') return `${label} (token counts contradict)`;
  if (cost.reason === 'cost-out-of-range') return `${label} (cost out of range)`;
  return label;
}

/** Sums call costs. Unpriced calls make the total a lower bound and are listed by model. */
export function sumCosts(calls: readonly CallCost[]): CostTotal {
  const total = emptyCostTotal();
  let usd = 0;
  for (const c of calls) {
    if (c.status === 'sum') continue; // a roll-up repeats calls that are summed themselves
    if (c.status === 'unpriced') {
      total.unpricedCount++;
      addLabel(total.unpricedModels, unpricedLabel(c));
    } else {
      usd += c.costUsd;
      if (c.status === 'reported') total.reportedCount++;
      else total.pricedCount++;
    }
  }
  total.costUsd = roundUsd(usd);
  total.isLowerBound = total.unpricedCount > 0;
  return total;
}

/** Merges totals (traces of a session, sessions of a workspace). */
export function mergeCostTotals(totals: readonly CostTotal[]): CostTotal {
  const out = emptyCostTotal();
  let usd = 0;
  for (const t of totals) {
    usd += t.costUsd;
    out.reportedCount += t.reportedCount;
    out.pricedCount += t.pricedCount;
    out.unpricedCount += t.unpricedCount;
    for (const m of t.unpricedModels) addLabel(out.unpricedModels, m);
  }
  out.costUsd = roundUsd(usd);
  out.isLowerBound = out.unpricedCount > 0;
  return out;
}

function addLabel(list: string[], label: string): void {
  if (list.length < MAX_UNPRICED_MODELS && !list.includes(label)) list.push(label);
}

/**
 * `$0.0123`, `≥ $0.0123` (a total with unpriced calls), `—` (nothing known: an unpriced call, a
 * total of unpriced calls only, no calls, or no value). Three significant digits below $1
 * (at least two decimals), cents from $1; amounts below $0.000001 show as `< $0.000001`.
 */
export function formatCostUsd(value: CostTotal | CallCost | null | undefined): string {
  if (!value) return '—';
  if ('status' in value) {
    if (value.status === 'sum') return formatCostUsd(value.total);
    return value.status === 'unpriced' ? '—' : formatUsd(value.costUsd);
  }
  if (value.reportedCount + value.pricedCount === 0) return '—';
  const amount = formatUsd(value.costUsd);
  return value.isLowerBound ? `≥ ${amount}` : amount;
}

/** A dollar amount: `$0.00`, `$0.000202`, `$0.0123`, `$0.50`, `$12.35`, `< $0.000001`. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  if (usd < 0) return `-${formatUsd(-usd)}`;
  if (usd === 0) return '$0.00';
  if (usd < 1e-6) return '< $0.000001';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  const decimals = Math.max(2, 2 - Math.floor(Math.log10(usd)));
  let s = usd.toFixed(decimals);
  // Trailing zeros beyond two decimals carry no information ("0.500" → "0.50").
  while (s.endsWith('0') && s.length - s.indexOf('.') - 1 > 2) s = s.slice(0, -1);
  return `$${s}`;
}

/**
 * A tooltip for a cost cell: why a call is unpriced, how it was priced, or which models a
 * lower-bound total is missing.
 */
export function describeCost(value: CostTotal | CallCost | null | undefined): string {
  if (!value) return 'No cost information.';
  if ('status' in value) {
    switch (value.status) {
      case 'reported':
        return `${formatUsd(value.costUsd)} reported by the instrumentation.`;
      case 'priced': {
        const b = value.breakdown;
        const parts = [
          ['input', b.inputUsd],
          ['cache read', b.cacheReadUsd],
          ['cache write', b.cacheWriteUsd],
          ['output', b.outputUsd],
          ['reasoning', b.reasoningUsd],
          ['other', b.otherUsd],
        ]
          .filter(([, usd]) => (usd as number) !== 0)
          .map(([label, usd]) => `${label} ${formatUsd(usd as number)}`);
        const via = value.source === 'override' ? `override "${value.pricedAs}"` : value.pricedAs;
        const tier = value.tierAboveInputTokens !== undefined ? `, long-context rate (> ${value.tierAboveInputTokens} input tokens)` : '';
        const fallback =
          value.unknownResponseModel !== undefined
            ? ` Priced by the request model ${value.model}: the response model ${value.unknownResponseModel} has no price.`
            : '';
        return `${formatUsd(value.costUsd)} priced as ${via}${tier}: ${parts.join(', ') || 'no billable tokens'}.${fallback}`;
      }
      case 'unpriced':
        return value.detail;
      case 'sum': {
        const t = value.total;
        const n = t.reportedCount + t.pricedCount + t.unpricedCount;
        if (n === 0) return 'A roll-up span with no model calls under it yet: its own token counts repeat its children\'s and are not priced.';
        return `Sum of the ${n} model call${n === 1 ? '' : 's'} under this span (its own token counts repeat theirs and are not priced): ${describeCost(t)}`;
      }
    }
  }
  if (value.reportedCount + value.pricedCount + value.unpricedCount === 0) return 'No model calls.';
  if (value.reportedCount + value.pricedCount === 0) {
    const more = value.unpricedModels.length === MAX_UNPRICED_MODELS ? ', …' : '';
    return `Unknown: no price for ${value.unpricedModels.join(', ')}${more}; add them to the traceLens.pricing.models setting.`;
  }
  const known = `${value.reportedCount + value.pricedCount} of ${value.reportedCount + value.pricedCount + value.unpricedCount} model calls priced`;
  if (!value.isLowerBound) return `${formatUsd(value.costUsd)}: ${known}.`;
  const more = value.unpricedCount > 0 && value.unpricedModels.length === MAX_UNPRICED_MODELS ? ', …' : '';
  return `At least ${formatUsd(value.costUsd)}: ${known}; no price for ${value.unpricedModels.join(', ')}${more}.`;
}

// ---------------------------------------------------------------------------------------------
// Run metrics (per trace, merged per session)
// ---------------------------------------------------------------------------------------------

/** Token sums; each span's usage is counted once (see `src/core/usage/README.md`). */
export interface TokenTotals {
  /** Cache-inclusive (OTel). */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Part of `output`. */
  reasoning: number;
  /** `input + output` per call (or the call's own total when it reports only a total). */
  total: number;
}

/** Latency distribution of model calls; percentiles by nearest rank over `samplesMs`. */
export interface LatencyStats {
  /** Number of model calls measured (may exceed `samplesMs.length` after merging). */
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Sorted durations, at most `MAX_LATENCY_SAMPLES` (evenly thinned beyond that), for merging. */
  samplesMs: number[];
}

/** Context-window use of one model call. */
export interface ContextUse {
  spanId: string;
  model: string;
  inputTokens: number;
  contextWindow: number;
  /** `inputTokens / contextWindow` (may exceed 1 when the window is smaller than reported input). */
  utilization: number;
}

/** Usage and cost of one model within a run or session (the Usage view's "cost by model"). */
export interface ModelUsage {
  /** The span's model name (response model, else request model), or `(unknown model)`. */
  model: string;
  provider?: string;
  calls: number;
  tokens: TokenTotals;
  cost: CostTotal;
}

export interface RunMetrics {
  /** Traces merged into this value (1 for a single run). */
  traceCount: number;
  tokens: TokenTotals;
  cost: CostTotal;
  /** Model calls (chat/completion and embeddings), each counted once. */
  modelCalls: number;
  /** Model calls whose span status is error. */
  modelCallErrors: number;
  /** Model (chat) calls inside agent loops; see `src/core/usage/README.md` for the definition. */
  agentIterations: number;
  toolCalls: number;
  toolErrors: number;
  /** `(toolCalls − toolErrors) / toolCalls`; `null` without tool calls. */
  toolSuccessRate: number | null;
  /** Latency of chat/completion calls (embeddings excluded); `null` without any. */
  modelLatency: LatencyStats | null;
  /** Model calls whose context window is known, in start order (at most `MAX_CONTEXT_SAMPLES`). */
  contextUse: ContextUse[];
  /** Largest `utilization` seen (over all calls, also those beyond the kept samples); `null` when unknown. */
  maxContextUtilization: number | null;
  /** End-to-end duration of the run; for merged runs, the sum of the runs' durations (busy time). */
  durationMs: number;
  /** Per-model usage, most expensive first. */
  models: ModelUsage[];
}

export const MAX_LATENCY_SAMPLES = 4096;
export const MAX_CONTEXT_SAMPLES = 1000;

/** A percentage with up to one decimal: `66.7%`; `—` for `null`. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${String(Number((ratio * 100).toFixed(1)))}%`;
}

// ---------------------------------------------------------------------------------------------
// What the views show: per-trace usage in list rows, and the Usage view's report
// ---------------------------------------------------------------------------------------------

/**
 * Usage of one trace as list rows show it (Traces tree, trace header, status bar): the run's cost
 * and tokens, each call counted once (see `computeRunMetrics`). Absent on traces without model
 * calls or token usage.
 */
export interface TraceUsage {
  cost: CostTotal;
  tokens: TokenTotals;
  /** Model calls (chat/completion and embeddings). */
  modelCalls: number;
}

/**
 * What the Usage view covers: every stored trace (newest first, capped), one session, one trace,
 * or the traces that match the Traces view's filter (`query` in the search language of
 * src/core/search; newest first, capped like `all`).
 */
export type UsageScope =
  | { kind: 'all' }
  | { kind: 'session'; sessionId: string }
  | { kind: 'trace'; traceId: string }
  | { kind: 'filtered'; query: string };

/**
 * One point of the Usage view's "tokens over time" chart: a model call (trace scope) or a whole
 * trace (session and all scopes). Times are Unix milliseconds of the call's or trace's start.
 */
export interface UsagePoint {
  timeUnixMs: number;
  /** Model name (trace scope) or the trace's label (first user message, agent or root span name). */
  label: string;
  traceId: string;
  /** Set for model-call points (trace scope). */
  spanId?: string;
  inputTokens: number;
  outputTokens: number;
  /** Cost of the call or trace in USD; `null` when unknown (unpriced call, or a trace priced at nothing). */
  costUsd: number | null;
  /** `true` when `costUsd` is a lower bound (a trace with unpriced calls). */
  costIsLowerBound?: boolean;
  durationMs: number;
}

/** Most traces summed by a session or "all" report (newest first); see `UsageReport.truncated`. */
export const MAX_USAGE_TRACES = 2_000;

/**
 * The Usage view's content for one scope: run metrics (tokens, cost, cost by model, calls,
 * iterations, tool success, latency percentiles, context-window use, duration) and chart points.
 * Computed in the back end thread from normalized spans; every number the charts show is in here.
 */
export interface UsageReport {
  scope: UsageScope;
  /** Traces whose metrics are merged (≤ `MAX_USAGE_TRACES`). */
  traceCount: number;
  /** `true` when the scope has more traces than were summed (the oldest were left out). */
  truncated: boolean;
  metrics: RunMetrics;
  /** Chart points in time order (at most `MAX_USAGE_TRACES` or `MAX_LATENCY_SAMPLES` model calls). */
  points: UsagePoint[];
  /** Version/date of the bundled price data (`@pydantic/genai-prices`), for the view's footer. */
  priceData: string;
  /**
   * The diagnostics' findings in the scope's traces (src/core/diagnostics), worst first, at most
   * `MAX_USAGE_FINDINGS`; `findingCount` is the total. Absent when none.
   */
  findings?: UsageFinding[];
  findingCount?: number;
}

/** Most findings a Usage report lists. */
export const MAX_USAGE_FINDINGS = 200;

/** One finding in the Usage view's findings table. */
export interface UsageFinding {
  traceId: string;
  /** The trace as the Traces view names it. */
  traceTitle: string;
  spanId: string;
  detector: string;
  severity: 'error' | 'warning' | 'information';
  message: string;
}
