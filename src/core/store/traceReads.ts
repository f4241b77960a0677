/**
 * The read side of `TraceStore` (traceStore.ts extends this class): trace lists and summaries,
 * sessions, the skeleton (skeletonRows.ts), span details, GenAI spans, trace filters and facts.
 * Row mappers are in readMappers.ts; the queries, the name dictionaries and the code index come
 * from the store, which also says when it is closed.
 */
import type { Attributes, SessionSummary, SpanDetail, SpanId, TraceId, TraceSkeleton, TraceSummary } from '../../model/trace';
import type { FileCodeStats } from '../../model/source';
import type { IndexStatus } from '../../model/search';
import type { PackedSkeleton } from '../../model/skeletonCodec';
import type { CodeIndex } from '../source/codeIndex';
import { decodeSpanDetail, prefixUpperBound } from './codec';
import type { Interning } from './interning';
import type { Queries } from './queries';
import type { SearchIndex } from './searchIndex';
import { searchMatchTraces, searchMatches, searchSpanMatches, spanSearchText, type SearchMatchRow } from './searchMatches';
import { MAX_CONVERSATION_LOGS, MAX_CONVERSATION_SPANS, MAX_QUERY_LIMIT, readColumns, toCount, type StoredGenAiSpan, type SummaryColumns } from './readMappers';
import { logFromRow, logsIntoSpans, spanFromRow, toGenAiSpans, toSessionSummary, toSummary } from './readMappers';
import { orderRows, packedSkeleton, readSkeletonRows, rowCosts, skeletonSpans } from './skeletonRows';
import { readTraceGenAiFacts, type StoredGenAiFacts } from './traceCallFacts';
import { isBadgeOnly, spanFactsFromRow, traceFilterParams, type SpanFacts, type TraceFilter } from './traceFilter';

/**
 * `filterTraceIds` scans and sorts when at most this many times (offset + limit) traces match:
 * walking the newest-first index reads each trace's row through the primary key (~0.5 µs per trace
 * in sql.js) and visits about (offset + limit) × traces / matches rows; a scan of the table reads
 * rows in storage order (~0.1 µs each) and sorts only the matches.
 */
export const SCAN_PAGE_FACTOR = 5;

/** The store's reads; see the module comment. */
export abstract class TraceReads {
  /** The prepared statements (owned by the store). */
  protected abstract readonly q: Queries;
  /** Service names and the GenAI name dictionary. */
  protected abstract readonly interning: Interning;
  /** Per-file code index (CodeLens, error decorations). */
  protected abstract readonly code: CodeIndex;
  /** The full-text index. */
  protected abstract readonly search: SearchIndex;
  private summaryColumns: SummaryColumns | undefined;

  /** @throws Error('TraceStore is closed') after `close`. */
  protected abstract assertOpen(): void;

  /**
   * Checks once that the queries read by position return the columns the mappers expect.
   * @throws Error on a mismatch between code and SQL files.
   */
  protected checkReadColumns(): void {
    this.summaryColumns = readColumns(this.q);
  }

  private get summaryCols(): SummaryColumns {
    return (this.summaryColumns ??= readColumns(this.q));
  }

