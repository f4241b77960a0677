/**
 * Domain types shared by the extension host, the back end thread and the webviews.
 *
 * Rules: JSON-safe (no bigint, Map, Date, Uint8Array), no imports from node, DOM or `vscode`.
 * Nanosecond timestamps cross boundaries as decimal strings (`…UnixNano`) or as millisecond
 * offsets from the trace start (`…OffsetMs`). Ids are lowercase hex (trace 32, span 16 chars).
 * Source: OTLP `opentelemetry/proto/trace/v1/trace.proto`, `common/v1/common.proto`,
 * `logs/v1/logs.proto`.
 */
import type { GenAiBadge, GenAiSpanView } from './genai';
import type { CallCost, TraceUsage } from './cost';
import type { TraceFindingsSummary } from './diagnostics';

import type { SpanId, TraceId } from './ids';

export type { SpanId, TraceId };

/** OTLP `Span.SpanKind`, lower-cased without the `SPAN_KIND_` prefix. */
export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** OTLP `Status.StatusCode`, lower-cased without the `STATUS_CODE_` prefix. */
export type StatusCode = 'unset' | 'ok' | 'error';

/**
 * An OTLP `AnyValue` as JSON: string, boolean, number (double, or int64 when it fits in 2^53;
 * a larger int64 is kept exactly as a decimal string), array, key-value list as an object,
 * bytes as a base64 string, and `null` for an empty value.
 */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** OTLP `repeated KeyValue` as an object; a repeated key keeps the last value. */
export type Attributes = Record<string, AttributeValue>;

/** OTLP `Span.Event`. */
export interface SpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

/** OTLP `Span.Link`. */
export interface SpanLink {
  traceId: TraceId;
  spanId: SpanId;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

/** OTLP `Resource` plus the `schema_url` of its `ResourceSpans`/`ResourceLogs`. */
export interface ResourceInfo {
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** OTLP `InstrumentationScope` plus the `schema_url` of its `ScopeSpans`/`ScopeLogs`. */
export interface ScopeInfo {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

/**
 * One decoded span: the project's own form of OTLP `Span`, with its resource and scope.
 * Produced by the decoders in `src/core/otlp/`, consumed by the store.
 */
export interface SpanRecord {
  traceId: TraceId;
  spanId: SpanId;
  /** `null` for a root span (empty or all-zero `parent_span_id`). */
  parentSpanId: SpanId | null;
  traceState: string;
  /** W3C trace flags and the OTLP "parent is remote" bits (`Span.flags`); 0 when absent. */
  flags: number;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: { code: StatusCode; message: string };
  resource: ResourceInfo;
  scope: ScopeInfo;
}

/** OTLP `SeverityNumber` range names; `severityNumber` keeps the exact number (0–24). */
export interface LogRecordInfo {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  /** OTLP `LogRecord.event_name` (logs.proto field 12), or the `event.name` attribute. */
  eventName: string;
  body: AttributeValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  /** `null` when the record is not correlated with a trace. */
  traceId: TraceId | null;
  spanId: SpanId | null;
  resource: ResourceInfo;
  scope: ScopeInfo;
}

/** One row of the Traces tree: kept up to date by the store's per-trace summary table. */
export interface TraceSummary {
  traceId: TraceId;
  /** Name of the root span, or of the earliest span while the root has not arrived. */
  rootName: string;
  /** `true` once a span without a parent has arrived. */
  hasRoot: boolean;
  /** `service.name` of the root (or earliest) span's resource; '' when unknown. */
  serviceName: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  /** Monotonic store sequence of the last change to this trace (for "what changed" queries). */
  updatedSeq: number;
  /** Session/conversation id of the trace's spans (`gen_ai.conversation.id`, `session.id`, …), when any. */
  sessionId?: string;
  /** Name of the outermost agent span (`gen_ai.agent.name`, …), when any. */
  agentName?: string;
  /** The first user message of the trace, shortened to ~120 characters, when captured. */
  firstUserMessage?: string;
  /** Cost and tokens of the run (each call counted once); absent without model calls or usage. */
  usage?: TraceUsage;
  /** What the diagnostics found in the run (src/core/diagnostics), when anything. */
  findings?: TraceFindingsSummary;
  /** The OTLP file the trace was opened from (Open OTLP File…, Watch), when it was (src/core/files). */
  sourceFile?: string;
}

/** One session (conversation) of the Traces tree's "group by session" mode. */
export interface SessionSummary {
  sessionId: string;
  traceCount: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Label of the session's earliest trace (agent name, first user message or root span name). */
  firstTraceLabel: string;
  errorCount: number;
  /** Cost and tokens of the session's traces (newest 2,000), each call counted once; absent without model calls. */
  usage?: TraceUsage;
}

/**
 * A span as the waterfall draws it: no attributes (those are loaded per span on selection).
 * Times are milliseconds from `TraceSkeleton.startTimeUnixNano`.
 */
export interface SkeletonSpan {
  spanId: SpanId;
  parentSpanId: SpanId | null;
  name: string;
  kind: SpanKind;
  statusCode: StatusCode;
  serviceName: string;
  startOffsetMs: number;
  durationMs: number;
  eventCount: number;
  /** `true` when an event is named `exception`. */
  hasException: boolean;
  /** GenAI facts for the row (kind, model, tokens, agent/tool name), when the span is a GenAI span. */
  genai?: GenAiBadge;
  /**
   * Cost of the span's own call in USD (reported or priced), `null` for a model call without a
   * known price (shown as "—"); absent on spans that are not priced.
   */
  cost?: number | null;
  /**
   * `true` when `cost` is the sum of the model calls under the span (a roll-up span, `CallCost`
   * status `sum`), not a price of its own.
   */
  costIsSum?: boolean;
}

/** A whole trace without attributes, ordered by start time. */
export interface TraceSkeleton {
  traceId: TraceId;
  startTimeUnixNano: string;
  durationMs: number;
  spans: SkeletonSpan[];
}

/** Everything about one span, for the details pane. */
export interface SpanDetail {
  span: SpanRecord;
  /** Log records whose trace and span ids are this span's, by time. */
  logs: LogRecordInfo[];
  /** The span (with its logs) normalized by the GenAI conventions; `null` for non-GenAI spans. */
  genai: GenAiSpanView | null;
  /** The span's cost (reported, priced or why unpriced) when it is a model call or carries usage. */
  cost?: CallCost;
}

/** Counters shown by the status bar and the tree. */
export interface StoreStats {
  traceCount: number;
  spanCount: number;
  logCount: number;
  /** Metric data points accepted (metrics are counted, not stored, for now). */
  metricPointCount: number;
  evictedTraceCount: number;
  /** Spans removed with those evicted traces, since start (accepted = stored + evicted). */
  evictedSpanCount: number;
  /** Spans and log records refused at ingest (malformed or invalid ids), since start. */
  rejectedCount: number;
  /** Approximate bytes held by the database. */
  storeBytes: number;
}
