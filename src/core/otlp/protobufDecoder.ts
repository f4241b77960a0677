/**
 * OTLP/HTTP binary protobuf (`application/x-protobuf`) → the project's model.
 *
 * Reads the wire format directly (see `wireReader.ts` for why) against the vendored schema in
 * `proto/opentelemetry/proto/**`. Fields are matched on the full tag (`field << 3 | wire type`):
 * an unknown field, or a known field with an unexpected wire type, is skipped, as protobuf
 * parsers skip unknown fields. `oneof` members: the last one on the wire wins.
 *
 * Proto field map (tag bytes in hex; LEN = length-delimited):
 *
 *   collector.trace.v1.ExportTraceServiceRequest  1 resource_spans: ResourceSpans (0a)
 *   collector.logs.v1.ExportLogsServiceRequest    1 resource_logs: ResourceLogs (0a)
 *   collector.metrics.v1.ExportMetricsServiceRequest 1 resource_metrics: ResourceMetrics (0a)
 *
 *   trace.v1.ResourceSpans   1 resource: Resource (0a)   2 scope_spans: ScopeSpans (12)   3 schema_url (1a)
 *   trace.v1.ScopeSpans      1 scope: InstrumentationScope (0a)   2 spans: Span (12)   3 schema_url (1a)
 *   trace.v1.Span            1 trace_id bytes (0a)   2 span_id bytes (12)   3 trace_state (1a)
 *                            4 parent_span_id bytes (22)   5 name (2a)   6 kind enum (30)
 *                            7 start_time_unix_nano fixed64 (39)   8 end_time_unix_nano fixed64 (41)
 *                            9 attributes: KeyValue (4a)   10 dropped_attributes_count (50)
 *                            11 events: Event (5a)   12 dropped_events_count (60)
 *                            13 links: Link (6a)   14 dropped_links_count (70)
 *                            15 status: Status (7a)   16 flags fixed32 (85 01)
 *   trace.v1.Span.Event      1 time_unix_nano fixed64 (09)   2 name (12)   3 attributes (1a)
 *                            4 dropped_attributes_count (20)
 *   trace.v1.Span.Link       1 trace_id (0a)   2 span_id (12)   3 trace_state (1a)   4 attributes (22)
 *                            5 dropped_attributes_count (28)   6 flags fixed32 (35)
 *   trace.v1.Status          2 message (12)   3 code enum (18)        (field 1 reserved)
 *
 *   logs.v1.ResourceLogs     1 resource (0a)   2 scope_logs: ScopeLogs (12)   3 schema_url (1a)
 *   logs.v1.ScopeLogs        1 scope (0a)   2 log_records: LogRecord (12)   3 schema_url (1a)
 *   logs.v1.LogRecord        1 time_unix_nano fixed64 (09)   11 observed_time_unix_nano fixed64 (59)
 *                            2 severity_number enum (10)   3 severity_text (1a)   5 body: AnyValue (2a)
 *                            6 attributes (32)   7 dropped_attributes_count (38)   8 flags fixed32 (45)
 *                            9 trace_id bytes (4a)   10 span_id bytes (52)   12 event_name (62)
 *
 *   metrics.v1.ResourceMetrics 2 scope_metrics (12);  ScopeMetrics 2 metrics (12)
 *   metrics.v1.Metric        5 gauge (2a)  7 sum (3a)  9 histogram (4a)  10 exponential_histogram (52)
 *                            11 summary (5a); each has 1 data_points (0a)
 *
 *   resource.v1.Resource     1 attributes (0a)   2 dropped_attributes_count (10)   3 entity_refs (ignored)
 *   common.v1.InstrumentationScope 1 name (0a)  2 version (12)  3 attributes (1a)  4 dropped_attributes_count (20)
 *   common.v1.KeyValue       1 key (0a)   2 value: AnyValue (12)   3 key_strindex (profiles only, ignored)
 *   common.v1.AnyValue       oneof: 1 string (0a)  2 bool (10)  3 int int64 (18)  4 double (21)
 *                            5 array_value: ArrayValue (2a)  6 kvlist_value: KeyValueList (32)
 *                            7 bytes (3a)  8 string_value_strindex (profiles only → empty)
 *   common.v1.ArrayValue     1 values: AnyValue (0a);   KeyValueList 1 values: KeyValue (0a)
 */
