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
 * The request → ResourceX → ScopeX → item walk of traces and logs is here ({@link RequestWalk}):
 * it decodes in slices (see `DecodeTask`), and stops decoding items past the per-request limit.
 *
 * Proto field map of the requests and their containers (tag bytes in hex; LEN = length-delimited):
 *
 *   collector.trace.v1.ExportTraceServiceRequest  1 resource_spans: ResourceSpans (0a)
 *   collector.logs.v1.ExportLogsServiceRequest    1 resource_logs: ResourceLogs (0a)
 *   collector.metrics.v1.ExportMetricsServiceRequest 1 resource_metrics: ResourceMetrics (0a)
 *   trace.v1.ResourceSpans / logs.v1.ResourceLogs  1 resource: Resource (0a)
 *                            2 scope_spans / scope_logs (12)   3 schema_url (1a)
 *   trace.v1.ScopeSpans / logs.v1.ScopeLogs        1 scope: InstrumentationScope (0a)
 *                            2 spans / log_records (12)   3 schema_url (1a)
 */
import { performance } from 'node:perf_hooks';
import type { LogRecordInfo, ResourceInfo, ScopeInfo, SpanRecord } from '../../model/trace';
import { MAX_LOG_RECORDS_PER_REQUEST, MAX_SPANS_PER_REQUEST, MAX_VALUES_PER_ITEM } from '../../model/limits';
import {
  DECODE_WORK_UNITS_PER_CLOCK_CHECK,
  type DecodeOptions,
  type DecodeResult,
  type DecodeTask,
  type MetricsDecodeResult,
  Rejections,
  itemsPastLimitReason,
  stringLimitOf,
} from './shared';
import { WireError, WireReader } from './wireReader';
import { readSpan } from './protobufTraces';
import { readLogRecord } from './protobufLogs';
import { getValuesLeft, newResource, newScope, readResource, readScope, setValuesLeft } from './protobufCommon';
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

/** Reads one item (span, log record) whose LEN payload is `r.pos`..`end` into `out`, or refuses it. */
type ItemReader<T> = (r: WireReader, end: number, resource: ResourceInfo, scope: ScopeInfo, out: T[], rejections: Rejections) => void;

/** What a {@link RequestWalk} decodes: the message name (for errors), the item reader and its per-request limit. */
interface WalkKind<T> {
  what: string;
  items: 'spans' | 'log records';
  maxItems: number;
  readItem: ItemReader<T>;
}

const TRACES: WalkKind<SpanRecord> = { what: 'ExportTraceServiceRequest', items: 'spans', maxItems: MAX_SPANS_PER_REQUEST, readItem: readSpan };
const LOGS: WalkKind<LogRecordInfo> = {
  what: 'ExportLogsServiceRequest',
  items: 'log records',
  maxItems: MAX_LOG_RECORDS_PER_REQUEST,
  readItem: (r, end, resource, scope, out) => readLogRecord(r, end, resource, scope, out),
};

/**
 * The walk ExportXServiceRequest → ResourceX → ScopeX → item of one body as a resumable state
 * machine (depth 0: request fields, 1: inside a ResourceX, 2: inside a ScopeX), so it can stop
 * between any two fields and continue in a later slice. Each ResourceX / ScopeX has one shared
 * `ResourceInfo` / `ScopeInfo`, filled in place (its resource, scope and schema_url may come after
 * its items on the wire), with its own value budget. Items past `maxItems` (valid or not) are
 * skipped unread and refused with one reason.
 */
class RequestWalk<T> implements DecodeTask<DecodeResult<T>> {
  private readonly r: WireReader;
  private readonly end: number;
  private depth = 0;
  private resourceEnd = 0;
  private scopeEnd = 0;
  private resource: ResourceInfo = newResource();
  private scope: ScopeInfo = newScope();
  private resourceValuesLeft = MAX_VALUES_PER_ITEM;
  private scopeValuesLeft = MAX_VALUES_PER_ITEM;
  private readonly items: T[] = [];
  private readonly rejections = new Rejections();
  /** Items decoded (valid or refused); those past `maxItems` are only counted in `past`. */
  private decoded = 0;
  private past = 0;
  private result: DecodeResult<T> | null = null;

  constructor(body: Uint8Array, options: DecodeOptions | undefined, private readonly kind: WalkKind<T>) {
    this.r = new WireReader(body, stringLimitOf(options));
    this.end = body.length;
  }

  run(deadline: number): DecodeResult<T> | null {
    if (this.result === null) {
      try {
        if (!this.walk(deadline)) return null;
        const { kind, rejections } = this;
        if (this.past > 0) rejections.addMany(this.past, itemsPastLimitReason(kind.items, kind.maxItems, this.past));
        this.result = { ok: true, items: this.items, rejected: rejections.count, rejectReasons: rejections.reasons };
      } catch (err) {
        this.result = failure(this.kind.what, err);
      }
    }
    return this.result;
  }

