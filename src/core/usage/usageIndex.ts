/**
 * Cost, tokens and run metrics of stored traces in the back end thread.
 *
 * List rows (`TraceSummary.usage`) and waterfall rows (`SkeletonSpan.cost`) are read from the
 * store, which keeps each call's price and each trace's sums from ingest on
 * (src/core/store/usageColumns.ts) with the pricer this index gives it; new overrides are applied
 * to the stored traces in the background (`setOverrides`). Span details, Conversation headers
 * (`CallCost` with its breakdown), diagnostics and the Usage view (`UsageReport`) compute the full
 * run metrics on demand from the normalized spans, cached per trace version
 * (`TraceSummary.updatedSeq`).
 *
 * Pricing: src/core/pricing (bundled `@pydantic/genai-prices` data + the user's
 * `traceLens.pricing.models` overrides). Metrics: runMetrics.ts, traceUsage.ts beside it.
 */
import type { CallFacts, GenAiSpanView } from '../../model/genai';
import type { SessionSummary, SpanId, TraceId, TraceSkeleton, TraceSummary } from '../../model/trace';
import {
  MAX_LATENCY_SAMPLES,
  MAX_USAGE_TRACES,
  mergeCostTotals,
  type CallCost,
  type PriceOverride,
  type RunMetrics,
  type TraceUsage,
  type UsagePoint,
  type UsageReport,
  type UsageScope,
} from '../../model/cost';
import { normalizeSpan } from '../genai/normalize';
import { traceTitle } from '../../model/genaiFormat';
import { computeTraceUsage, unixNanoToMs, type TraceUsageDetail, type UsageSpanInput } from './traceUsage';
import { emptyTokenTotals, mergeRunMetrics } from './runMetrics';
import { columnViews } from './columnViews';
import { PRICE_DATA_INFO } from '../pricing/dataInfo';
import { createPricer, type PriceCallInput, type Pricer } from '../pricing/priceCall';
import type { TraceStore } from '../store/traceStore';

/** Traces whose usage is kept in memory (most recently computed); older entries are recomputed when asked. */
export const USAGE_CACHE_TRACES = 5_000;

/** A report yields to other worker requests (ingest) after this much work (ms). */
const REPORT_SLICE_MS = 20;

/** One slice of pricing stored traces again after new overrides (ms), between which other requests run. */
const REFRESH_SLICE_MS = 8;

/** Work done at once when the index is created over a store that already holds calls (ms). */
const FIRST_REFRESH_MS = 1_000;

interface Entry {
  seq: number;
  detail: TraceUsageDetail | null;
}

/** The price input of stored cost facts (a call that started at `startUnixNano`). */
export function priceInputOfFacts(facts: CallFacts, startUnixNano: string): PriceCallInput {
  // Whole milliseconds of a non-negative decimal nanosecond string (as `unixNanoToMs`, without BigInt).
  const ms = startUnixNano.length > 6 ? Number(startUnixNano.slice(0, -6)) : 0;
  const input: PriceCallInput = { timestamp: new Date(Number.isFinite(ms) ? ms : unixNanoToMs(startUnixNano)) };
  if (facts.provider !== undefined) input.provider = facts.provider;
  if (facts.requestModel !== undefined) input.requestModel = facts.requestModel;
  if (facts.responseModel !== undefined) input.responseModel = facts.responseModel;
  if (facts.usage !== undefined) input.usage = facts.usage;
  if (facts.reportedCostUsd !== undefined) input.reportedCostUsd = facts.reportedCostUsd;
  return input;
}

/** Per-trace usage cache over one `TraceStore`, and the store's pricer. */
export class UsageIndex {
  private pricer: Pricer = createPricer([]);
  private readonly cache = new Map<TraceId, Entry>();
  private refreshScheduled = false;
  /** The traces of a `filtered` scope (src/core/search, set by the back end service); none until set. */
  private filteredTraces: (query: string, max: number) => Promise<TraceSummary[] | null> = () => Promise.resolve(null);

  /**
   * Gives the store its pricer (calls are priced as they are written) and finishes a refresh of
   * the stored cost columns the store may have pending (a snapshot of an older schema).
   * @param onRefreshed called with traces whose stored cost and tokens were refreshed in the
   *   background (new prices), so that the views reload those rows.
   */
  constructor(
    private readonly store: TraceStore,
    private readonly onRefreshed: (traceIds: TraceId[]) => void = () => undefined,
  ) {
    store.setPricer(this.storePricer());
    // Calls stored before (a restored snapshot, writes made before this index): up to
    // FIRST_REFRESH_MS now, so a small store is complete at once (nothing has listed its rows yet),
    // the rest in the background.
    try {
      const until = performance.now() + FIRST_REFRESH_MS;
      while (store.usageRefreshPending && performance.now() < until) store.refreshUsageSlice(REFRESH_SLICE_MS);
    } catch {
      // The background slices try again.
    }
    this.scheduleRefresh();
  }