import type {
  AttributeValue,
  Attributes,
  LogRecordInfo,
  ResourceInfo,
  ScopeInfo,
  SpanEvent,
  SpanLink,
  SpanRecord,
} from '../../model/trace';
import {
  type DecodeResult,
  type MetricsDecodeResult,
  Rejections,
  allZeroBytes,
  doubleToAttribute,
  eventNameFromAttributes,
  int64ToAttribute,
  setAttribute,
  spanKindFromNumber,
  statusCodeFromNumber,
  timeToDecimal,
  type DecodeOptions,
  stringLimitOf,
} from './shared';
import { DEPTH_LIMIT_MARKER, MAX_ANY_VALUE_DEPTH, truncateValue } from '../../model/limits';
import { WireError, WireReader } from './wireReader';

// ───────────────────────────── common.v1 ─────────────────────────────

/**
 * One AnyValue at nesting level `depth` (an attribute's own value is level 1). An array or
 * kvlist at level `MAX_ANY_VALUE_DEPTH` is not descended into: it becomes `DEPTH_LIMIT_MARKER`.
 */
function readAnyValue(r: WireReader, end: number, depth: number): AttributeValue {
  let v: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a:
        v = r.valueString(end);
        break;
      case 0x10:
        r.varint64();
        v = (r.hi | r.lo) !== 0;
        break;
      case 0x18:
        r.varint64();
        v = int64ToAttribute(r.hi, r.lo);
        break;
      case 0x21:
        v = doubleToAttribute(r.double());
        break;
      case 0x2a: {
        const e = r.lenEnd(end);
        v = depth >= MAX_ANY_VALUE_DEPTH ? DEPTH_LIMIT_MARKER : readArrayValue(r, e, depth + 1);
        r.pos = e;
        break;
      }
      case 0x32: {
        const e = r.lenEnd(end);
        if (depth >= MAX_ANY_VALUE_DEPTH) {
          v = DEPTH_LIMIT_MARKER;
        } else {
          const obj: Attributes = {};
          readKeyValueList(r, e, obj, depth + 1);
          v = obj;
        }
        r.pos = e;
        break;
      }
      case 0x3a: {
        const e = r.lenEnd(end);
        const b64 = r.base64(r.pos, e);
        v = b64.length > r.maxStringLength ? truncateValue(b64, r.maxStringLength) : b64;
        r.pos = e;
        break;
      }
      case 0x40:
        // string_value_strindex: a Profiling dictionary reference, meaningless here → empty.
        r.varint32();
        v = null;
        break;
      default:
        r.skip(tag, end);
    }
  }
  return v;
}

/** ArrayValue whose elements are at nesting level `depth`. */
function readArrayValue(r: WireReader, end: number, depth: number): AttributeValue[] {
  const out: AttributeValue[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) {
      const e = r.lenEnd(end);
      out.push(readAnyValue(r, e, depth));
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  return out;
}

/** KeyValueList (and any `repeated KeyValue` of one key-value): entries, values at level `depth`, into `attrs`. */
function readKeyValueList(r: WireReader, end: number, attrs: Attributes, depth: number): void {
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) {
      const e = r.lenEnd(end);
      readKeyValue(r, e, attrs, depth);
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
}

/** One KeyValue (its value at level `depth`) into `attrs` (a repeated key keeps the last value). */
function readKeyValue(r: WireReader, end: number, attrs: Attributes, depth: number): void {
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) {
      key = r.repeatedString(end);
    } else if (tag === 0x12) {
      const e = r.lenEnd(end);
      value = readAnyValue(r, e, depth);
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  setAttribute(attrs, key, value);
}

/** Reads `repeated KeyValue` field occurrence whose tag was just read. */
function readAttribute(r: WireReader, end: number, attrs: Attributes): void {
  const e = r.lenEnd(end);
  readKeyValue(r, e, attrs, 1);
  r.pos = e;
}

function readResource(r: WireReader, end: number, res: ResourceInfo): void {
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) readAttribute(r, end, res.attributes);
    else if (tag === 0x10) res.droppedAttributesCount = r.varint32();
    else r.skip(tag, end);
  }
}

