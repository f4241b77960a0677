/**
 * Runs search plans (plan.ts) against the store and the usage cache, in the back end thread:
 * `searchTraces` (Search Traces…), `filterTraces` (the Traces view's filter), `findInTrace` (Find in
 * the trace webview; findInTrace.ts) and the traces of the Usage view's filtered scope.
 *
 * Order of work for a trace query: the full-text index narrows by words (each word's documents,
 * the rarest-looking word first, the next ones only within the traces found so far), `user:`
 * ids and `attr:` conditions (index, then the exact attribute checked on each candidate span);
 * excluded words give traces to leave out; then one SQL query over the traces summary table
 * applies every trace-level condition and pages newest first (filterTraceIds.sql). `cost`/`tokens`
 * are computed by the usage cache on what SQL returns, newest first, for at most
 * `MAX_USAGE_CANDIDATES` traces. No step loads every trace; the work of a text word is bounded by
 * `MAX_TEXT_MATCH_ROWS` documents (newest first; `truncated` says when results were cut).
 *
 * Spans not indexed yet (`IndexStatus.pendingSpans`, returned with every result) are not seen by
 * text, `attr:` and `user:` conditions of searches and filters; Find scans the trace's unindexed
 * spans directly, so Find in a live trace is complete.
 */
import type { FindInTraceResult, IndexStatus, TraceFilterResult, TraceSearchHit, TraceSearchResult } from '../../model/search';
import type { SpanId, TraceId, TraceSummary } from '../../model/trace';
import { MAX_USAGE_TRACES } from '../../model/cost';
import type { TraceStore, SpanFacts, TraceFilter } from '../store/traceStore';
import type { UsageIndex } from '../usage/usageIndex';
import { parseTraceQuery } from './queryLanguage';
import {
  attributesMatch,
  badgeMatches,
  intersect,
  planTraceQuery,
  spanConditions,
  termOrder,
  withinBounds,
  type PlanContext,
  type SpanPredicate,
  type TracePlan,
  type UsageBounds,
} from './plan';
import { buildSnippet, ftsAllExpression, ftsAnyExpression, ftsAtom } from './textTokens';
import { Clock } from './clock';
import { MAX_TEXT_MATCH_ROWS, tracesWithUser } from './userIds';
import { TraceFinder } from './findInTrace';

// ---------------------------------------------------------------------------------------------
// Tunables

/** Traces read per full-text step that asks for traces only (a word anywhere in the trace, an excluded word). */
export const MAX_TEXT_TRACES = 100_000;

/** Most hits one `searchTraces` returns. */
export const MAX_SEARCH_HITS = 1_000;

/** `cost`/`tokens` are evaluated on at most this many traces (newest first) passing the other conditions; as the Usage view's "all" scope. */
export const MAX_USAGE_CANDIDATES = MAX_USAGE_TRACES;

/** Matching spans tried for a hit's snippet (earliest first) before giving up. */
const SNIPPET_TRIES = 5;

/** Traces read per filterTraceIds.sql page while evaluating `cost`/`tokens`. */
const USAGE_PAGE = 250;

// ---------------------------------------------------------------------------------------------

/** The not-found/empty answers and what every result carries. */
type Ok<T> = { ok: true; index: IndexStatus } & T;

/** Text-derived restrictions of a trace query. */
interface Candidates {
  /** Only these traces (`null`: no restriction from text). */
  traces: Set<TraceId> | null;
  /** None of these. */
  exclude: Set<TraceId>;
  /**
   * Spans that matched, by trace, when the index was asked for spans (span-level conditions with
   * text or `attr:`); `null` when it was asked for traces only (words anywhere in the trace): the
   * spans of the traces shown are then read for those traces alone.
   */
  spans: Map<TraceId, Set<SpanId>> | null;
  /** A step reached its bound (`MAX_TEXT_MATCH_ROWS` documents or `MAX_TEXT_TRACES` traces): older matches may be missing. */
  truncated: boolean;
}

/** Options of a `SearchEngine` (tests replace the clock). */
export interface SearchEngineOptions {
  /** Now, Unix ms (default `Date.now`): `last:` windows. */
  now?: () => number;
  /** Awaited between slices of work (default: a `setImmediate` tick). */
  yieldToEventLoop?: () => Promise<void>;
}

