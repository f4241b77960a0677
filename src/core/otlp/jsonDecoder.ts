/**
 * OTLP/HTTP JSON (`application/json`) → the project's model: the entry points of the three
 * signals, with the ResourceX / ScopeX walks.
 *
 * OTLP/JSON is the proto3 JSON mapping of the same messages with the OTLP deviations
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * - keys are lowerCamelCase; the original snake_case field names are accepted too (the proto3
 *   JSON mapping requires parsers to accept both);
 * - `traceId`/`spanId`/`parentSpanId` are hex strings (case-insensitive), NOT base64;
 * - enums are integers; the enum value names (`"SPAN_KIND_CLIENT"`) are accepted too;
 * - 64-bit integers may be decimal strings or numbers; `bytesValue` is base64 (kept as is);
 *   `doubleValue` may be `"NaN"`, `"Infinity"`, `"-Infinity"`.
 * Unknown fields are ignored. Decoding is `JSON.parse` plus one direct walk (no protobufjs).
 *
 * One module per message family, each with its field map in its header comment:
 * `jsonValues.ts` (proto3 JSON primitives), `jsonCommon.ts` (AnyValue, KeyValue, Resource,
 * InstrumentationScope), `jsonTraces.ts` (Span, Event, Link, Status), `jsonLogs.ts` (LogRecord);
 * metrics are counted here.
 *
 * Field map (camelCase / snake_case):
 *   ExportTraceServiceRequest  resourceSpans / resource_spans: ResourceSpans[]
 *   ExportLogsServiceRequest   resourceLogs / resource_logs: ResourceLogs[]
 *   ExportMetricsServiceRequest resourceMetrics / resource_metrics: ResourceMetrics[]
 *   ResourceSpans   resource: Resource, scopeSpans / scope_spans: ScopeSpans[], schemaUrl / schema_url
 *   ScopeSpans      scope: InstrumentationScope, spans: Span[], schemaUrl / schema_url
 *   ResourceLogs    resource, scopeLogs / scope_logs, schemaUrl;  ScopeLogs scope, logRecords / log_records, schemaUrl
 *   ResourceMetrics scopeMetrics / scope_metrics;  ScopeMetrics metrics;  Metric gauge | sum |
 *                   histogram | exponentialHistogram / exponential_histogram | summary,
 *                   each with dataPoints / data_points
 */
import type { LogRecordInfo, SpanRecord } from '../../model/trace';
import { type DecodeResult, type MetricsDecodeResult, Rejections, type DecodeOptions } from './shared';
import { decodeUtf8 } from './wireReader';
import { JsonShapeError, asArray, asObject, pick, type JsonObject } from './jsonValues';
import { readResource, readScope, withLimits } from './jsonCommon';
import { readSpan } from './jsonTraces';
import { readLogRecord } from './jsonLogs';

