/**
 * Find in the trace webview (`findInTrace`): the spans of one trace that match a query of the
 * search language (plan.ts `planFind`). Indexed spans are matched through the full-text index;
 * spans not indexed yet (or changed since) are read and matched directly, so Find in a live trace
 * is complete.
 */
import type { FindInTraceResult } from '../../model/search';
import type { SpanId, TraceId, TraceSummary } from '../../model/trace';
import type { TraceStore, SpanFacts } from '../store/traceStore';
import { unpackBadge } from '../store/codec';
import type { UsageIndex } from '../usage/usageIndex';
import { parseTraceQuery } from './queryLanguage';
import { attributesMatch, badgeMatches, planFind, withinBounds, type FindPlan, type PlanContext, type UsageBounds } from './plan';
import { ftsAllExpression, ftsAnyExpression, hasTerm, textTokens, type TokenTerm } from './textTokens';
import { Clock } from './clock';
import { hasUser, tracesWithUser } from './userIds';

/** Find scans a trace's spans that are not indexed yet for at most this long (ms), then says `truncated`. */
export const FIND_SCAN_BUDGET_MS = 250;

/** Most span ids one `findInTrace` returns (start-time order). */
export const MAX_FIND_SPANS = 10_000;

/** Find over one store (SearchEngine's `find`). */
export class TraceFinder {
  /**
   * @param context what plans need (service names, GenAI name keys, now), read per request.
   * @param yieldFn awaited between slices of work.
   */
  constructor(
    private readonly store: TraceStore,
    private readonly usage: UsageIndex,
    private readonly context: () => PlanContext,
    private readonly yieldFn: () => Promise<void>,
  ) {}

