/**
 * OTLP/HTTP JSON (`application/json`) → the project's model.
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
 * Field map (camelCase / snake_case):
 *   ExportTraceServiceRequest  resourceSpans / resource_spans: ResourceSpans[]
 *   ExportLogsServiceRequest   resourceLogs / resource_logs: ResourceLogs[]
 *   ExportMetricsServiceRequest resourceMetrics / resource_metrics: ResourceMetrics[]
 *   ResourceSpans   resource: Resource, scopeSpans / scope_spans: ScopeSpans[], schemaUrl / schema_url
 *   ScopeSpans      scope: InstrumentationScope, spans: Span[], schemaUrl / schema_url
 *   Span            traceId / trace_id, spanId / span_id, traceState / trace_state,
 *                   parentSpanId / parent_span_id, flags, name, kind,
 *                   startTimeUnixNano / start_time_unix_nano, endTimeUnixNano / end_time_unix_nano,
 *                   attributes: KeyValue[], droppedAttributesCount / dropped_attributes_count,
 *                   events: Event[], droppedEventsCount / dropped_events_count,
 *                   links: Link[], droppedLinksCount / dropped_links_count, status: Status
 *   Span.Event      timeUnixNano / time_unix_nano, name, attributes, droppedAttributesCount
 *   Span.Link       traceId, spanId, traceState, attributes, droppedAttributesCount, flags
 *   Status          message, code
 *   ResourceLogs    resource, scopeLogs / scope_logs, schemaUrl;  ScopeLogs scope, logRecords / log_records, schemaUrl
 *   LogRecord       timeUnixNano, observedTimeUnixNano / observed_time_unix_nano,
 *                   severityNumber / severity_number, severityText / severity_text, body: AnyValue,
 *                   attributes, droppedAttributesCount, flags, traceId, spanId, eventName / event_name
 *   ResourceMetrics scopeMetrics / scope_metrics;  ScopeMetrics metrics;  Metric gauge | sum |
 *                   histogram | exponentialHistogram / exponential_histogram | summary,
 *                   each with dataPoints / data_points
 *   Resource        attributes, droppedAttributesCount
 *   InstrumentationScope name, version, attributes, droppedAttributesCount
 *   KeyValue        key, value: AnyValue
 *   AnyValue        stringValue | boolValue | intValue | doubleValue | arrayValue {values} |
 *                   kvlistValue {values: KeyValue[]} | bytesValue  (and the snake_case forms)
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
  SEVERITY_NUMBER_BY_NAME,
  SPAN_KIND_BY_NAME,
  STATUS_CODE_BY_NAME,
  doubleToAttribute,
  eventNameFromAttributes,
  isAllZeroHex,
  jsonInt64ToAttribute,
  jsonTimeToDecimal,
  stringLimitOf,
  type DecodeOptions,
  normalizeHexId,
  setAttribute,
  spanKindFromNumber,
  statusCodeFromNumber,
} from './shared';
import { decodeUtf8 } from './wireReader';
import { DEPTH_LIMIT_MARKER, MAX_ANY_VALUE_DEPTH, truncateValue } from '../../model/limits';

type JsonObject = Record<string, unknown>;

const EMPTY: readonly unknown[] = [];

/**
 * String limit of the decode call in progress (`DecodeOptions.maxAttributeValueLength`). Module
 * state rather than a parameter threaded through every reader: decoding is synchronous, and each
 * entry point sets it before walking and restores it after.
 */
let stringLimit = Infinity;

function limited(s: string): string {
  return s.length > stringLimit ? truncateValue(s, stringLimit) : s;
}

/** Runs `walk` with the string limit of `options`. */
function withLimits<T>(options: DecodeOptions | undefined, walk: () => T): T {
  const previous = stringLimit;
  stringLimit = stringLimitOf(options);
  try {
    return walk();
  } finally {
    stringLimit = previous;
  }
}

/** Thrown for a structurally invalid document (e.g. `resourceSpans` is not an array). */
class JsonShapeError extends Error {}

function asObject(v: unknown): JsonObject | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
}

/** An optional repeated field: absent/null → empty; anything but an array → error. */
function asArray(v: unknown, field: string): readonly unknown[] {
  if (v === undefined || v === null) return EMPTY;
  if (Array.isArray(v)) return v;
  throw new JsonShapeError(`"${field}" must be an array`);
}

function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** uint32 counters and fixed32 flags: a number or a decimal string; anything else → 0. */
function asUint32(v: unknown): number {
  if (typeof v === 'number') return v >>> 0;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n >>> 0 : 0;
  }
  return 0;
}

/** An enum as an integer or its value name; unknown → 0. */
function asEnum(v: unknown, byName: Readonly<Record<string, number>>): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : 0;
  if (typeof v === 'string') {
    const n = byName[v];
    if (n !== undefined) return n;
    const num = Number(v);
    return Number.isInteger(num) ? num : 0;
  }
  return 0;
}