/** Search, filter and Find over one store. */
export class SearchEngine {
  private readonly now: () => number;
  private readonly yieldFn: () => Promise<void>;
  private readonly finder: TraceFinder;

  constructor(
    private readonly store: TraceStore,
    private readonly usage: UsageIndex,
    options: SearchEngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.yieldFn = options.yieldToEventLoop ?? (() => new Promise((resolve) => setImmediate(resolve)));
    this.finder = new TraceFinder(store, usage, () => this.context(), this.yieldFn);
  }

  private context(): PlanContext {
    return { serviceNames: this.store.serviceNames(), genaiNameKeys: this.store.genaiNameKeys(), nowMs: this.now() };
  }

  /**
   * Search Traces…: traces matching `text`, newest first, at most `limit` (≤ `MAX_SEARCH_HITS`),
   * each with its matching spans (count, earliest) and a snippet of the first text match.
   * `truncated` when more traces match (or a full-text step was cut).
   */
  async search(text: string, limit: number): Promise<TraceSearchResult> {
    const parsed = parseTraceQuery(text);
    if (!parsed.ok) return parsed;
    const ctx = this.context();
    const plan = planTraceQuery(parsed.query, ctx);
    const clock = new Clock(this.yieldFn);
    const l = clampCount(limit, MAX_SEARCH_HITS);
    const done = (hits: TraceSearchHit[], truncated: boolean): Ok<{ hits: TraceSearchHit[]; truncated: boolean }> => ({ ok: true, index: this.store.searchStatus(), hits, truncated });
    if (plan.empty || l === 0) return done([], false);
    const cands = await this.candidates(plan, clock);
    if (cands.traces?.size === 0) return done([], false);
    const filter = this.filterOf(plan, cands);
    let ids: TraceId[];
    let truncated = cands.truncated;
    if (plan.usage) {
      const r = await this.usageFiltered(filter, plan.usage, l + 1, clock);
      ids = r.ids;
      truncated ||= r.truncated;
    } else {
      const total = this.store.filterTraceCount(filter);
      ids = this.store.filterTraceIds(filter, l + 1, 0, total);
    }
    if (ids.length > l) {
      ids.length = l;
      truncated = true;
    }
    const summaries = this.usage.withUsage(ids.map((id) => this.store.traceSummary(id)).filter((s): s is TraceSummary => s !== null));
    const predicate = plan.hasSpanConditions && !plan.span && plan.positive.length === 0 ? spanConditions(parsed.query, ctx) : null;
    let spans = cands.spans;
    if (!spans && plan.positive.length > 0 && ids.length > 0) {
      // Words anywhere: the spans of the traces shown that contain any of them.
      spans = new Map();
      const { rows } = this.store.searchMatches(ftsAnyExpression(plan.positive), ids, MAX_TEXT_MATCH_ROWS);
      for (const row of rows) {
        let set = spans.get(row.traceId);
        if (!set) spans.set(row.traceId, (set = new Set()));
        set.add(row.spanId);
      }
    }
    const hits: TraceSearchHit[] = [];
    for (const summary of summaries) {
      await clock.tick();
      hits.push(this.hit(summary, plan, spans, predicate));
    }
    return done(hits, truncated);
  }

  /**
   * The Traces view's filter: one page (`limit` from `offset`, newest first) of the traces matching
   * `text` and the total. With `cost`/`tokens`, only the newest `MAX_USAGE_CANDIDATES` traces
   * passing the other conditions are evaluated, so `total` counts within those.
   */
  async filter(text: string, limit: number, offset: number, sessionId?: string): Promise<TraceFilterResult> {
    const parsed = parseTraceQuery(text);
    if (!parsed.ok) return parsed;
    const plan = planTraceQuery(parsed.query, this.context(), typeof sessionId === 'string' ? sessionId : undefined);
    const clock = new Clock(this.yieldFn);
    const l = clampCount(limit, Number.MAX_SAFE_INTEGER);
    const o = clampCount(offset, Number.MAX_SAFE_INTEGER);
    const done = (traces: TraceSummary[], total: number): Ok<{ traces: TraceSummary[]; total: number }> => ({ ok: true, index: this.store.searchStatus(), traces, total });
    if (plan.empty) return done([], 0);
    const cands = await this.candidates(plan, clock);
    if (cands.traces?.size === 0) return done([], 0);
    const filter = this.filterOf(plan, cands);
    let ids: TraceId[];
    let total: number;
    if (plan.usage) {
      const all = (await this.usageFiltered(filter, plan.usage, MAX_USAGE_CANDIDATES, clock)).ids;
      total = all.length;
      ids = all.slice(o, o + l);
    } else {
      total = this.store.filterTraceCount(filter);
      ids = o < total ? this.store.filterTraceIds(filter, l, o, total) : [];
    }
    const summaries = ids.map((id) => this.store.traceSummary(id)).filter((s): s is TraceSummary => s !== null);
    return done(this.usage.withUsage(summaries), total);
  }

