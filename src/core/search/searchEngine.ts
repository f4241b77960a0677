/**
 * Runs search plans (plan.ts) against the store and the usage cache, in the back end thread:
 * `searchTraces` (Search Traces…), `filterTraces` (the Traces view's filter), `findInTrace` (Find in
 * the trace webview) and the traces of the Usage view's filtered scope.
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
import { unpackBadge } from '../store/codec';
import type { UsageIndex } from '../usage/usageIndex';
import { parseTraceQuery } from './queryLanguage';
import {
  USER_KEYS,
  attributesMatch,
  badgeMatches,
  intersect,
  planFind,
  planTraceQuery,
  spanConditions,
  termOrder,
  withinBounds,
  type FindPlan,
  type PlanContext,
  type SpanPredicate,
  type TracePlan,
  type UsageBounds,
} from './plan';
import { buildSnippet, ftsAllExpression, ftsAnyExpression, ftsAtom, hasTerm, searchTokens, textTokens, type TokenTerm } from './textTokens';

// ---------------------------------------------------------------------------------------------
// Tunables

/**
 * Documents read per full-text step (one word, phrase, user id or `attr:` narrowing), newest
 * first. Reading a document costs ~1-2 µs in sql.js, so a step stays under ~100 ms even for a word
 * in every document; past it the result says `truncated` (search) and older matches are left out.
 */
export const MAX_TEXT_MATCH_ROWS = 50_000;

/** Traces read per full-text step that asks for traces only (a word anywhere in the trace, an excluded word). */
export const MAX_TEXT_TRACES = 100_000;

/** Most hits one `searchTraces` returns. */
export const MAX_SEARCH_HITS = 1_000;

/** `cost`/`tokens` are evaluated on at most this many traces (newest first) passing the other conditions; as the Usage view's "all" scope. */
export const MAX_USAGE_CANDIDATES = MAX_USAGE_TRACES;

/** Find scans a trace's spans that are not indexed yet for at most this long (ms), then says `truncated`. */
export const FIND_SCAN_BUDGET_MS = 250;

/** Most span ids one `findInTrace` returns (start-time order). */
export const MAX_FIND_SPANS = 10_000;

/** Matching spans tried for a hit's snippet (earliest first) before giving up. */
const SNIPPET_TRIES = 5;

/** Work between yields to the event loop (ms): ingest and other requests get their turn. */
const YIELD_AFTER_MS = 20;

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

/** Cooperative time slicing of one request. */
class Clock {
  private sliceStart = performance.now();
  constructor(private readonly yieldFn: () => Promise<void>) {}
  /** Yields when this slice has run `YIELD_AFTER_MS`. */
  async tick(): Promise<void> {
    if (performance.now() - this.sliceStart > YIELD_AFTER_MS) {
      await this.yieldFn();
      this.sliceStart = performance.now();
    }
  }
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

  constructor(
    private readonly store: TraceStore,
    private readonly usage: UsageIndex,
    options: SearchEngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.yieldFn = options.yieldToEventLoop ?? (() => new Promise((resolve) => setImmediate(resolve)));
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
      c.traces = intersect(c.traces, this.tracesWithUser(user, c.traces, c));
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

  /** Traces (among `within`, if given) with a span carrying `USER_KEYS` = `user` exactly. */
  private tracesWithUser(user: string, within: ReadonlySet<TraceId> | null, c: Candidates): Set<TraceId> {
    const out = new Set<TraceId>();
    const tokens = searchTokens(user);
    if (tokens.length === 0) return out;
    const { rows, truncated } = this.store.searchMatches(ftsAtom({ tokens, prefix: false }), within ? [...within] : null, MAX_TEXT_MATCH_ROWS);
    c.truncated ||= truncated;
    for (const row of rows) {
      if (out.has(row.traceId)) continue;
      if (hasUser(this.store.spanAttributes(row.traceId, row.spanId), user)) out.add(row.traceId);
    }
    return out;
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

  // -------------------------------------------------------------------------------------------
  // Find

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
    const c: Candidates = { traces: null, exclude: new Set(), spans: null, truncated: false };
    if (this.tracesWithUser(user, new Set([traceId]), c).size > 0) return true;
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

/** `true` when the attributes carry `user` under one of `USER_KEYS` (as text, exactly). */
function hasUser(attributes: Readonly<Record<string, unknown>> | null, user: string): boolean {
  if (!attributes) return false;
  for (const key of USER_KEYS) {
    const v = attributes[key];
    if ((typeof v === 'string' || typeof v === 'number') && String(v) === user) return true;
  }
  return false;
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