function readScope(r: WireReader, end: number, scope: ScopeInfo): void {
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a:
        scope.name = r.string(end);
        break;
      case 0x12:
        scope.version = r.string(end);
        break;
      case 0x1a:
        readAttribute(r, end, scope.attributes);
        break;
      case 0x20:
        scope.droppedAttributesCount = r.varint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
}

function newResource(): ResourceInfo {
  return { attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
}

function newScope(): ScopeInfo {
  return { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
}

// ───────────────────────────── trace.v1 ─────────────────────────────

function readEvent(r: WireReader, end: number): SpanEvent {
  let time = '0';
  let name = '';
  const attributes: Attributes = {};
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x09:
        r.fixed64();
        time = timeToDecimal(r.hi, r.lo);
        break;
      case 0x12:
        name = r.repeatedString(end);
        break;
      case 0x1a:
        readAttribute(r, end, attributes);
        break;
      case 0x20:
        dropped = r.varint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  return { name, timeUnixNano: time, attributes, droppedAttributesCount: dropped };
}

/** A link, or `null` when its ids are invalid (then counted as dropped by the caller). */
function readLink(r: WireReader, end: number): SpanLink | null {
  const buf = r.buf;
  let traceStart = 0;
  let traceEnd = 0;
  let spanStart = 0;
  let spanEnd = 0;
  let traceState = '';
  const attributes: Attributes = {};
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a:
        traceEnd = r.lenEnd(end);
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case 0x12:
        spanEnd = r.lenEnd(end);
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      case 0x1a:
        traceState = r.string(end);
        break;
      case 0x22:
        readAttribute(r, end, attributes);
        break;
      case 0x28:
        dropped = r.varint32();
        break;
      default:
        r.skip(tag, end); // includes 6 flags (not in the model)
    }
  }
  if (
    traceEnd - traceStart !== 16 ||
    spanEnd - spanStart !== 8 ||
    allZeroBytes(buf, traceStart, traceEnd) ||
    allZeroBytes(buf, spanStart, spanEnd)
  ) {
    return null;
  }
  return {
    traceId: r.hex(traceStart, traceEnd),
    spanId: r.hex(spanStart, spanEnd),
    traceState,
    attributes,
    droppedAttributesCount: dropped,
  };
}

function readStatus(r: WireReader, end: number, span: SpanRecord): void {
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12) span.status.message = r.string(end);
    else if (tag === 0x18) span.status.code = statusCodeFromNumber(r.varint32() | 0);
    else r.skip(tag, end);
  }
}

