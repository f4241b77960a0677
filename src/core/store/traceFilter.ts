/**
 * What the store can filter traces by in SQL (filterTraceIds.sql, filterTraceCount.sql), and the
 * per-span facts span-level conditions are checked against (spanFacts.sql, traceSpanFacts.sql).
 * The query language and its planning are in src/core/search; this is the store's side of the
 * contract: plain values in, SQL parameters out. Pure.
 */
import type { SpanId, TraceId } from '../../model/trace';
import { STATUS_ERROR, prefixUpperBound } from './codec';
import type { Params, Row } from './statement';

/** Trace-level conditions evaluated in SQL against the `traces` summary table; absent members do not filter. */
export interface TraceFilter {
  /** Only these traces (e.g. the ones full-text search found). */
  traceIds?: readonly TraceId[];
  /** None of these traces (e.g. the ones containing an excluded word). */
  excludeTraceIds?: readonly TraceId[];
  /** Root service is one of these names (exactly). */
  services?: readonly string[];
  /** Session id, exactly. */
  sessionId?: string;
  /** Inclusive bounds of the trace's duration `max(end - start, 0)`, in nanoseconds. */
  minDurationNs?: number;
  maxDurationNs?: number;
  /** Earliest start, Unix nanoseconds as a decimal string. */
  sinceNs?: string;
  /** The trace id starts with this (lowercase hex). */
  traceIdPrefix?: string;
  /** A span with error status or an exception event. */
  error?: boolean;
  /** A span whose badge key (`genai / 2`, codec.ts `genaiKeyOf`) is one of these. */
  genaiKeys?: readonly number[];
  /** A span with error status or an exception whose badge key is one of these. */
  errorGenaiKeys?: readonly number[];
  /** A span with a GenAI badge. */
  hasGenai?: boolean;
}

/** `true` when a filter's only condition is `genaiKeys` (a badge list: model:, tool:, agent:, kind:). */
export function isBadgeOnly(f: TraceFilter): boolean {
  return f.genaiKeys !== undefined && Object.entries(f).every(([key, value]) => key === 'genaiKeys' || value === undefined || value === false);
}

/** filterTraceIds.sql / filterTraceCount.sql parameters for a filter (without :limit/:offset). */
export function traceFilterParams(f: TraceFilter): Params {
  const json = (list: readonly (string | number)[] | undefined) => (list === undefined ? null : JSON.stringify(list));
  return {
    traces: json(f.traceIds),
    exclude: json(f.excludeTraceIds),
    services: json(f.services),
    session_id: f.sessionId ?? null,
    min_duration_ns: f.minDurationNs ?? null,
    max_duration_ns: f.maxDurationNs ?? null,
    since_ns: f.sinceNs ?? null,
    trace_prefix: f.traceIdPrefix ?? null,
    trace_prefix_end: f.traceIdPrefix === undefined ? null : prefixUpperBound(f.traceIdPrefix),
    error: f.error ? 1 : 0,
    genai_keys: json(f.genaiKeys),
    error_genai_keys: json(f.errorGenaiKeys),
    has_genai: f.hasGenai ? 1 : 0,
  };
}

/** What span-level conditions test on one span. */
export interface SpanFacts {
  spanId: SpanId;
  /** Status error, or an `exception` event. */
  error: boolean;
  /** `spans.genai` (codec.ts packBadge) or `null` for a non-GenAI span. */
  genai: number | null;
  /** `spans.genai_tokens` or `null`. */
  genaiTokens: number | null;
  /** `service.name` of the span's resource ('' when unknown). */
  serviceName: string;
  /** Start relative to the trace start, and duration (`max(end - start, 0)`), in nanoseconds. */
  startOffsetNs: number;
  durationNs: number;
}

/**
 * A spanFacts.sql row (columns from `status_code`; `offset` 0) or traceSpanFacts.sql row (span id
 * first, `offset` 1) as `SpanFacts`; `services` is `service.name` by resource id.
 */
export function spanFactsFromRow(row: Row, spanId: SpanId, services: readonly string[], offset: 0 | 1): SpanFacts {
  const o = offset;
  return {
    spanId,
    error: row[o] === STATUS_ERROR || row[o + 1] === 1,
    genai: row[o + 2] as number | null,
    genaiTokens: row[o + 3] as number | null,
    serviceName: services[row[o + 4] as number] ?? '',
    startOffsetNs: row[o + 5] as number,
    durationNs: row[o + 6] as number,
  };
}