function pick(o: JsonObject, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

// ───────────────────────────── common ─────────────────────────────

/**
 * One AnyValue at nesting level `depth` (an attribute's own value is level 1); an array or kvlist
 * at level `MAX_ANY_VALUE_DEPTH` becomes `DEPTH_LIMIT_MARKER`. Strings longer than the limit are
 * cut with a marker (`truncateValue`).
 */
function anyValue(v: unknown, depth: number): AttributeValue {
  const o = asObject(v);
  if (o === null) return null;
  // One `for…in` over the (single) oneof key instead of up to 14 failed property lookups.
  let result: AttributeValue = null;
  for (const key in o) {
    const x = o[key];
    if (x === undefined) continue;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        result = typeof x === 'string' ? limited(x) : x === null ? null : limited(String(x));
        break;
      case 'intValue':
      case 'int_value':
        result = jsonInt64ToAttribute(x);
        break;
      case 'boolValue':
      case 'bool_value':
        result = x === true || x === 'true';
        break;
      case 'doubleValue':
      case 'double_value':
        result = jsonDouble(x);
        break;
      case 'arrayValue':
      case 'array_value': {
        if (depth >= MAX_ANY_VALUE_DEPTH) {
          result = DEPTH_LIMIT_MARKER;
          break;
        }
        const values = asArray(asObject(x)?.values, 'arrayValue.values');
        const out: AttributeValue[] = new Array<AttributeValue>(values.length);
        for (let i = 0; i < values.length; i++) out[i] = anyValue(values[i], depth + 1);
        result = out;
        break;
      }
      case 'kvlistValue':
      case 'kvlist_value': {
        if (depth >= MAX_ANY_VALUE_DEPTH) {
          result = DEPTH_LIMIT_MARKER;
          break;
        }
        const out: Attributes = {};
        readAttributes(asObject(x)?.values, out, depth + 1);
        result = out;
        break;
      }
      case 'bytesValue':
      case 'bytes_value':
        result = typeof x === 'string' ? limited(x) : null;
        break;
      default:
        continue; // unknown key: ignore
    }
  }
  return result;
}