  /**
   * Trace summaries, newest first by start time (ties by trace id), `limit` rows from
   * `offset`. From the summary table: no scan of spans.
   * @throws RangeError when `limit` or `offset` is not a finite number (clamped to 0…10,000
   * rows, and 0… for the offset).
   */
  listTraces(limit: number, offset = 0, sessionId?: string): TraceSummary[] {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT);
    const o = toCount(offset, 'offset', Number.MAX_SAFE_INTEGER);
    if (l === 0) return [];
    const c = this.summaryCols;
    const rows = typeof sessionId === 'string'
      ? this.q.listSessionTraces.all({ session_id: sessionId, limit: l, offset: o })
      : this.q.listTraces.all({ limit: l, offset: o });
    return rows.map((row) => toSummary(row, c));
  }

  /**
   * Sessions (traces grouped by `TraceSummary.sessionId`), most recently active first (latest
   * trace end), at most `limit`. Traces without a session are not listed. A GROUP BY over the
   * traces summary table (indexed by session, never over spans; see listSessions.sql), then one
   * index lookup per listed session for its label: the first user message, agent name or root
   * span name of its earliest trace.
   * @throws RangeError when `limit` is not a finite number (clamped to 0…10,000).
   */
  listSessions(limit: number): SessionSummary[] {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT);
    if (l === 0) return [];
    const first = this.q.sessionFirstTrace;
    return this.q.listSessions.all({ limit: l }).map((row) => toSessionSummary(row, first.first({ session_id: row[0] as string })));
  }

  /** One trace's summary, or `null` when it is not stored. */
  traceSummary(traceId: TraceId): TraceSummary | null {
    this.assertOpen();
    if (typeof traceId !== 'string') return null;
    const row = this.q.traceSummary.first({ trace_id: traceId });
    return row ? toSummary(row, this.summaryCols) : null;
  }

  /**
   * Traces whose id starts with `prefix` (trimmed, lower-cased), newest first, at most `limit`.
   * An empty prefix lists the newest traces. Any string is just data: no pattern syntax.
   * @throws RangeError when `limit` is not a finite number.
   */
  findTraces(prefix: string, limit: number): TraceSummary[] {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT);
    const p = String(prefix ?? '').trim().toLowerCase();
    if (p === '') return this.listTraces(l, 0);
    if (l === 0) return [];
    const c = this.summaryCols;
    return this.q.findTraces.all({ prefix: p, prefix_end: prefixUpperBound(p), limit: l }).map((row) => toSummary(row, c));
  }

  /**
   * A trace without attributes, for the waterfall: spans ordered by start time (ties: ancestors
   * first, then span id), times in ms relative to the trace start (`startTimeUnixNano`, the earliest span
   * start), each call with its cost (`SkeletonSpan.cost`, `costIsSum`; skeletonRows.ts). Durations
   * of spans that end before they start read as 0. `null` when not stored.
   */
  traceSkeleton(traceId: TraceId): TraceSkeleton | null {
    this.assertOpen();
    const summary = this.traceSummary(traceId);
    if (!summary) return null;
    const rows = readSkeletonRows(this.q.traceSkeleton, traceId);
    const order = orderRows(rows);
    const spans = skeletonSpans(rows, order, rowCosts(rows, order), this.interning.serviceNames, this.interning.genaiNames);
    return { traceId: summary.traceId, startTimeUnixNano: summary.startTimeUnixNano, durationMs: summary.durationMs, spans };
  }

  /**
   * `traceSkeleton` as the trace webview's columnar `PackedSkeleton` (src/model/skeletonCodec.ts),
   * built from the rows without a span object each (equal to `packSkeleton(traceSkeleton(id))`).
   * `null` when not stored.
   */
  packedTraceSkeleton(traceId: TraceId): PackedSkeleton | null {
    this.assertOpen();
    const summary = this.traceSummary(traceId);
    if (!summary) return null;
    const rows = readSkeletonRows(this.q.traceSkeleton, traceId);
    const order = orderRows(rows);
    return packedSkeleton(summary, rows, order, rowCosts(rows, order), this.interning.serviceNames, this.interning.genaiNames);
  }

  /**
   * One span with its resource, scope, attributes, events and links, plus the log records
   * correlated with it (by time, then arrival). `null` when not stored.
   */
  spanDetail(traceId: TraceId, spanId: SpanId): SpanDetail | null {
    this.assertOpen();
    if (typeof traceId !== 'string' || typeof spanId !== 'string') return null;
    const q = this.q.spanDetail;
    const row = q.first({ trace_id: traceId, span_id: spanId });
    if (!row) return null;
    const span = spanFromRow(q, row);
    const lq = this.q.spanLogs;
    const logs = lq.all({ trace_id: traceId, span_id: spanId }).map((r) => logFromRow(lq, r));
    // GenAI normalization is applied by the ingest service (src/core/genai), not by the store.
    return { span, logs, genai: null };
  }

  /** `true` when the trace has a GenAI span (one badge is enough; stops at the first). */
  traceHasGenAi(traceId: TraceId): boolean {
    this.assertOpen();
    return typeof traceId === 'string' && this.q.traceHasGenAi.first({ trace_id: traceId }) !== undefined;
  }

  /**
   * The GenAI spans of a trace (those stored with a badge) with their correlated log records and
   * offsets, earliest first, at most `maxSpans` (default and cap `MAX_CONVERSATION_SPANS`); logs
   * at most `MAX_CONVERSATION_LOGS` for the whole trace. `truncated` when spans were left out.
   * `null` when the trace is not stored. Input of the Conversation tab.
   */
  traceGenAiSpans(traceId: TraceId, maxSpans = MAX_CONVERSATION_SPANS): { spans: StoredGenAiSpan[]; truncated: boolean } | null {
    this.assertOpen();
    if (typeof traceId !== 'string' || !this.traceSummary(traceId)) return null;
    const limit = toCount(maxSpans, 'maxSpans', MAX_CONVERSATION_SPANS);
    const q = this.q.traceGenAiSpans;
    const rows = q.all({ trace_id: traceId, limit: limit + 1 });
    const spans = toGenAiSpans(q, rows.slice(0, limit));
    if (spans.length > 0) {
      const lq = this.q.traceLogs;
      lq.each({ trace_id: traceId, limit: MAX_CONVERSATION_LOGS }, logsIntoSpans(lq, spans));
    }
    return { spans, truncated: rows.length > limit };
  }

  /**
   * Every GenAI span of a trace with only its badge and cost columns (traceCallFacts.ts): no
   * attributes, prompts or log records, so it has no cap. Empty when the trace is not stored.
   * Run metrics of traces with more GenAI spans than `traceGenAiSpans` loads.
   */
  traceGenAiFacts(traceId: TraceId): StoredGenAiFacts[] {
    this.assertOpen();
    return typeof traceId === 'string' ? readTraceGenAiFacts(this.q.traceGenAiFacts, traceId, this.interning.genaiNames) : [];
  }

  /**
   * CodeLens facts and error lines of one source file, looked up under every index key the
   * document may have been stored under (`documentKeyCandidates` in src/core/source/resolve.ts).
   * From the in-memory code index (src/core/source/codeIndex.ts), maintained with every write:
   * one map lookup per key, so files no span points at cost nothing.
   */
  codeStatsForFile(keys: readonly string[]): FileCodeStats {
    this.assertOpen();
    return this.code.statsForFile(Array.isArray(keys) ? keys : []);
  }

  /**
   * Ids of the traces matching a filter, newest first (as `listTraces`), `limit` from `offset`.
   * SQL over the traces summary table (filterTraceIds.sql), never a scan of spans. `matching`: how
   * many traces match (`filterTraceCount`), when the caller knows it: with few matches (at most
   * `SCAN_PAGE_FACTOR` × (offset + limit)) the table is scanned and the matches sorted
   * (filterTraceIdsByScan.sql) rather than walking the newest-first index past the rest.
   * @throws RangeError when `limit` or `offset` is not a finite number.
   */
  filterTraceIds(filter: TraceFilter, limit: number, offset = 0, matching?: number): TraceId[] {
    this.assertOpen();
    const l = toCount(limit, 'limit', Number.MAX_SAFE_INTEGER);
    const o = toCount(offset, 'offset', Number.MAX_SAFE_INTEGER);
    if (l === 0 || matching === 0) return [];
    // Few matches (by `matching`, the count if known): scan and sort them, instead of walking the
    // newest-first index past every trace that does not match.
    const q = matching !== undefined && matching <= SCAN_PAGE_FACTOR * (o + l) ? this.q.filterTraceIdsByScan : this.q.filterTraceIds;
    return q.all({ ...traceFilterParams(filter), limit: l, offset: o }).map((r) => r[0] as string);
  }

  /**
   * How many traces match a filter (filterTraceCount.sql). A badge condition (`genaiKeys`) is
   * counted from trace_genai first (filterTraceCountByBadge.sql): that count is the answer when
   * the badge is the only condition or no trace has it, and a badge that every stored trace has
   * is left out of filterTraceCount.sql (it filters nothing there, and is its costliest part).
   */
  filterTraceCount(filter: TraceFilter): number {
    this.assertOpen();
    let f = filter;
    if (filter.genaiKeys !== undefined) {
      const row = this.q.filterTraceCountByBadge.first({ genai_keys: JSON.stringify(filter.genaiKeys) })!;
      const badgeTraces = row[0] as number;
      if (badgeTraces === 0 || isBadgeOnly(filter)) return badgeTraces;
      if (badgeTraces === (row[1] as number)) {
        const { genaiKeys: _all, ...rest } = filter;
        f = rest;
      }
    }
    return this.q.filterTraceCount.first(traceFilterParams(f))![0] as number;
  }

  /** What span-level conditions test on one span; `null` when the span is not stored. */
  spanFacts(traceId: TraceId, spanId: SpanId): SpanFacts | null {
    this.assertOpen();
    if (typeof traceId !== 'string' || typeof spanId !== 'string') return null;
    const row = this.q.spanFacts.first({ trace_id: traceId, span_id: spanId });
    return row ? spanFactsFromRow(row, spanId, this.interning.serviceNames, 0) : null;
  }

  /** `spanFacts` of every span of a trace (primary-key order); empty when the trace is not stored. */
  traceSpanFacts(traceId: TraceId): SpanFacts[] {
    this.assertOpen();
    if (typeof traceId !== 'string') return [];
    const services = this.interning.serviceNames;
    return this.q.traceSpanFacts.all({ trace_id: traceId }).map((row) => spanFactsFromRow(row, row[0] as string, services, 1));
  }

  /** A span's attributes; `null` when the span is not stored. */
  spanAttributes(traceId: TraceId, spanId: SpanId): Attributes | null {
    this.assertOpen();
    if (typeof traceId !== 'string' || typeof spanId !== 'string') return null;
    const row = this.q.searchSpanSource.first({ trace_id: traceId, span_id: spanId });
    if (!row) return null;
    try {
      return decodeSpanDetail(row[1] as string).attributes;
    } catch {
      return {};
    }
  }

  /**
   * The store's GenAI badge name dictionary: entry `id` is the `badgeNamesKey` (codec.ts) of name
   * id `id` (`genaiKey(id, kind)` in trace_genai). Read-only; replaced by `clear`.
   */
  genaiNameKeys(): readonly string[] {
    this.assertOpen();
    return this.interning.genaiNames;
  }

  /** The distinct `service.name` values of the stored resources ('' included when some resource has none). */
  serviceNames(): string[] {
    this.assertOpen();
    return [...new Set(this.interning.serviceNames.filter((s) => typeof s === 'string'))];
  }

  /** How far the full-text index lags behind the store, and its size. */
  searchStatus(): IndexStatus {
    this.assertOpen();
    return this.search.status();
  }

  /**
   * Spans whose document matches an FTS4 MATCH expression (built by src/core/search/textTokens.ts
   * from folded tokens), newest documents first, at most `limit` (capped at `MAX_QUERY_LIMIT` × 10);
   * only within `traceIds` when given. Spans not indexed yet are not seen (`searchStatus`).
   * @throws Error for an invalid expression; RangeError for a non-finite limit.
   */
  searchMatches(match: string, traceIds: readonly TraceId[] | null, limit: number): { rows: SearchMatchRow[]; truncated: boolean } {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT * 10);
    if (l === 0 || (traceIds !== null && traceIds.length === 0)) return { rows: [], truncated: false };
    return searchMatches(this.q, match, traceIds, l);
  }

  /**
   * `searchMatches` for spans that also satisfy span-level conditions, checked in SQL: `error`
   * (error status or an exception event) and `genaiKeys` (badge key, codec.ts `genaiKeyOf`, in the
   * list; `null`: any).
   */
  searchSpanMatches(match: string, traceIds: readonly TraceId[] | null, error: boolean, genaiKeys: readonly number[] | null, limit: number): { rows: SearchMatchRow[]; truncated: boolean } {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT * 10);
    if (l === 0 || (traceIds !== null && traceIds.length === 0)) return { rows: [], truncated: false };
    return searchSpanMatches(this.q, match, traceIds, error, genaiKeys, l);
  }

  /**
   * The distinct traces having a span whose document matches the FTS4 expression (only among
   * `traceIds` when given), at most `limit` (capped at `MAX_QUERY_LIMIT` × 10). Cheaper than
   * `searchMatches` for common words: only traces come back.
   */
  searchMatchTraces(match: string, traceIds: readonly TraceId[] | null, limit: number): { traceIds: TraceId[]; truncated: boolean } {
    this.assertOpen();
    const l = toCount(limit, 'limit', MAX_QUERY_LIMIT * 10);
    if (l === 0 || (traceIds !== null && traceIds.length === 0)) return { traceIds: [], truncated: false };
    return searchMatchTraces(this.q, match, traceIds, l);
  }

  /** Spans of a trace without an up-to-date document (not indexed yet, or changed since): Find scans them directly. */
  unindexedSpans(traceId: TraceId): SpanId[] {
    this.assertOpen();
    return typeof traceId === 'string' ? this.search.unindexedSpans(traceId) : [];
  }

  /**
   * The text a span's document holds (searchText.ts: name, attributes, events, correlated logs),
   * built now from the stored span; `null` when the span is not stored. For snippets and Find.
   */
  spanSearchText(traceId: TraceId, spanId: SpanId): string | null {
    this.assertOpen();
    if (typeof traceId !== 'string' || typeof spanId !== 'string') return null;
    return spanSearchText(this.q, traceId, spanId);
  }
}
