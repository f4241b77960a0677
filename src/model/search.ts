/**
 * Search and filter results shared by the back end, the extension host and the trace webview
 * (JSON-safe). The query language is parsed in the back end (src/core/search); its grammar is in
 * the README ("Search and filter").
 */
import type { SpanId, TraceId } from './ids';
import type { TraceSummary } from './trace';

/** How far the full-text index lags behind the store: results may miss the newest spans while `pendingSpans > 0`. */
export interface IndexStatus {
  /** Spans stored but not yet in the full-text index. */
  pendingSpans: number;
  /** Spans in the index. */
  indexedSpans: number;
  /** Bytes the index takes in the store (counted against `traceLens.store.maxMegabytes`). */
  indexBytes: number;
}

/** One trace found by `searchTraces`: its summary, how many of its spans match, and where. */
export interface TraceSearchHit {
  summary: TraceSummary;
  /** Spans of the trace that match the query (text and span-level conditions). */
  matchCount: number;
  /** The earliest matching span (opened selected), `null` when only trace-level conditions matched. */
  firstSpanId: SpanId | null;
  /**
   * A short excerpt around the first text match, with the matched words between the markers
   * `SNIPPET_MATCH_START` / `SNIPPET_MATCH_END`; `null` without free-text terms.
   */
  snippet: string | null;
}

/** Marks the start of a matched word inside `TraceSearchHit.snippet` (a control character: never in text we show). */
export const SNIPPET_MATCH_START = '\u0002';
/** Marks the end of a matched word inside `TraceSearchHit.snippet`. */
export const SNIPPET_MATCH_END = '\u0003';

/**
 * Outcome of a search or filter: `ok: false` with a message (and the character offset in the
 * query where the problem is) for a query that does not parse; nothing is searched then.
 */
export type SearchOutcome<T> =
  | ({ ok: true; index: IndexStatus } & T)
  | { ok: false; error: string; offset: number };

/** `searchTraces`: matching traces, newest first, at most `limit`. */
export type TraceSearchResult = SearchOutcome<{ hits: TraceSearchHit[]; truncated: boolean }>;

/** `filterTraces`: one page of matching traces (newest first) and how many match in all. */
export type TraceFilterResult = SearchOutcome<{ traces: TraceSummary[]; total: number }>;

/** `findInTrace`: the trace's spans that match, in start-time order. */
export type FindInTraceResult = SearchOutcome<{ traceId: TraceId; spanIds: SpanId[]; truncated: boolean }>;