  /**
   * Sets how a `filtered` scope finds its traces: the newest traces matching `query` (at most
   * `max`), or `null` when the query does not parse (the report is then `null`, as for an empty
   * scope). The search engine depends on this index (cost conditions), so it is injected.
   */
  setFilteredTraces(resolve: (query: string, max: number) => Promise<TraceSummary[] | null>): void {
    this.filteredTraces = resolve;
  }

  /** Prices one call with the current overrides (a replayed call, src/core/replay), as every stored call is priced. */
  price(input: PriceCallInput): CallCost {
    return this.pricer.price(input);
  }

  /**
   * Replaces the user's price overrides (`traceLens.pricing.models`): forgets every computed cost,
   * prices new calls with them, and prices the stored traces again in the background, newest
   * first (their rows reload as they are done).
   */
  setOverrides(overrides: readonly PriceOverride[]): void {
    this.pricer = createPricer(overrides);
    this.cache.clear();
    this.store.setPricer(this.storePricer(), { reprice: true });
    this.scheduleRefresh();
  }

  /** Forgets everything (the store was cleared). */
  clear(): void {
    this.cache.clear();
  }

  /** Forgets removed traces (changed ones are recomputed by version anyway). */
  forget(traceIds: readonly TraceId[]): void {
    for (const id of traceIds) this.cache.delete(id);
  }

  /**
   * `detail` from a caller that already loaded the trace's skeleton and normalized its GenAI spans
   * (the diagnostics): the same result, computed from those (and cached as `detail` caches).
   */
  detailFromViews(summary: TraceSummary, skeleton: TraceSkeleton, views: readonly UsageSpanInput[]): TraceUsageDetail | null {
    const hit = this.cache.get(summary.traceId);
    if (hit && hit.seq === summary.updatedSeq) return hit.detail;
    return this.remember(summary, computeTraceUsage(skeleton, views, this.pricer));
  }

  /**
   * Usage of a trace at its current version; `null` when the trace has no GenAI span or is not
   * stored. Loads the skeleton and the GenAI spans once per version: the first
   * `MAX_CONVERSATION_SPANS` normalized from their attributes and logs, any others from their
   * columns (columnViews.ts), so every call of the trace counts.
   */
  detail(summary: TraceSummary): TraceUsageDetail | null {
    const hit = this.cache.get(summary.traceId);
    if (hit && hit.seq === summary.updatedSeq) return hit.detail;
    return this.remember(summary, this.compute(summary.traceId));
  }

