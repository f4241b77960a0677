/**
 * OTLP/HTTP binary protobuf (`application/x-protobuf`) → the project's model: the entry points
 * of the three signals.
 *
 * Reads the wire format directly (see `wireReader.ts` for why) against the vendored schema in
 * `proto/opentelemetry/proto/**`. Fields are matched on the full tag (`field << 3 | wire type`):
 * an unknown field, or a known field with an unexpected wire type, is skipped, as protobuf
 * parsers skip unknown fields. `oneof` members: the last one on the wire wins.
 *
 * One reader module per message family, each with its proto field map in its header comment:
 * `protobufCommon.ts` (common.v1, resource.v1), `protobufTraces.ts` (trace.v1),
 * `protobufLogs.ts` (logs.v1), `protobufMetrics.ts` (metrics.v1, counted only).
 *
 * Proto field map of the requests (tag bytes in hex; LEN = length-delimited):
 *
 *   collector.trace.v1.ExportTraceServiceRequest  1 resource_spans: ResourceSpans (0a)
 *   collector.logs.v1.ExportLogsServiceRequest    1 resource_logs: ResourceLogs (0a)
 *   collector.metrics.v1.ExportMetricsServiceRequest 1 resource_metrics: ResourceMetrics (0a)
 */
import type { LogRecordInfo, SpanRecord } from '../../model/trace';
import {
  type DecodeResult,
  type MetricsDecodeResult,
  Rejections,
  type DecodeOptions,
  stringLimitOf,
} from './shared';
import { WireError, WireReader } from './wireReader';
import { readResourceSpans } from './protobufTraces';
import { readResourceLogs } from './protobufLogs';
import { countNested } from './protobufMetrics';

/**
 * Malformed input → a one-line failure. `RangeError` covers "Maximum call stack size exceeded" from
 * absurdly deep AnyValue nesting. Anything else is a bug and propagates.
 */
function failure(what: string, err: unknown): { ok: false; message: string } {
  if (err instanceof WireError || err instanceof RangeError) {
    return { ok: false, message: `invalid ${what} protobuf: ${err.message}` };
  }
  throw err;
}

/**
 * Decodes an `ExportTraceServiceRequest` (collector/trace/v1/trace_service.proto).
 * Spans with a trace id that is not 16 bytes or all zeros, a span id that is not 8 bytes or all
 * zeros, or a parent span id that is neither empty nor 8 bytes are rejected (OTLP spec,
 * trace.proto `Span.trace_id`/`span_id`); an all-zero parent id means "root". Links with invalid
 * ids are dropped and counted in `droppedLinksCount`. Times are decimal nanosecond strings,
 * clamped to 2^63 - 1. String values longer than `options.maxAttributeValueLength` and values
 * nested deeper than `MAX_ANY_VALUE_DEPTH` are cut with markers (src/model/limits.ts); the span
 * is kept. Malformed protobuf → `{ ok: false }`.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#binary-protobuf-encoding
 */
export function decodeTracesProtobuf(body: Uint8Array, options?: DecodeOptions): DecodeResult<SpanRecord> {
  const items: SpanRecord[] = [];
  const rejections = new Rejections();
  try {
    const r = new WireReader(body, stringLimitOf(options));
    const end = body.length;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === 0x0a) {
        const e = r.lenEnd(end);
        readResourceSpans(r, e, items, rejections);
        r.pos = e;
      } else {
        r.skip(tag, end);
      }
    }
  } catch (err) {
    return failure('ExportTraceServiceRequest', err);
  }
  return { ok: true, items, rejected: rejections.count, rejectReasons: rejections.reasons };
}

/**
 * Decodes an `ExportLogsServiceRequest` (collector/logs/v1/logs_service.proto). Log records are
 * never rejected: missing or invalid trace/span ids become `null` (logs.proto: receivers SHOULD
 * treat them as not correlated). `eventName` is `event_name` (field 12), else the `event.name`
 * attribute. Times are decimal nanosecond strings ('0' when absent). Malformed protobuf →
 * `{ ok: false }`. Spec: https://opentelemetry.io/docs/specs/otlp/#binary-protobuf-encoding
 */
export function decodeLogsProtobuf(body: Uint8Array, options?: DecodeOptions): DecodeResult<LogRecordInfo> {
  const items: LogRecordInfo[] = [];
  try {
    const r = new WireReader(body, stringLimitOf(options));
    const end = body.length;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === 0x0a) {
        const e = r.lenEnd(end);
        readResourceLogs(r, e, items);
        r.pos = e;
      } else {
        r.skip(tag, end);
      }
    }
  } catch (err) {
    return failure('ExportLogsServiceRequest', err);
  }
  return { ok: true, items, rejected: 0, rejectReasons: [] };
}

/**
 * Counts the data points of an `ExportMetricsServiceRequest`
 * (collector/metrics/v1/metrics_service.proto) without decoding them. Malformed → `{ ok: false }`.
 */
export function decodeMetricsProtobuf(body: Uint8Array): MetricsDecodeResult {
  try {
    const r = new WireReader(body);
    const dataPointCount = countNested(r, body.length, 0);
    return { ok: true, dataPointCount, rejected: 0, rejectReasons: [] };
  } catch (err) {
    return failure('ExportMetricsServiceRequest', err);
  }
}