  /**
   * The newest traces matching `text` (at most `max`), for the Usage view's filtered scope;
   * `null` for a query that does not parse.
   */
  async filteredSummaries(text: string, max: number): Promise<TraceSummary[] | null> {
    const parsed = parseTraceQuery(text);
    if (!parsed.ok) return null;
    const plan = planTraceQuery(parsed.query, this.context());
    if (plan.empty) return [];
    const clock = new Clock(this.yieldFn);
    const cands = await this.candidates(plan, clock);
    if (cands.traces?.size === 0) return [];
    const filter = this.filterOf(plan, cands);
    const ids = plan.usage ? (await this.usageFiltered(filter, plan.usage, max, clock)).ids : this.store.filterTraceIds(filter, max, 0, this.store.filterTraceCount(filter));
    return ids.map((id) => this.store.traceSummary(id)).filter((s): s is TraceSummary => s !== null);
  }

  /**
   * Find in a trace: the trace's spans that match `text`, in start-time order (ties by span id),
   * at most `MAX_FIND_SPANS`; see findInTrace.ts. An unknown trace has no matching spans.
   */
  find(traceId: TraceId, text: string): Promise<FindInTraceResult> {
    return this.finder.find(traceId, text);
  }

  // -------------------------------------------------------------------------------------------
  // Trace queries

  /** The full-text steps of a trace plan (module comment). */
  private async candidates(plan: TracePlan, clock: Clock): Promise<Candidates> {
    const c: Candidates = { traces: null, exclude: new Set(), spans: null, truncated: false };
    if (plan.span) {
      // Words and span-level conditions together on one span: the index's candidates, with error
      // and badge checked in SQL and `attr:` on each candidate's attributes.
      const p = plan.span;
      const terms = [...plan.positive, ...p.attrs.flatMap((a) => a.prefilter)];
      const keys = p.genaiKeys ? [...p.genaiKeys] : null;
      const { rows, truncated } = this.store.searchSpanMatches(ftsAllExpression(terms), null, p.error, keys, MAX_TEXT_MATCH_ROWS);
      c.truncated ||= truncated;
      c.traces = new Set();
      c.spans = new Map();
      for (const row of rows) {
        if (p.attrs.length > 0) {
          await clock.tick();
          if (!attributesMatch(this.store.spanAttributes(row.traceId, row.spanId) ?? {}, p.attrs)) continue;
        }
        c.traces.add(row.traceId);
        let set = c.spans.get(row.traceId);
        if (!set) c.spans.set(row.traceId, (set = new Set()));
        set.add(row.spanId);
      }
    } else {
      // Each word anywhere in the trace: narrow word by word, traces only.
      for (const term of termOrder(plan.positive)) {
        await clock.tick();
        const found = this.store.searchMatchTraces(ftsAtom(term), c.traces ? [...c.traces] : null, MAX_TEXT_TRACES);
        c.truncated ||= found.truncated;
        c.traces = intersect(c.traces, new Set(found.traceIds));
        if (c.traces.size === 0) break;
      }
    }
    for (const user of plan.users) {
      if (c.traces?.size === 0) break;
      await clock.tick();
      const found = tracesWithUser(this.store, user, c.traces);
      c.truncated ||= found.truncated;
      c.traces = intersect(c.traces, found.traces);
    }
    for (const term of plan.negative) {
      if (c.traces?.size === 0) break;
      await clock.tick();
      const found = this.store.searchMatchTraces(ftsAtom(term), c.traces ? [...c.traces] : null, MAX_TEXT_TRACES);
      c.truncated ||= found.truncated;
      for (const id of found.traceIds) {
        if (c.traces) c.traces.delete(id);
        else c.exclude.add(id);
      }
    }
    if (c.traces && c.spans) for (const id of [...c.spans.keys()]) if (!c.traces.has(id)) c.spans.delete(id);
    return c;
  }

