/**
 * Cost, tokens and run metrics of stored traces, computed on demand in the back end thread and
 * cached per trace version (`TraceSummary.updatedSeq`): a trace is priced and measured again only
 * after it changed. Feeds list rows (`TraceSummary.usage`), waterfall rows (`SkeletonSpan.cost`),
 * span details and Conversation headers (`CallCost`), and the Usage view (`UsageReport`).
 *
 * Pricing: src/core/pricing (bundled `@pydantic/genai-prices` data + the user's
 * `traceLens.pricing.models` overrides). Metrics: runMetrics.ts, traceUsage.ts beside it.
 */
import type { GenAiSpanView } from '../../model/genai';
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
import { computeTraceUsage, unixNanoToMs, type TraceUsageDetail } from './traceUsage';
import { emptyTokenTotals, mergeRunMetrics } from './runMetrics';
import { PRICE_DATA_INFO } from '../pricing/dataInfo';
import { createPricer, type PriceCallInput, type Pricer } from '../pricing/priceCall';
import type { TraceStore } from '../store/traceStore';

/** Traces whose usage is kept in memory (most recently computed); older entries are recomputed when asked. */
export const USAGE_CACHE_TRACES = 5_000;

/** A report yields to other worker requests (ingest) after this much work (ms). */
const REPORT_SLICE_MS = 20;

/**
 * Work a list request (trace or session rows) may spend computing usage (ms). Past it, rows keep
 * their last known usage (or none yet) and the traces are refreshed in the background, in slices
 * of `REFRESH_SLICE_MS`; `onRefreshed` then names them so the views ask again. While spans stream
 * in, every listed trace changes with every batch: without this budget, listing 50 of them
 * recomputed 50 traces per request and held the worker for 100–300 ms.
 */
export const LIST_BUDGET_MS = 8;
const REFRESH_SLICE_MS = 10;

interface Entry {
  seq: number;
  detail: TraceUsageDetail | null;
}

/** Per-trace usage cache over one `TraceStore`. */
export class UsageIndex {
  private pricer: Pricer = createPricer([]);
  private readonly cache = new Map<TraceId, Entry>();
  private readonly pending = new Set<TraceId>();
  private refreshScheduled = false;
  /** The traces of a `filtered` scope (src/core/search, set by the back end service); none until set. */
  private filteredTraces: (query: string, max: number) => Promise<TraceSummary[] | null> = () => Promise.resolve(null);

  /**
   * @param onRefreshed called with traces whose usage was computed in the background (after a
   *   list request ran out of budget), so that the views reload those rows.
   */
  constructor(
    private readonly store: TraceStore,
    private readonly onRefreshed: (traceIds: TraceId[]) => void = () => undefined,
  ) {}

  /**
   * Sets how a `filtered` scope finds its traces: the newest traces matching `query` (at most
   * `max`), or `null` when the query does not parse (the report is then `null`, as for an empty
   * scope). The search engine depends on this index (cost conditions), so it is injected.
   */
  setFilteredTraces(resolve: (query: string, max: number) => Promise<TraceSummary[] | null>): void {
    this.filteredTraces = resolve;
  }

  /** Replaces the user's price overrides (`traceLens.pricing.models`) and forgets every computed cost. */
  /** Prices one call with the current overrides (a replayed call, src/core/replay), as every stored call is priced. */
  price(input: PriceCallInput): CallCost {
    return this.pricer.price(input);
  }

  setOverrides(overrides: readonly PriceOverride[]): void {
    this.pricer = createPricer(overrides);
    this.cache.clear();
    this.pending.clear();
  }

  /** Forgets everything (the store was cleared). */
  clear(): void {
    this.cache.clear();
    this.pending.clear();
  }

  /** Forgets removed traces (changed ones are recomputed by version anyway). */
  forget(traceIds: readonly TraceId[]): void {
    for (const id of traceIds) {
      this.cache.delete(id);
      this.pending.delete(id);
    }
  }

