/**
 * The read side's row → domain mappers: from the result rows of the read queries (listTraces,
 * listSessions, traceSkeleton, spanDetail, spanLogs, traceGenAiSpans, …) to the JSON-safe types
 * of `src/model/trace.ts`, plus the read limits and their argument checks. No SQL runs here:
 * `TraceStore` executes the queries and passes the rows (and, for column positions, the
 * prepared query) in.
 */
import type { TraceUsage } from '../../model/cost';
import type {
  LogRecordInfo,
  SessionSummary,
  SpanId,
  SpanRecord,
  TraceId,
  TraceSummary,
} from '../../model/trace';
import { decodeLogDetail, decodeResource, decodeScope, decodeSpanDetail, kindName, statusName } from './codec';
import { showsUsage } from './usageSums';
import type { Queries } from './queries';
import type { PreparedQuery, Row } from './statement';

/** Largest `limit` accepted by `listTraces`/`findTraces` (rows); larger values are clamped. */
export const MAX_QUERY_LIMIT = 10_000;

/** Most GenAI spans loaded for one trace's conversation (`traceGenAiSpans`), earliest first. */
export const MAX_CONVERSATION_SPANS = 2_000;

/** Most log records loaded with them (records). */
export const MAX_CONVERSATION_LOGS = 20_000;

/** One GenAI span with its logs and its place on the trace's time axis (`traceGenAiSpans`). */
export interface StoredGenAiSpan {
  span: SpanRecord;
  logs: LogRecordInfo[];
  /** Milliseconds from the trace start. */
  startOffsetMs: number;
  durationMs: number;
}

/** `limit`/`offset` as a non-negative integer, capped at `max`. @throws RangeError if not finite. */
export function toCount(value: number, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
  return Math.min(max, Math.max(0, Math.floor(value)));
}

/** traceSkeleton.sql's columns (JSON arrays), read by position (skeletonRows.ts). */
const SKELETON_COLUMNS = [
  'span_ids',
  'parent_span_ids',
  'names',
  'bits',
  'resource_ids',
  'start_offsets_ns',
  'durations_ns',
  'genai',
  'genai_tokens',
  'calls',
  'costs_pico',
] as const;

/** Column positions of the summary queries (listTraces, traceSummary, findTraces, listSessionTraces). */
export interface SummaryColumns {
  traceId: number;
  rootName: number;
  hasRoot: number;
  rootService: number;
  startNs: number;
  endNs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  updatedSeq: number;
  sessionId: number;
  agentName: number;
  firstUserMessage: number;
  usage: number;
}

/**
 * Checks, once per store, that the queries read by position return the columns the mappers
 * expect, and returns the summary queries' column positions.
 * @throws Error when the summary queries' columns differ from listTraces.sql's, or
 * traceSkeleton.sql's from `SKELETON_COLUMNS` (a mismatch between code and SQL files).
 */
export function readColumns(q: Queries): SummaryColumns {
  const l = q.listTraces;
  const columns: SummaryColumns = {
    traceId: l.column('trace_id'),
    rootName: l.column('root_name'),
    hasRoot: l.column('has_root'),
    rootService: l.column('root_service'),
    startNs: l.column('start_unix_nano'),
    endNs: l.column('end_unix_nano'),
    durationMs: l.column('duration_ms'),
    spanCount: l.column('span_count'),
    errorCount: l.column('error_count'),
    updatedSeq: l.column('updated_seq'),
    sessionId: l.column('session_id'),
    agentName: l.column('agent_name'),
    firstUserMessage: l.column('first_user_message'),
    usage: l.column('usage'),
  };
  // Same columns in the same order in all the summary queries.
  for (const query of [q.traceSummary, q.findTraces, q.listSessionTraces]) {
    if (query.columnNames.join() !== l.columnNames.join()) {
      throw new Error(`${query.label}: columns differ from listTraces.sql`);
    }
  }
  const skeletonColumns = q.traceSkeleton.columnNames.join();
  if (skeletonColumns !== SKELETON_COLUMNS.join()) {
    throw new Error(`traceSkeleton.sql: columns ${skeletonColumns}, expected ${SKELETON_COLUMNS.join()}`);
  }
  return columns;
}

/** A row of a summary query (columns `c`) as a `TraceSummary`; GenAI members only when known. */
export function toSummary(row: Row, c: SummaryColumns): TraceSummary {
  const summary: TraceSummary = {
    traceId: row[c.traceId] as string,
    rootName: row[c.rootName] as string,
    hasRoot: row[c.hasRoot] === 1,
    serviceName: row[c.rootService] as string,
    startTimeUnixNano: row[c.startNs] as string,
    endTimeUnixNano: row[c.endNs] as string,
    durationMs: row[c.durationMs] as number,
    spanCount: row[c.spanCount] as number,
    errorCount: row[c.errorCount] as number,
    updatedSeq: row[c.updatedSeq] as number,
  };
  // GenAI members only when known (JSON-safe: no undefined members).
  const sessionId = row[c.sessionId];
  if (typeof sessionId === 'string') summary.sessionId = sessionId;
  const agentName = row[c.agentName];
  if (typeof agentName === 'string') summary.agentName = agentName;
  const firstUserMessage = row[c.firstUserMessage];
  if (typeof firstUserMessage === 'string') summary.firstUserMessage = firstUserMessage;
  // Cost and tokens, summed at write time (usageColumns.ts).
  const usage = row[c.usage];
  if (typeof usage === 'string') {
    const value = JSON.parse(usage) as TraceUsage;
    if (showsUsage(value)) summary.usage = value;
  }
  return summary;
}