  private remember(summary: TraceSummary, detail: TraceUsageDetail | null): TraceUsageDetail | null {
    if (this.cache.size >= USAGE_CACHE_TRACES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.delete(summary.traceId);
    this.cache.set(summary.traceId, { seq: summary.updatedSeq, detail });
    return detail;
  }

  /**
   * The summaries with their usage: the store reads it with every row (kept at write time,
   * src/core/store/usageColumns.ts), so this returns them unchanged. Kept for callers that pass
   * summaries from elsewhere through the same step.
   */
  withUsage<T extends TraceSummary>(summaries: T[]): T[] {
    return summaries;
  }

  /** Adds `usage` to sessions (the sum of their newest `MAX_USAGE_TRACES` traces' stored usage), in place; returns them. */
  withSessionUsage(sessions: SessionSummary[]): SessionSummary[] {
    for (const session of sessions) {
      const usage = this.sumUsage(this.store.listTraces(MAX_USAGE_TRACES, 0, session.sessionId));
      if (usage) session.usage = usage;
    }
    return sessions;
  }

  /** The sum of traces' stored usage; `undefined` when none has any. */
  sumUsage(summaries: readonly TraceSummary[]): TraceUsage | undefined {
    const usages = summaries.map((s) => s.usage).filter((u): u is TraceUsage => u !== undefined);
    if (usages.length === 0) return undefined;
    const tokens = emptyTokenTotals();
    for (const u of usages) {
      tokens.input += u.tokens.input;
      tokens.output += u.tokens.output;
      tokens.cacheRead += u.tokens.cacheRead;
      tokens.cacheWrite += u.tokens.cacheWrite;
      tokens.reasoning += u.tokens.reasoning;
      tokens.total += u.tokens.total;
    }
    return { cost: mergeCostTotals(usages.map((u) => u.cost)), tokens, modelCalls: usages.reduce((n, u) => n + u.modelCalls, 0) };
  }

  /** The store's pricer: the current overrides, a call priced at its span's start. */
  private storePricer(): (facts: CallFacts, startUnixNano: string) => CallCost {
    const pricer = this.pricer;
    return (facts, startUnixNano) => pricer.price(priceInputOfFacts(facts, startUnixNano));
  }

  /** Prices stored traces again in slices (after new overrides, or a restored older snapshot), one slice per event-loop turn. */
  private scheduleRefresh(): void {
    if (this.refreshScheduled || !this.store.usageRefreshPending) return;
    this.refreshScheduled = true;
    setImmediate(() => {
      this.refreshScheduled = false;
      if (this.store.isClosed) return;
      let result: { traceIds: TraceId[]; pending: boolean };
      try {
        result = this.store.refreshUsageSlice(REFRESH_SLICE_MS);
      } catch {
        return; // never throw out of the back end thread; the next price change starts over
      }
      for (const id of result.traceIds) this.cache.delete(id);
      if (result.traceIds.length > 0) this.onRefreshed(result.traceIds);
      if (result.pending) this.scheduleRefresh();
    });
  }

  /** The cost of one span as computed for its trace (`undefined` when it has none). */
  spanCost(traceId: TraceId, spanId: SpanId): CallCost | undefined {
    const summary = this.store.traceSummary(traceId);
    return summary ? this.detail(summary)?.spanCosts.get(spanId) : undefined;
  }

  /** Costs by span id for a trace (Conversation headers). */
  spanCosts(traceId: TraceId): ReadonlyMap<SpanId, CallCost> | undefined {
    const summary = this.store.traceSummary(traceId);
    return summary ? this.detail(summary)?.spanCosts : undefined;
  }

  /**
   * The Usage view's report for a scope: one trace (points are its model calls), one session,
   * every stored trace or the traces matching a filter (newest `MAX_USAGE_TRACES`; points are
   * traces). `null` when the scope has no traces (or its filter does not parse). Yields between
   * traces every ~20 ms so ingest keeps its turn.
   */
  async report(scope: UsageScope): Promise<UsageReport | null> {
    let summaries: TraceSummary[];
    if (scope.kind === 'trace') {
      summaries = [this.store.traceSummary(scope.traceId)].filter((s): s is TraceSummary => s !== null);
    } else if (scope.kind === 'filtered') {
      const found = await this.filteredTraces(scope.query, MAX_USAGE_TRACES + 1);
      if (!found) return null;
      summaries = found;
    } else {
      summaries = this.store.listTraces(MAX_USAGE_TRACES + 1, 0, scope.kind === 'session' ? scope.sessionId : undefined);
    }
    if (summaries.length === 0) return null;
    const truncated = summaries.length > MAX_USAGE_TRACES;
    if (truncated) summaries.length = MAX_USAGE_TRACES;

    const parts: RunMetrics[] = [];
    const points: UsagePoint[] = [];
    let sliceStart = performance.now();
    for (const summary of summaries) {
      if (performance.now() - sliceStart > REPORT_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      const detail = this.detail(summary);
      if (!detail) continue;
      parts.push(detail.metrics);
      if (scope.kind === 'trace') {
        points.push(...detail.points.slice(0, MAX_LATENCY_SAMPLES));
      } else if (detail.usage) {
        const cost = detail.usage.cost;
        const priced = cost.reportedCount + cost.pricedCount > 0;
        const point: UsagePoint = {
          timeUnixMs: unixNanoToMs(summary.startTimeUnixNano),
          label: traceTitle(summary),
          traceId: summary.traceId,
          inputTokens: detail.usage.tokens.input,
          outputTokens: detail.usage.tokens.output,
          costUsd: priced ? cost.costUsd : null,
          durationMs: summary.durationMs,
        };
        if (priced && cost.isLowerBound) point.costIsLowerBound = true;
        points.push(point);
      }
    }
    points.sort((a, b) => a.timeUnixMs - b.timeUnixMs);
    const metrics = mergeRunMetrics(parts);
    // Traces without GenAI spans still count as runs of the scope (duration, count).
    metrics.traceCount = summaries.length;
    metrics.durationMs = summaries.reduce((sum, s) => sum + s.durationMs, 0);
    return {
      scope,
      traceCount: summaries.length,
      truncated,
      metrics,
      points,
      priceData: `@pydantic/genai-prices ${PRICE_DATA_INFO.version}${PRICE_DATA_INFO.publishedAt ? ` (${PRICE_DATA_INFO.publishedAt})` : ''}`,
    };
  }

  private compute(traceId: TraceId): TraceUsageDetail | null {
    if (!this.store.traceHasGenAi(traceId)) return null;
    const skeleton = this.store.traceSkeleton(traceId);
    const loaded = this.store.traceGenAiSpans(traceId);
    if (!skeleton || !loaded) return null;
    const spans: UsageSpanInput[] = loaded.spans.map((s) => ({ spanId: s.span.spanId, view: normalizeSpan(s.span, s.logs) as GenAiSpanView | null }));
    // The GenAI spans past the full read's cap, from their columns (every call counts).
    if (loaded.truncated) spans.push(...columnViews(this.store.traceGenAiFacts(traceId), spans));
    return computeTraceUsage(skeleton, spans, this.pricer);
  }
}