  /**
   * Usage of a trace at its current version; `null` when the trace has no GenAI span or is not
   * stored. Loads the skeleton and the GenAI spans (at most `MAX_CONVERSATION_SPANS`) once per
   * version.
   */
  detail(summary: TraceSummary): TraceUsageDetail | null {
    const hit = this.cache.get(summary.traceId);
    if (hit && hit.seq === summary.updatedSeq) return hit.detail;
    const detail = this.compute(summary.traceId);
    if (this.cache.size >= USAGE_CACHE_TRACES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.delete(summary.traceId);
    this.cache.set(summary.traceId, { seq: summary.updatedSeq, detail });
    return detail;
  }

  /**
   * Adds `usage` to summaries of traces with model calls or usage (in place; returns them), within
   * `LIST_BUDGET_MS` of work; traces past the budget show their last known usage and are
   * refreshed in the background.
   */
  withUsage(summaries: TraceSummary[]): TraceSummary[] {
    const deadline = performance.now() + LIST_BUDGET_MS;
    for (const s of summaries) {
      const usage = this.detailWithin(s, deadline)?.usage;
      if (usage) s.usage = usage;
    }
    return summaries;
  }

  /**
   * Adds `usage` to sessions (the sum of their newest `MAX_USAGE_TRACES` traces), in place; returns
   * them. Same budget as `withUsage`, for all sessions together.
   */
  withSessionUsage(sessions: SessionSummary[]): SessionSummary[] {
    const deadline = performance.now() + LIST_BUDGET_MS;
    for (const session of sessions) {
      const usage = this.sumUsage(this.store.listTraces(MAX_USAGE_TRACES, 0, session.sessionId), deadline);
      if (usage) session.usage = usage;
    }
    return sessions;
  }

  /** The sum of traces' usage; `undefined` when none has any. With `deadline`, as `withUsage`. */
  sumUsage(summaries: readonly TraceSummary[], deadline = Infinity): TraceUsage | undefined {
    const usages = summaries.map((s) => this.detailWithin(s, deadline)?.usage).filter((u): u is TraceUsage => u !== undefined);
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

  /** The current usage when there is time (before `deadline`), else the last known one and a background refresh. */
  private detailWithin(summary: TraceSummary, deadline: number): TraceUsageDetail | null {
    const hit = this.cache.get(summary.traceId);
    if (hit && hit.seq === summary.updatedSeq) return hit.detail;
    if (performance.now() <= deadline) return this.detail(summary);
    this.pending.add(summary.traceId);
    this.scheduleRefresh();
    return hit?.detail ?? null;
  }

  private scheduleRefresh(): void {
    if (this.refreshScheduled) return;
    this.refreshScheduled = true;
    setImmediate(() => this.refreshSlice());
  }

  private refreshSlice(): void {
    this.refreshScheduled = false;
    const start = performance.now();
    const done: TraceId[] = [];
    for (const traceId of this.pending) {
      if (done.length > 0 && performance.now() - start > REFRESH_SLICE_MS) break;
      this.pending.delete(traceId);
      const summary = this.store.traceSummary(traceId);
      if (!summary) continue;
      const hit = this.cache.get(traceId);
      if (hit && hit.seq === summary.updatedSeq) continue;
      this.detail(summary);
      done.push(traceId);
    }
    if (this.pending.size > 0) this.scheduleRefresh();
    if (done.length > 0) this.onRefreshed(done);
  }

  /** Adds each span's cost (`SkeletonSpan.cost`: USD, or `null` when unpriced) to a skeleton, in place. */
  withSpanCosts(skeleton: TraceSkeleton | null): TraceSkeleton | null {
    if (!skeleton) return skeleton;
    const summary = this.store.traceSummary(skeleton.traceId);
    const costs = summary ? this.detail(summary)?.spanCosts : undefined;
    if (!costs || costs.size === 0) return skeleton;
    for (const s of skeleton.spans) {
      const c = costs.get(s.spanId);
      if (!c) continue;
      if (c.status === 'sum') {
        s.cost = c.total.reportedCount + c.total.pricedCount > 0 ? c.costUsd : null;
        s.costIsSum = true;
      } else s.cost = c.status === 'unpriced' ? null : c.costUsd;
    }
    return skeleton;
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
    const spans = loaded.spans.map((s) => ({ spanId: s.span.spanId, view: normalizeSpan(s.span, s.logs) as GenAiSpanView | null }));
    return computeTraceUsage(skeleton, spans, this.pricer);
  }
}