function readSpan(
  r: WireReader,
  end: number,
  resource: ResourceInfo,
  scope: ScopeInfo,
  out: SpanRecord[],
  rejections: Rejections,
): void {
  const buf = r.buf;
  let traceStart = 0;
  let traceEnd = 0;
  let spanStart = 0;
  let spanEnd = 0;
  let parentStart = 0;
  let parentEnd = 0;
  const span: SpanRecord = {
    traceId: '',
    spanId: '',
    parentSpanId: null,
    traceState: '',
    flags: 0,
    name: '',
    kind: 'unspecified',
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 'unset', message: '' },
    resource,
    scope,
  };
  let invalidLinks = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a:
        traceEnd = r.lenEnd(end);
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case 0x12:
        spanEnd = r.lenEnd(end);
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      case 0x1a:
        span.traceState = r.string(end);
        break;
      case 0x22:
        parentEnd = r.lenEnd(end);
        parentStart = r.pos;
        r.pos = parentEnd;
        break;
      case 0x2a:
        span.name = r.repeatedString(end);
        break;
      case 0x30:
        span.kind = spanKindFromNumber(r.varint32() | 0);
        break;
      case 0x39:
        r.fixed64();
        span.startTimeUnixNano = timeToDecimal(r.hi, r.lo);
        break;
      case 0x41:
        r.fixed64();
        span.endTimeUnixNano = timeToDecimal(r.hi, r.lo);
        break;
      case 0x4a:
        readAttribute(r, end, span.attributes);
        break;
      case 0x50:
        span.droppedAttributesCount = r.varint32();
        break;
      case 0x5a: {
        const e = r.lenEnd(end);
        span.events.push(readEvent(r, e));
        r.pos = e;
        break;
      }
      case 0x60:
        span.droppedEventsCount = r.varint32();
        break;
      case 0x6a: {
        const e = r.lenEnd(end);
        const link = readLink(r, e);
        r.pos = e;
        if (link) span.links.push(link);
        else invalidLinks++;
        break;
      }
      case 0x70:
        span.droppedLinksCount = r.varint32();
        break;
      case 0x7a: {
        const e = r.lenEnd(end);
        readStatus(r, e, span);
        r.pos = e;
        break;
      }
      case 0x85: // field 16, wire type 5: the tag is two bytes (0x85 0x01) → varint 0x85
        span.flags = r.fixed32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  span.droppedLinksCount += invalidLinks;

  const traceLen = traceEnd - traceStart;
  if (traceLen !== 16) {
    rejections.add(`invalid trace_id: ${traceLen} bytes (expected 16)`);
    return;
  }
  if (allZeroBytes(buf, traceStart, traceEnd)) {
    rejections.add('invalid trace_id: all zeros');
    return;
  }
  const spanLen = spanEnd - spanStart;
  if (spanLen !== 8) {
    rejections.add(`invalid span_id: ${spanLen} bytes (expected 8)`);
    return;
  }
  if (allZeroBytes(buf, spanStart, spanEnd)) {
    rejections.add('invalid span_id: all zeros');
    return;
  }
  const parentLen = parentEnd - parentStart;
  if (parentLen !== 0 && parentLen !== 8) {
    rejections.add(`invalid parent_span_id: ${parentLen} bytes (expected 0 or 8)`);
    return;
  }
  span.traceId = r.hex(traceStart, traceEnd);
  span.spanId = r.hex(spanStart, spanEnd);
  if (parentLen === 8 && !allZeroBytes(buf, parentStart, parentEnd)) {
    span.parentSpanId = r.hex(parentStart, parentEnd);
  }
  out.push(span);
}

function readScopeSpans(
  r: WireReader,
  end: number,
  resource: ResourceInfo,
  out: SpanRecord[],
  rejections: Rejections,
): void {
  // One ScopeInfo shared by all spans of this ScopeSpans; filled in place, since `scope` and
  // `schema_url` may come after the spans on the wire.
  const scope = newScope();
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12) {
      const e = r.lenEnd(end);
      readSpan(r, e, resource, scope, out, rejections);
      r.pos = e;
    } else if (tag === 0x0a) {
      const e = r.lenEnd(end);
      readScope(r, e, scope);
      r.pos = e;
    } else if (tag === 0x1a) {
      scope.schemaUrl = r.string(end);
    } else {
      r.skip(tag, end);
    }
  }
}

function readResourceSpans(r: WireReader, end: number, out: SpanRecord[], rejections: Rejections): void {
  const resource = newResource();
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12) {
      const e = r.lenEnd(end);
      readScopeSpans(r, e, resource, out, rejections);
      r.pos = e;
    } else if (tag === 0x0a) {
      const e = r.lenEnd(end);
      readResource(r, e, resource);
      r.pos = e;
    } else if (tag === 0x1a) {
      resource.schemaUrl = r.string(end);
    } else {
      r.skip(tag, end);
    }
  }
}

// ───────────────────────────── logs.v1 ─────────────────────────────

