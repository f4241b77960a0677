/**
 * Reads of the full-text index (queries/search*.sql): which spans or traces have a document
 * matching an FTS4 expression, and the text a span's document holds. Stateless over the prepared
 * statements; what is indexed and when is searchIndex.ts. Internal to `src/core/store/`.
 */
import type { SpanId, TraceId } from '../../model/trace';
import type { Queries } from './queries';
import { spanDocumentText, type StoredLogText } from './searchText';
import type { Params, PreparedQuery } from './statement';

/** One span whose document matched a full-text query. */
export interface SearchMatchRow {
  docid: number;
  traceId: TraceId;
  spanId: SpanId;
}

const traces = (traceIds: readonly TraceId[] | null): string | null => (traceIds ? JSON.stringify(traceIds) : null);

/** The rows of a match query (`docid, trace_id, span_id`), at most `limit`; `truncated` when more match. */
function matchRows(query: PreparedQuery, params: Params, limit: number): { rows: SearchMatchRow[]; truncated: boolean } {
  const rows: SearchMatchRow[] = [];
  query.each({ ...params, limit: limit + 1 }, (row) => {
    rows.push({ docid: row[0] as number, traceId: row[1] as string, spanId: row[2] as string });
  });
  const truncated = rows.length > limit;
  if (truncated) rows.length = limit;
  return { rows, truncated };
}

/**
 * Spans whose document matches `match` (an FTS4 expression built from folded tokens), newest
 * documents first, at most `limit`; only in `traceIds` when given. `truncated` when more match.
 * @throws Error when `match` is not a valid FTS4 expression.
 */
export function searchMatches(q: Queries, match: string, traceIds: readonly TraceId[] | null, limit: number): { rows: SearchMatchRow[]; truncated: boolean } {
  return matchRows(q.searchMatches, { match, traces: traces(traceIds) }, limit);
}

/**
 * Spans whose document matches `match` and that satisfy span-level conditions (`error`: error
 * status or an exception; `genaiKeys`: badge key in the list), newest documents first, at most
 * `limit`; only in `traceIds` when given.
 */
export function searchSpanMatches(
  q: Queries,
  match: string,
  traceIds: readonly TraceId[] | null,
  error: boolean,
  genaiKeys: readonly number[] | null,
  limit: number,
): { rows: SearchMatchRow[]; truncated: boolean } {
  return matchRows(q.searchSpanMatches, { match, traces: traces(traceIds), error: error ? 1 : 0, genai_keys: genaiKeys ? JSON.stringify(genaiKeys) : null }, limit);
}

/** The distinct traces with a document matching `match` (only in `traceIds` when given), at most `limit`. */
export function searchMatchTraces(q: Queries, match: string, traceIds: readonly TraceId[] | null, limit: number): { traceIds: TraceId[]; truncated: boolean } {
  const ids = q.searchMatchTraces.all({ match, traces: traces(traceIds), limit: limit + 1 }).map((r) => r[0] as string);
  const truncated = ids.length > limit;
  if (truncated) ids.length = limit;
  return { traceIds: ids, truncated };
}

/** The document text of a stored span as the index would build it now; `null` when the span is not stored. */
export function spanSearchText(q: Queries, traceId: TraceId, spanId: SpanId): string | null {
  const key = { trace_id: traceId, span_id: spanId };
  const source = q.searchSpanSource.first(key);
  if (!source) return null;
  const logs: StoredLogText[] = [];
  q.searchSpanLogs.each(key, (row) => logs.push({ eventName: row[0] as string, detail: row[1] as string }));
  return spanDocumentText(source[0] as string, source[1] as string, logs);
}