function parseBody(body: Uint8Array, what: string): JsonObject | string {
  let doc: unknown;
  try {
    doc = JSON.parse(decodeUtf8(body));
  } catch (err) {
    return `invalid ${what} JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
  const o = asObject(doc);
  return o === null ? `invalid ${what} JSON: the document is not an object` : o;
}

function shapeFailure(what: string, err: unknown): { ok: false; message: string } {
  if (err instanceof JsonShapeError) return { ok: false, message: `invalid ${what} JSON: ${err.message}` };
  if (err instanceof RangeError) return { ok: false, message: `invalid ${what} JSON: ${err.message}` };
  throw err;
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest`. Same outputs and rejection rules as
 * `decodeTracesProtobuf`; additionally an id that is not a hex string of the right length, or a
 * time that is not an unsigned integer, rejects the span. Limits as in `decodeTracesProtobuf`
 * (`options`). Invalid JSON, a non-object document or a repeated field that is not an array →
 * `{ ok: false }`.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */
export function decodeTracesJson(body: Uint8Array, options?: DecodeOptions): DecodeResult<SpanRecord> {
  return withLimits(options, () => decodeTracesJsonWalk(body));
}

function decodeTracesJsonWalk(body: Uint8Array): DecodeResult<SpanRecord> {
  const what = 'ExportTraceServiceRequest';
  const doc = parseBody(body, what);
  if (typeof doc === 'string') return { ok: false, message: doc };
  const items: SpanRecord[] = [];
  const rej = new Rejections();
  try {
    const resourceSpans = asArray(pick(doc, 'resourceSpans', 'resource_spans'), 'resourceSpans');
    for (let i = 0; i < resourceSpans.length; i++) {
      const rs = asObject(resourceSpans[i]);
      if (rs === null) continue;
      const resource = readResource(rs);
      const scopeSpans = asArray(pick(rs, 'scopeSpans', 'scope_spans'), 'scopeSpans');
      for (let j = 0; j < scopeSpans.length; j++) {
        const ss = asObject(scopeSpans[j]);
        if (ss === null) continue;
        const scope = readScope(ss);
        const spans = asArray(ss.spans, 'spans');
        for (let k = 0; k < spans.length; k++) readSpan(spans[k], resource, scope, items, rej);
      }
    }
  } catch (err) {
    return shapeFailure(what, err);
  }
  return { ok: true, items, rejected: rej.count, rejectReasons: rej.reasons };
}

/**
 * Decodes an OTLP/JSON `ExportLogsServiceRequest`. Records are never rejected (invalid ids → null).
 * Invalid JSON or a wrongly shaped document → `{ ok: false }`.
 */
export function decodeLogsJson(body: Uint8Array, options?: DecodeOptions): DecodeResult<LogRecordInfo> {
  return withLimits(options, () => decodeLogsJsonWalk(body));
}

function decodeLogsJsonWalk(body: Uint8Array): DecodeResult<LogRecordInfo> {
  const what = 'ExportLogsServiceRequest';
  const doc = parseBody(body, what);
  if (typeof doc === 'string') return { ok: false, message: doc };
  const items: LogRecordInfo[] = [];
  try {
    const resourceLogs = asArray(pick(doc, 'resourceLogs', 'resource_logs'), 'resourceLogs');
    for (let i = 0; i < resourceLogs.length; i++) {
      const rl = asObject(resourceLogs[i]);
      if (rl === null) continue;
      const resource = readResource(rl);
      const scopeLogs = asArray(pick(rl, 'scopeLogs', 'scope_logs'), 'scopeLogs');
      for (let j = 0; j < scopeLogs.length; j++) {
        const sl = asObject(scopeLogs[j]);
        if (sl === null) continue;
        const scope = readScope(sl);
        const records = asArray(pick(sl, 'logRecords', 'log_records'), 'logRecords');
        for (let k = 0; k < records.length; k++) readLogRecord(records[k], resource, scope, items);
      }
    }
  } catch (err) {
    return shapeFailure(what, err);
  }
  return { ok: true, items, rejected: 0, rejectReasons: [] };
}

const METRIC_DATA_FIELDS: readonly (readonly [string, string])[] = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
];

/** Counts the data points of an OTLP/JSON `ExportMetricsServiceRequest`. */
export function decodeMetricsJson(body: Uint8Array): MetricsDecodeResult {
  const what = 'ExportMetricsServiceRequest';
  const doc = parseBody(body, what);
  if (typeof doc === 'string') return { ok: false, message: doc };
  let dataPointCount = 0;
  try {
    const resourceMetrics = asArray(pick(doc, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics');
    for (let i = 0; i < resourceMetrics.length; i++) {
      const rm = asObject(resourceMetrics[i]);
      if (rm === null) continue;
      const scopeMetrics = asArray(pick(rm, 'scopeMetrics', 'scope_metrics'), 'scopeMetrics');
      for (let j = 0; j < scopeMetrics.length; j++) {
        const sm = asObject(scopeMetrics[j]);
        if (sm === null) continue;
        const metrics = asArray(sm.metrics, 'metrics');
        for (let k = 0; k < metrics.length; k++) {
          const m = asObject(metrics[k]);
          if (m === null) continue;
          for (const [camel, snake] of METRIC_DATA_FIELDS) {
            const data = asObject(pick(m, camel, snake));
            if (data !== null) dataPointCount += asArray(pick(data, 'dataPoints', 'data_points'), 'dataPoints').length;
          }
        }
      }
    }
  } catch (err) {
    return shapeFailure(what, err);
  }
  return { ok: true, dataPointCount, rejected: 0, rejectReasons: [] };
}