  /** The plan's SQL conditions with the text-derived trace sets. */
  private filterOf(plan: TracePlan, c: Candidates): TraceFilter {
    const f: TraceFilter = { ...plan.filter };
    if (c.traces) f.traceIds = [...c.traces];
    if (c.exclude.size > 0) f.excludeTraceIds = [...c.exclude];
    return f;
  }

  /**
   * Trace ids passing `filter` whose usage satisfies `bounds`, newest first, at most `max`;
   * evaluates at most `MAX_USAGE_CANDIDATES` traces (`truncated` when more were left).
   */
  private async usageFiltered(filter: TraceFilter, bounds: UsageBounds, max: number, clock: Clock): Promise<{ ids: TraceId[]; truncated: boolean }> {
    const ids: TraceId[] = [];
    let examined = 0;
    for (;;) {
      const page = this.store.filterTraceIds(filter, Math.min(USAGE_PAGE, MAX_USAGE_CANDIDATES - examined), examined);
      for (const id of page) {
        await clock.tick();
        // The trace's stored cost and tokens (the same figures its row shows).
        const usage = this.store.traceSummary(id)?.usage;
        if (usage && usageSatisfies(usage, bounds)) {
          ids.push(id);
          if (ids.length >= max) return { ids, truncated: true };
        }
      }
      examined += page.length;
      if (page.length === 0 || examined >= MAX_USAGE_CANDIDATES) {
        return { ids, truncated: page.length > 0 && this.store.filterTraceIds(filter, 1, examined).length > 0 };
      }
    }
  }

  /** One hit: its matching spans (count, earliest) and the snippet of the first text match. */
  private hit(summary: TraceSummary, plan: TracePlan, spans: ReadonlyMap<TraceId, ReadonlySet<SpanId>> | null, predicate: SpanPredicate | null): TraceSearchHit {
    const traceId = summary.traceId;
    let matched: ReadonlySet<SpanId> | undefined;
    let facts: SpanFacts[] | undefined;
    if (plan.positive.length > 0 || plan.span) matched = spans?.get(traceId);
    else if (predicate) {
      facts = this.store.traceSpanFacts(traceId);
      matched = new Set(facts.filter((f) => (!predicate.error || f.error) && badgeMatches(f.genai, predicate.genaiKeys)).map((f) => f.spanId));
    }
    if (!matched || matched.size === 0) return { summary, matchCount: 0, firstSpanId: null, snippet: null };
    facts ??= this.store.traceSpanFacts(traceId);
    const ordered = facts.filter((f) => matched.has(f.spanId)).sort((a, b) => a.startOffsetNs - b.startOffsetNs || (a.spanId < b.spanId ? -1 : 1));
    let snippet: string | null = null;
    if (plan.positive.length > 0) {
      for (const f of ordered.slice(0, SNIPPET_TRIES)) {
        const text = this.store.spanSearchText(traceId, f.spanId);
        snippet = text === null ? null : buildSnippet(text, plan.positive);
        if (snippet !== null) break;
      }
    }
    return { summary, matchCount: ordered.length, firstSpanId: ordered[0]?.spanId ?? null, snippet };
  }
}

/** `cost`: priced or reported cost exists and is within bounds; `tokens`: total tokens within bounds. */
function usageSatisfies(usage: NonNullable<TraceSummary['usage']>, bounds: UsageBounds): boolean {
  if (bounds.cost.length > 0) {
    const c = usage.cost;
    if (c.reportedCount + c.pricedCount === 0 || !withinBounds(c.costUsd, bounds.cost)) return false;
  }
  if (bounds.tokens.length > 0 && !withinBounds(usage.tokens.total, bounds.tokens)) return false;
  return true;
}

/** A non-negative integer count from an untrusted number (non-finite → 0), at most `max`. */
function clampCount(value: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(0, Math.floor(value))) : 0;
}