/**
 * A listSessions.sql row as a `SessionSummary`; `first` is sessionFirstTrace.sql's row for it
 * (the label: first user message, else agent name, else root span name of the earliest trace).
 */
export function toSessionSummary(row: Row, first: Row | undefined): SessionSummary {
  const label = first ? ((first[1] as string | null) ?? (first[0] as string | null) ?? (first[2] as string)) : '';
  return {
    sessionId: row[0] as string,
    traceCount: row[1] as number,
    startTimeUnixNano: row[2] as string,
    endTimeUnixNano: row[3] as string,
    firstTraceLabel: label,
    errorCount: row[4] as number,
  };
}

/** A span from a query with spanDetail.sql's columns (trace_id … scope_json). */
export function spanFromRow(q: PreparedQuery, row: Row): SpanRecord {
  const detail = decodeSpanDetail(row[q.column('detail')] as string);
  return {
    traceId: row[q.column('trace_id')] as string,
    spanId: row[q.column('span_id')] as string,
    parentSpanId: row[q.column('parent_span_id')] as string | null,
    traceState: detail.traceState,
    flags: detail.flags,
    name: row[q.column('name')] as string,
    kind: kindName(row[q.column('kind')] as number),
    startTimeUnixNano: row[q.column('start_unix_nano')] as string,
    endTimeUnixNano: row[q.column('end_unix_nano')] as string,
    attributes: detail.attributes,
    droppedAttributesCount: detail.droppedAttributesCount,
    events: detail.events,
    droppedEventsCount: detail.droppedEventsCount,
    links: detail.links,
    droppedLinksCount: detail.droppedLinksCount,
    status: { code: statusName(row[q.column('status_code')] as number), message: detail.statusMessage },
    resource: decodeResource(row[q.column('resource_json')] as string),
    scope: decodeScope(row[q.column('scope_json')] as string),
  };
}

/** A log record from a query with spanLogs.sql's columns. */
export function logFromRow(lq: PreparedQuery, r: Row): LogRecordInfo {
  const d = decodeLogDetail(r[lq.column('detail')] as string);
  return {
    timeUnixNano: r[lq.column('time_unix_nano')] as string,
    observedTimeUnixNano: r[lq.column('observed_unix_nano')] as string,
    severityNumber: r[lq.column('severity_number')] as number,
    severityText: r[lq.column('severity_text')] as string,
    eventName: r[lq.column('event_name')] as string,
    body: d.body,
    attributes: d.attributes,
    droppedAttributesCount: d.droppedAttributesCount,
    flags: r[lq.column('flags')] as number,
    traceId: r[lq.column('trace_id')] as string | null,
    spanId: r[lq.column('span_id')] as string | null,
    resource: decodeResource(r[lq.column('resource_json')] as string),
    scope: decodeScope(r[lq.column('scope_json')] as string),
  };
}

/**
 * A traceUserLogs.sql row (time, observed time, event name, detail) of trace `traceId` as the
 * `LogRecordInfo` the annotator's `logFirstUserText` reads: body and attributes, the rest empty.
 */
export function userLogFromRow(r: Row, traceId: TraceId): LogRecordInfo {
  const d = decodeLogDetail(r[3] as string);
  return {
    timeUnixNano: r[0] as string,
    observedTimeUnixNano: r[1] as string,
    severityNumber: 0,
    severityText: '',
    eventName: r[2] as string,
    body: d.body,
    attributes: d.attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId,
    spanId: null,
    resource: { attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
    scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  };
}

/**
 * traceGenAiSpans.sql rows (spanDetail.sql's columns plus `start_offset_ms`, `duration_ms`) as
 * `StoredGenAiSpan`s without logs yet; `q` is that query (for column positions).
 */
export function toGenAiSpans(q: PreparedQuery, rows: readonly Row[]): StoredGenAiSpan[] {
  const offsetCol = q.column('start_offset_ms');
  const durationCol = q.column('duration_ms');
  return rows.map((row) => ({
    span: spanFromRow(q, row),
    logs: [],
    startOffsetMs: row[offsetCol] as number,
    durationMs: row[durationCol] as number,
  }));
}

/**
 * A row callback for traceLogs.sql (`lq`, spanLogs.sql's columns) that adds each record to the
 * `logs` of its span among `spans`; records of other spans are skipped.
 */
export function logsIntoSpans(lq: PreparedQuery, spans: readonly StoredGenAiSpan[]): (row: Row) => void {
  const bySpan = new Map<SpanId, StoredGenAiSpan>();
  for (const s of spans) bySpan.set(s.span.spanId, s);
  const spanCol = lq.column('span_id');
  return (r) => {
    const target = bySpan.get(r[spanCol] as string);
    if (target) target.logs.push(logFromRow(lq, r));
  };
}
