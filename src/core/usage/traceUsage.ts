/**
 * Usage of one stored trace: every GenAI span priced, the run's metrics, and its chart points.
 * Pure; the back end thread's `UsageIndex` (src/core/usage/usageIndex.ts) caches the result per
 * trace version. Counting rules (each call once, aggregates skipped): ./README.md.
 */
import type { GenAiSpanView } from '../../model/genai';
import type { SpanId, TraceSkeleton } from '../../model/trace';
import { sumCosts, type CallCost, type RunMetrics, type TraceUsage, type UsagePoint } from '../../model/cost';
import { needsPrice, priceInputFromView, type Pricer } from '../pricing/priceCall';
import { computeRunMetrics, type MetricsSpan } from './runMetrics';

/** A GenAI span of the trace, normalized (`normalizeSpan`). */
export interface UsageSpanInput {
  spanId: SpanId;
  view: GenAiSpanView | null;
}

/** What the worker keeps per trace. */
export interface TraceUsageDetail {
  metrics: RunMetrics;
  /** Cost of every span that is a model call or carries usage or a cost, counted or not, by span id. */
  spanCosts: Map<SpanId, CallCost>;
  /** The counted calls, in start order, as "tokens over time" points. */
  points: UsagePoint[];
  /** The row summary; `undefined` when the trace has neither model calls nor token usage. */
  usage: TraceUsage | undefined;
}

/** Unix milliseconds of a trace start given in Unix nanoseconds (a decimal string). */
export function unixNanoToMs(unixNano: string): number {
  try {
    return Number(BigInt(unixNano) / 1_000_000n);
  } catch {
    return 0;
  }
}

/**
 * Prices each GenAI span (at its start time, so dated prices apply) and computes the run's
 * metrics over the whole span tree (the skeleton gives parents through non-GenAI spans, which the
 * counted-once rule needs).
 */
export function computeTraceUsage(skeleton: TraceSkeleton, genaiSpans: readonly UsageSpanInput[], pricer: Pricer): TraceUsageDetail {
  const traceStartMs = unixNanoToMs(skeleton.startTimeUnixNano);
  const views = new Map<SpanId, GenAiSpanView | null>();
  for (const g of genaiSpans) views.set(g.spanId, g.view);
  const spanCosts = new Map<SpanId, CallCost>();
  const spans: MetricsSpan[] = skeleton.spans.map((s) => {
    const view = views.get(s.spanId) ?? null;
    const m: MetricsSpan = {
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      startOffsetMs: s.startOffsetMs,
      durationMs: s.durationMs,
      statusCode: s.statusCode,
      view,
    };
    if (needsPrice(view)) {
      m.cost = pricer.price(priceInputFromView(view, new Date(traceStartMs + s.startOffsetMs)));
      spanCosts.set(s.spanId, m.cost);
    }
    return m;
  });
  const points: UsagePoint[] = [];
  const counted = new Map<SpanId, CallCost>();
  const metrics = computeRunMetrics(spans, skeleton.durationMs, (s, cost) => {
    counted.set(s.spanId, cost);
    const view = s.view;
    if (!view || (view.kind !== 'llm' && view.kind !== 'embeddings')) return;
    points.push({
      timeUnixMs: traceStartMs + s.startOffsetMs,
      label: view.responseModel ?? view.requestModel ?? s.name,
      traceId: skeleton.traceId,
      spanId: s.spanId,
      inputTokens: view.usage?.inputTokens ?? 0,
      outputTokens: view.usage?.outputTokens ?? 0,
      costUsd: cost.status === 'unpriced' ? null : cost.costUsd,
      durationMs: s.durationMs,
    });
  });
  rollUpCosts(skeleton, spanCosts, counted);
  const hasUsage = metrics.modelCalls > 0 || metrics.tokens.total > 0 || metrics.cost.reportedCount + metrics.cost.pricedCount > 0;
  return {
    metrics,
    spanCosts,
    points,
    usage: hasUsage ? { cost: metrics.cost, tokens: metrics.tokens, modelCalls: metrics.modelCalls } : undefined,
  };
}

/**
 * Replaces the cost of every priced span that the run does not count (a roll-up: usage flagged
 * as an aggregate, or a model call / usage carrier above another one, src/core/usage/README.md
 * "Counted once") by the sum of the counted calls below it (`CallCost` status `sum`), so a row
 * never shows a price computed from repeated counts and always agrees with the trace total.
 * O(counted calls × depth).
 */
function rollUpCosts(skeleton: TraceSkeleton, spanCosts: Map<SpanId, CallCost>, counted: ReadonlyMap<SpanId, CallCost>): void {
  const rollUps = new Map<SpanId, CallCost[]>();
  for (const spanId of spanCosts.keys()) if (!counted.has(spanId)) rollUps.set(spanId, []);
  if (rollUps.size === 0) return;
  const parentOf = new Map<SpanId, SpanId | null>();
  for (const s of skeleton.spans) parentOf.set(s.spanId, s.parentSpanId);
  for (const [spanId, cost] of counted) {
    const seen = new Set<SpanId>([spanId]);
    for (let p = parentOf.get(spanId) ?? null; p !== null && !seen.has(p); p = parentOf.get(p) ?? null) {
      seen.add(p);
      rollUps.get(p)?.push(cost);
    }
  }
  for (const [spanId, below] of rollUps) {
    const total = sumCosts(below);
    spanCosts.set(spanId, { status: 'sum', costUsd: total.costUsd, total });
  }
}