  /** Decodes until the body ends (`true`) or the clock passes `deadline` (`false`). Throws `WireError`. */
  private walk(deadline: number): boolean {
    const r = this.r;
    const checkClock = deadline !== Infinity;
    let units = 0;
    for (;;) {
      const before = r.pos;
      if (this.depth === 2) {
        const end = this.scopeEnd;
        if (before >= end) {
          this.depth = 1;
          continue;
        }
        const tag = r.tag();
        if (tag === 0x12) {
          const e = r.lenEnd(end);
          if (this.decoded < this.kind.maxItems) {
            this.decoded++;
            this.kind.readItem(r, e, this.resource, this.scope, this.items, this.rejections);
            units += MAX_VALUES_PER_ITEM - getValuesLeft();
          } else {
            this.past++;
          }
          r.pos = e;
        } else if (tag === 0x0a) {
          const e = r.lenEnd(end);
          setValuesLeft(this.scopeValuesLeft);
          readScope(r, e, this.scope);
          units += this.scopeValuesLeft - getValuesLeft();
          this.scopeValuesLeft = getValuesLeft();
          r.pos = e;
        } else if (tag === 0x1a) {
          this.scope.schemaUrl = r.string(end);
        } else {
          r.skip(tag, end);
        }
      } else if (this.depth === 1) {
        const end = this.resourceEnd;
        if (before >= end) {
          this.depth = 0;
          continue;
        }
        const tag = r.tag();
        if (tag === 0x12) {
          this.scopeEnd = r.lenEnd(end);
          this.scope = newScope();
          this.scopeValuesLeft = MAX_VALUES_PER_ITEM;
          this.depth = 2;
        } else if (tag === 0x0a) {
          const e = r.lenEnd(end);
          setValuesLeft(this.resourceValuesLeft);
          readResource(r, e, this.resource);
          units += this.resourceValuesLeft - getValuesLeft();
          this.resourceValuesLeft = getValuesLeft();
          r.pos = e;
        } else if (tag === 0x1a) {
          this.resource.schemaUrl = r.string(end);
        } else {
          r.skip(tag, end);
        }
      } else {
        if (before >= this.end) return true;
        const tag = r.tag();
        if (tag === 0x0a) {
          this.resourceEnd = r.lenEnd(this.end);
          this.resource = newResource();
          this.resourceValuesLeft = MAX_VALUES_PER_ITEM;
          this.depth = 1;
        } else {
          r.skip(tag, this.end);
        }
      }
      if (checkClock) {
        units += 1 + ((r.pos - before) >>> 8);
        if (units >= DECODE_WORK_UNITS_PER_CLOCK_CHECK) {
          units = 0;
          if (performance.now() >= deadline) return false;
        }
      }
    }
  }
}

/**
 * Starts decoding an `ExportTraceServiceRequest` (collector/trace/v1/trace_service.proto) in
 * slices: see {@link decodeTracesProtobuf} for what it produces, `DecodeTask` for slicing.
 */
export function startTracesProtobuf(body: Uint8Array, options?: DecodeOptions): DecodeTask<DecodeResult<SpanRecord>> {
  return new RequestWalk(body, options, TRACES);
}

/** Starts decoding an `ExportLogsServiceRequest` in slices: see {@link decodeLogsProtobuf}. */
export function startLogsProtobuf(body: Uint8Array, options?: DecodeOptions): DecodeTask<DecodeResult<LogRecordInfo>> {
  return new RequestWalk(body, options, LOGS);
}

/**
 * Decodes an `ExportTraceServiceRequest` (collector/trace/v1/trace_service.proto).
 * Spans with a trace id that is not 16 bytes or all zeros, a span id that is not 8 bytes or all
 * zeros, or a parent span id that is neither empty nor 8 bytes are rejected (OTLP spec,
 * trace.proto `Span.trace_id`/`span_id`); an all-zero parent id means "root". Links with invalid
 * ids are dropped and counted in `droppedLinksCount`. Times are decimal nanosecond strings,
 * clamped to 2^63 - 1. String values longer than `options.maxAttributeValueLength` and values
 * nested deeper than `MAX_ANY_VALUE_DEPTH` are cut with markers (src/model/limits.ts); the span
 * is kept. Counts are limited (src/model/limits.ts): spans past `MAX_SPANS_PER_REQUEST` are
 * rejected with one reason; attributes, events, links and values past the limits per span are
 * dropped, counted in the dropped counts and named by a `trace_lens.limit` marker attribute.
 * Malformed protobuf → `{ ok: false }`.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#binary-protobuf-encoding
 */
export function decodeTracesProtobuf(body: Uint8Array, options?: DecodeOptions): DecodeResult<SpanRecord> {
  return new RequestWalk(body, options, TRACES).run(Infinity)!;
}

/**
 * Decodes an `ExportLogsServiceRequest` (collector/logs/v1/logs_service.proto). Log records are
 * never rejected for their content: missing or invalid trace/span ids become `null` (logs.proto:
 * receivers SHOULD treat them as not correlated); records past `MAX_LOG_RECORDS_PER_REQUEST` are
 * rejected with one reason, and attributes and values past the limits per record are dropped as
 * for spans. `eventName` is `event_name` (field 12), else the `event.name` attribute. Times are
 * decimal nanosecond strings ('0' when absent). Malformed protobuf → `{ ok: false }`.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#binary-protobuf-encoding
 */
export function decodeLogsProtobuf(body: Uint8Array, options?: DecodeOptions): DecodeResult<LogRecordInfo> {
  return new RequestWalk(body, options, LOGS).run(Infinity)!;
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