function readLogRecord(
  r: WireReader,
  end: number,
  resource: ResourceInfo,
  scope: ScopeInfo,
  out: LogRecordInfo[],
): void {
  const buf = r.buf;
  let traceStart = 0;
  let traceEnd = 0;
  let spanStart = 0;
  let spanEnd = 0;
  const log: LogRecordInfo = {
    timeUnixNano: '0',
    observedTimeUnixNano: '0',
    severityNumber: 0,
    severityText: '',
    eventName: '',
    body: null,
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: null,
    spanId: null,
    resource,
    scope,
  };
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x09:
        r.fixed64();
        log.timeUnixNano = timeToDecimal(r.hi, r.lo);
        break;
      case 0x59:
        r.fixed64();
        log.observedTimeUnixNano = timeToDecimal(r.hi, r.lo);
        break;
      case 0x10:
        log.severityNumber = r.varint32() | 0;
        break;
      case 0x1a:
        log.severityText = r.string(end);
        break;
      case 0x2a: {
        const e = r.lenEnd(end);
        log.body = readAnyValue(r, e, 1);
        r.pos = e;
        break;
      }
      case 0x32:
        readAttribute(r, end, log.attributes);
        break;
      case 0x38:
        log.droppedAttributesCount = r.varint32();
        break;
      case 0x45:
        log.flags = r.fixed32();
        break;
      case 0x4a:
        traceEnd = r.lenEnd(end);
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case 0x52:
        spanEnd = r.lenEnd(end);
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      case 0x62:
        log.eventName = r.string(end);
        break;
      default:
        r.skip(tag, end);
    }
  }
  // logs.proto: receivers SHOULD treat a missing or invalid id as "not correlated" (not an error).
  if (traceEnd - traceStart === 16 && !allZeroBytes(buf, traceStart, traceEnd)) {
    log.traceId = r.hex(traceStart, traceEnd);
    if (spanEnd - spanStart === 8 && !allZeroBytes(buf, spanStart, spanEnd)) {
      log.spanId = r.hex(spanStart, spanEnd);
    }
  }
  if (log.eventName === '') log.eventName = eventNameFromAttributes(log.attributes);
  out.push(log);
}

function readScopeLogs(r: WireReader, end: number, resource: ResourceInfo, out: LogRecordInfo[]): void {
  const scope = newScope();
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12) {
      const e = r.lenEnd(end);
      readLogRecord(r, e, resource, scope, out);
      r.pos = e;
    } else if (tag === 0x0a) {
      const e = r.lenEnd(end);
      readScope(r, e, scope);
      r.pos = e;
    } else if (tag === 0x1a) {
      scope.schemaUrl = r.string(end);
    } else {
      r.skip(tag, end);
    }
  }
}

function readResourceLogs(r: WireReader, end: number, out: LogRecordInfo[]): void {
  const resource = newResource();
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12) {
      const e = r.lenEnd(end);
      readScopeLogs(r, e, resource, out);
      r.pos = e;
    } else if (tag === 0x0a) {
      const e = r.lenEnd(end);
      readResource(r, e, resource);
      r.pos = e;
    } else if (tag === 0x1a) {
      resource.schemaUrl = r.string(end);
    } else {
      r.skip(tag, end);
    }
  }
}

// ───────────────────────────── metrics.v1 ─────────────────────────────

/** Counts `data_points` (field 1) of a Gauge/Sum/Histogram/ExponentialHistogram/Summary. */
function countDataPoints(r: WireReader, end: number): number {
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) n++;
    r.skip(tag, end);
  }
  return n;
}

function countMetric(r: WireReader, end: number): number {
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x2a || tag === 0x3a || tag === 0x4a || tag === 0x52 || tag === 0x5a) {
      const e = r.lenEnd(end);
      n += countDataPoints(r, e);
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  return n;
}

/** Walks `message → field 2 (LEN) → …` down to Metric and sums its data points. */
function countNested(r: WireReader, end: number, depth: number): number {
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag();
    const wanted = depth === 0 ? 0x0a : 0x12;
    if (tag === wanted) {
      const e = r.lenEnd(end);
      n += depth === 2 ? countMetric(r, e) : countNested(r, e, depth + 1);
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  return n;
}

// ───────────────────────────── entry points ─────────────────────────────

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