  /**
   * Find in a trace: the trace's spans that match `text` (plan.ts `planFind`), in start-time order
   * (ties by span id), at most `MAX_FIND_SPANS`. Indexed spans are matched through the full-text
   * index; spans not indexed yet (or changed since) are read and matched directly, for at most
   * `FIND_SCAN_BUDGET_MS` (then `truncated`). An unknown trace has no matching spans.
   */
  async find(traceId: TraceId, text: string): Promise<FindInTraceResult> {
    const parsed = parseTraceQuery(text);
    if (!parsed.ok) return parsed;
    const plan = planFind(parsed.query, this.context());
    const clock = new Clock(this.yieldFn);
    const done = (spanIds: SpanId[], truncated: boolean): FindInTraceResult => ({ ok: true, index: this.store.searchStatus(), traceId, spanIds, truncated });
    const summary = typeof traceId === 'string' ? this.store.traceSummary(traceId) : null;
    if (!summary || plan.empty) return done([], false);
    if (!(await this.traceChecks(summary, plan, clock))) return done([], false);
    let spans = this.store.traceSpanFacts(traceId).filter((f) => this.spanChecks(f, plan));
    if (plan.usage) spans = this.spanUsageChecks(traceId, spans, plan.usage);
    let truncated = false;
    if (plan.positive.length > 0 || plan.negative.length > 0 || plan.attrs.length > 0) {
      const matched = await this.findText(traceId, plan, spans, clock);
      truncated = matched.truncated;
      spans = spans.filter((f) => matched.spans.has(f.spanId));
    }
    spans.sort((a, b) => a.startOffsetNs - b.startOffsetNs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
    if (spans.length > MAX_FIND_SPANS) {
      spans.length = MAX_FIND_SPANS;
      truncated = true;
    }
    return done(spans.map((f) => f.spanId), truncated);
  }

  /** Trace-level checks of Find: session, last, trace id prefix, user. */
  private async traceChecks(summary: TraceSummary, plan: FindPlan, clock: Clock): Promise<boolean> {
    if (plan.sessionIds.some((id) => summary.sessionId !== id)) return false;
    if (plan.sinceMs !== null && Number(BigInt(summary.startTimeUnixNano) / 1_000_000n) < plan.sinceMs) return false;
    if (plan.tracePrefixes.some((p) => !summary.traceId.startsWith(p))) return false;
    for (const user of plan.users) {
      await clock.tick();
      if (!this.traceHasUser(summary.traceId, user)) return false;
    }
    return true;
  }

  /** `true` when a span of the trace (indexed or not) carries the user id. */
  private traceHasUser(traceId: TraceId, user: string): boolean {
    if (tracesWithUser(this.store, user, new Set([traceId])).traces.size > 0) return true;
    return this.store.unindexedSpans(traceId).some((spanId) => hasUser(this.store.spanAttributes(traceId, spanId), user));
  }

  /** Per-span checks of Find that need no text: error, badge, service, duration. */
  private spanChecks(f: SpanFacts, plan: FindPlan): boolean {
    if (plan.error && !f.error) return false;
    if (!badgeMatches(f.genai, plan.genaiKeys)) return false;
    if (plan.servicePrefixes.length > 0) {
      const service = f.serviceName.toLowerCase();
      if (!plan.servicePrefixes.every((p) => service.startsWith(p))) return false;
    }
    if (plan.minDurationNs !== null && f.durationNs < plan.minDurationNs) return false;
    if (plan.maxDurationNs !== null && f.durationNs > plan.maxDurationNs) return false;
    return true;
  }

  /** Find's `cost` (the span's model call, priced) and `tokens` (its input + output) per span. */
  private spanUsageChecks(traceId: TraceId, spans: SpanFacts[], bounds: UsageBounds): SpanFacts[] {
    const costs = bounds.cost.length > 0 ? this.usage.spanCosts(traceId) : undefined;
    const names = this.store.genaiNameKeys();
    return spans.filter((f) => {
      if (bounds.cost.length > 0) {
        const cost = costs?.get(f.spanId);
        if (!cost || cost.status === 'unpriced' || !withinBounds(cost.costUsd, bounds.cost)) return false;
      }
      if (bounds.tokens.length > 0) {
        if (f.genai === null || f.genaiTokens === null) return false;
        const badge = unpackBadge(f.genai, f.genaiTokens, names);
        if (badge.inputTokens === undefined && badge.outputTokens === undefined) return false;
        if (!withinBounds((badge.inputTokens ?? 0) + (badge.outputTokens ?? 0), bounds.tokens)) return false;
      }
      return true;
    });
  }

  /**
   * Spans of the trace (among `spans`) whose text contains every word and none of the excluded
   * ones and that satisfy `attr:`: indexed spans through the index, the others read directly.
   */
  private async findText(traceId: TraceId, plan: FindPlan, spans: readonly SpanFacts[], clock: Clock): Promise<{ spans: Set<SpanId>; truncated: boolean }> {
    const out = new Set<SpanId>();
    const wanted = new Set(spans.map((f) => f.spanId));
    const unindexed = new Set(this.store.unindexedSpans(traceId));
    let truncated = false;
    const terms: TokenTerm[] = [...plan.positive, ...plan.attrs.flatMap((a) => a.prefilter)];
    if (terms.length > 0) {
      const { rows, truncated: cut } = this.store.searchMatches(ftsAllExpression(terms, plan.negative), [traceId], MAX_FIND_SPANS);
      truncated ||= cut;
      for (const row of rows) {
        if (unindexed.has(row.spanId) || !wanted.has(row.spanId)) continue;
        if (plan.attrs.length > 0 && !attributesMatch(this.store.spanAttributes(traceId, row.spanId) ?? {}, plan.attrs)) continue;
        out.add(row.spanId);
      }
    } else {
      // Only excluded words: every indexed span that has none of them.
      const { rows, truncated: cut } = this.store.searchMatches(ftsAnyExpression(plan.negative), [traceId], MAX_FIND_SPANS);
      truncated ||= cut;
      const excluded = new Set(rows.map((r) => r.spanId));
      for (const id of wanted) if (!unindexed.has(id) && !excluded.has(id)) out.add(id);
    }
    const deadline = performance.now() + FIND_SCAN_BUDGET_MS;
    for (const spanId of unindexed) {
      if (!wanted.has(spanId)) continue;
      if (performance.now() > deadline) {
        truncated = true;
        break;
      }
      await clock.tick();
      const text = this.store.spanSearchText(traceId, spanId);
      if (text === null) continue;
      const tokens = textTokens(text);
      if (!plan.positive.every((t) => hasTerm(tokens, t)) || plan.negative.some((t) => hasTerm(tokens, t))) continue;
      if (plan.attrs.length > 0 && !attributesMatch(this.store.spanAttributes(traceId, spanId) ?? {}, plan.attrs)) continue;
      out.add(spanId);
    }
    return { spans: out, truncated };
  }
}