function jsonDouble(x: unknown): number | string | null {
  if (typeof x === 'number') return doubleToAttribute(x);
  if (x === 'NaN' || x === 'Infinity' || x === '-Infinity') return x;
  const n = typeof x === 'string' && x !== '' ? Number(x) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** `repeated KeyValue` → `attrs`, values at nesting level `depth` (a repeated key keeps the last value). */
function readAttributes(v: unknown, attrs: Attributes, depth = 1): void {
  const list = asArray(v, 'attributes');
  for (let i = 0; i < list.length; i++) {
    const kv = asObject(list[i]);
    if (kv === null) continue;
    setAttribute(attrs, asString(kv.key), anyValue(kv.value, depth));
  }
}

function newAttributes(v: unknown): Attributes {
  const attrs: Attributes = {};
  if (v !== undefined) readAttributes(v, attrs);
  return attrs;
}

function readResource(container: JsonObject): ResourceInfo {
  const r = asObject(container.resource);
  return {
    attributes: r === null ? {} : newAttributes(r.attributes),
    droppedAttributesCount: r === null ? 0 : asUint32(pick(r, 'droppedAttributesCount', 'dropped_attributes_count')),
    schemaUrl: asString(pick(container, 'schemaUrl', 'schema_url')),
  };
}

function readScope(container: JsonObject): ScopeInfo {
  const s = asObject(container.scope);
  return {
    name: s === null ? '' : asString(s.name),
    version: s === null ? '' : asString(s.version),
    attributes: s === null ? {} : newAttributes(s.attributes),
    droppedAttributesCount: s === null ? 0 : asUint32(pick(s, 'droppedAttributesCount', 'dropped_attributes_count')),
    schemaUrl: asString(pick(container, 'schemaUrl', 'schema_url')),
  };
}

// ───────────────────────────── traces ─────────────────────────────

function readEvent(v: unknown): SpanEvent {
  const o = asObject(v) ?? {};
  return {
    name: asString(o.name),
    timeUnixNano: jsonTimeToDecimal(pick(o, 'timeUnixNano', 'time_unix_nano')) ?? '0',
    attributes: newAttributes(o.attributes),
    droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')),
  };
}

/** A link, or `null` when its ids are invalid (then counted as dropped by the caller). */
function readLink(v: unknown): SpanLink | null {
  const o = asObject(v);
  if (o === null) return null;
  const traceId = normalizeHexId(pick(o, 'traceId', 'trace_id'), 32);
  const spanId = normalizeHexId(pick(o, 'spanId', 'span_id'), 16);
  if (traceId === null || spanId === null || isAllZeroHex(traceId) || isAllZeroHex(spanId)) return null;
  return {
    traceId,
    spanId,
    traceState: asString(pick(o, 'traceState', 'trace_state')),
    attributes: newAttributes(o.attributes),
    droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')),
  };
}

function idProblem(v: unknown, hexLength: number): string {
  if (v === undefined || v === null || v === '') return 'missing';
  if (typeof v !== 'string') return 'not a string';
  if (v.length !== hexLength) return `${v.length} characters (expected ${hexLength} hex)`;
  return 'not hex';
}

function readSpan(v: unknown, resource: ResourceInfo, scope: ScopeInfo, out: SpanRecord[], rej: Rejections): void {
  const o = asObject(v);
  if (o === null) {
    rej.add('span is not an object');
    return;
  }
  const rawTrace = pick(o, 'traceId', 'trace_id');
  const traceId = normalizeHexId(rawTrace, 32);
  if (traceId === null) {
    rej.add(`invalid traceId: ${idProblem(rawTrace, 32)}`);
    return;
  }
  if (isAllZeroHex(traceId)) {
    rej.add('invalid traceId: all zeros');
    return;
  }
  const rawSpan = pick(o, 'spanId', 'span_id');
  const spanId = normalizeHexId(rawSpan, 16);
  if (spanId === null) {
    rej.add(`invalid spanId: ${idProblem(rawSpan, 16)}`);
    return;
  }
  if (isAllZeroHex(spanId)) {
    rej.add('invalid spanId: all zeros');
    return;
  }
  const rawParent = pick(o, 'parentSpanId', 'parent_span_id');
  let parentSpanId: string | null = null;
  if (rawParent !== undefined && rawParent !== null && rawParent !== '') {
    parentSpanId = normalizeHexId(rawParent, 16);
    if (parentSpanId === null) {
      rej.add(`invalid parentSpanId: ${idProblem(rawParent, 16)}`);
      return;
    }
    if (isAllZeroHex(parentSpanId)) parentSpanId = null;
  }
  const start = jsonTimeToDecimal(pick(o, 'startTimeUnixNano', 'start_time_unix_nano'));
  const end = jsonTimeToDecimal(pick(o, 'endTimeUnixNano', 'end_time_unix_nano'));
  if (start === null || end === null) {
    rej.add('invalid startTimeUnixNano/endTimeUnixNano: not an unsigned 64-bit integer');
    return;
  }

  const rawEvents = asArray(o.events, 'events');
  const events: SpanEvent[] = new Array<SpanEvent>(rawEvents.length);
  for (let i = 0; i < rawEvents.length; i++) events[i] = readEvent(rawEvents[i]);

  const rawLinks = asArray(o.links, 'links');
  const links: SpanLink[] = [];
  let invalidLinks = 0;
  for (let i = 0; i < rawLinks.length; i++) {
    const link = readLink(rawLinks[i]);
    if (link) links.push(link);
    else invalidLinks++;
  }

  const status = asObject(o.status);
  out.push({
    traceId,
    spanId,
    parentSpanId,
    traceState: asString(pick(o, 'traceState', 'trace_state')),
    flags: asUint32(o.flags),
    name: asString(o.name),
    kind: spanKindFromNumber(asEnum(o.kind, SPAN_KIND_BY_NAME)),
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: newAttributes(o.attributes),
    droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')),
    events,
    droppedEventsCount: asUint32(pick(o, 'droppedEventsCount', 'dropped_events_count')),
    links,
    droppedLinksCount: asUint32(pick(o, 'droppedLinksCount', 'dropped_links_count')) + invalidLinks,
    status: {
      code: status === null ? 'unset' : statusCodeFromNumber(asEnum(status.code, STATUS_CODE_BY_NAME)),
      message: status === null ? '' : asString(status.message),
    },
    resource,
    scope,
  });
}

// ───────────────────────────── logs ─────────────────────────────

function readLogRecord(v: unknown, resource: ResourceInfo, scope: ScopeInfo, out: LogRecordInfo[]): void {
  const o = asObject(v);
  if (o === null) return;
  const attributes = newAttributes(o.attributes);
  // logs.proto: a missing or invalid id means "not correlated", not an error.
  let traceId = normalizeHexId(pick(o, 'traceId', 'trace_id'), 32);
  let spanId: string | null = null;
  if (traceId !== null && isAllZeroHex(traceId)) traceId = null;
  if (traceId !== null) {
    spanId = normalizeHexId(pick(o, 'spanId', 'span_id'), 16);
    if (spanId !== null && isAllZeroHex(spanId)) spanId = null;
  }
  const eventName = asString(pick(o, 'eventName', 'event_name'));
  const body = o.body;
  out.push({
    timeUnixNano: jsonTimeToDecimal(pick(o, 'timeUnixNano', 'time_unix_nano')) ?? '0',
    observedTimeUnixNano: jsonTimeToDecimal(pick(o, 'observedTimeUnixNano', 'observed_time_unix_nano')) ?? '0',
    severityNumber: asEnum(pick(o, 'severityNumber', 'severity_number'), SEVERITY_NUMBER_BY_NAME),
    severityText: asString(pick(o, 'severityText', 'severity_text')),
    eventName: eventName !== '' ? eventName : eventNameFromAttributes(attributes),
    body: body === undefined ? null : anyValue(body, 1),
    attributes,
    droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')),
    flags: asUint32(o.flags),
    traceId,
    spanId,
    resource,
    scope,
  });
}

// ───────────────────────────── entry points ─────────────────────────────

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
