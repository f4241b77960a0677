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
 * Limits: a body over `JSON_COUNT_MIN_BYTES` is counted first and refused (413) past
 * `MAX_JSON_VALUES_PER_REQUEST` values, since `JSON.parse` cannot be cut short; the walk after it
 * runs in slices ({@link JsonRequestWalk}) and applies the count limits of the protobuf decoder
 * (src/model/limits.ts).
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
import { performance } from 'node:perf_hooks';
import type { LogRecordInfo, ResourceInfo, ScopeInfo, SpanRecord } from '../../model/trace';
import { JSON_COUNT_MIN_BYTES, MAX_JSON_VALUES_PER_REQUEST, MAX_LOG_RECORDS_PER_REQUEST, MAX_SPANS_PER_REQUEST } from '../../model/limits';
import {
  DECODE_WORK_UNITS_PER_CLOCK_CHECK,
  type DecodeFailure,
  type DecodeOptions,
  type DecodeResult,
  type DecodeTask,
  type MetricsDecodeResult,
  Rejections,
  itemsPastLimitReason,
} from './shared';
import { decodeUtf8 } from './wireReader';
import { JsonShapeError, asArray, asObject, pick, type JsonObject } from './jsonValues';
import { readResource, readScope, valuesUsed, withLimits } from './jsonCommon';
import { readSpan } from './jsonTraces';
import { readLogRecord } from './jsonLogs';
import { JsonValueCounter } from './jsonCount';

/** Bytes counted between two looks at the clock and at the count (~1–2 ms of counting). */
const COUNT_BYTES_PER_CLOCK_CHECK = 1024 * 1024;

/** The failure of a body with more values than `MAX_JSON_VALUES_PER_REQUEST` (→ HTTP 413). */
function tooManyValues(what: string): DecodeFailure {
  return {
    ok: false,
    status: 'tooLarge',
    message:
      `${what} JSON has more than ${MAX_JSON_VALUES_PER_REQUEST} values (objects, arrays, list items), ` +
      'more than Trace Lens parses in one OTLP/JSON request: send fewer items per request, or use OTLP/protobuf',
  };
}

/** The whole body counted in one call: `null` when it may be parsed, else the failure. */
function countAtOnce(body: Uint8Array, what: string): DecodeFailure | null {
  if (body.length <= JSON_COUNT_MIN_BYTES) return null;
  const counter = new JsonValueCounter(body);
  while (!counter.done) {
    counter.advance(counter.position + COUNT_BYTES_PER_CLOCK_CHECK);
    if (counter.count > MAX_JSON_VALUES_PER_REQUEST) return tooManyValues(what);
  }
  return null;
}

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

/** Reads one item (span, log record) of the JSON document into `out`, or refuses it. */
type ItemReader<T> = (v: unknown, resource: ResourceInfo, scope: ScopeInfo, out: T[], rejections: Rejections) => void;

/** What a {@link JsonRequestWalk} decodes: field names (camelCase / snake_case) per level, the item reader, its limit. */
interface WalkKind<T> {
  what: string;
  resources: readonly [string, string];
  scopes: readonly [string, string];
  items: readonly [string, string];
  itemsName: 'spans' | 'log records';
  maxItems: number;
  readItem: ItemReader<T>;
}

const TRACES: WalkKind<SpanRecord> = {
  what: 'ExportTraceServiceRequest',
  resources: ['resourceSpans', 'resource_spans'],
  scopes: ['scopeSpans', 'scope_spans'],
  items: ['spans', 'spans'],
  itemsName: 'spans',
  maxItems: MAX_SPANS_PER_REQUEST,
  readItem: readSpan,
};

const LOGS: WalkKind<LogRecordInfo> = {
  what: 'ExportLogsServiceRequest',
  resources: ['resourceLogs', 'resource_logs'],
  scopes: ['scopeLogs', 'scope_logs'],
  items: ['logRecords', 'log_records'],
  itemsName: 'log records',
  maxItems: MAX_LOG_RECORDS_PER_REQUEST,
  readItem: (v, resource, scope, out) => readLogRecord(v, resource, scope, out),
};

const NONE: readonly unknown[] = [];

/**
 * One OTLP/JSON body decoded in slices: counted (bodies over `JSON_COUNT_MIN_BYTES`; refused past
 * `MAX_JSON_VALUES_PER_REQUEST`), parsed (one `JSON.parse`), then walked ResourceX → ScopeX →
 * item with the position kept in indices, so the walk can stop between any two items. A
 * ResourceX or ScopeX entry that is not an object is skipped; a repeated field that is not an
 * array fails the body. Items past `maxItems` (valid or not) are counted and refused with one
 * reason, and their containers are not read.
 */
class JsonRequestWalk<T> implements DecodeTask<DecodeResult<T>> {
  private counter: JsonValueCounter | null;
  private doc: JsonObject | null = null;
  private resources: readonly unknown[] = NONE;
  private ri = 0;
  private scopes: readonly unknown[] = NONE;
  private si = 0;
  private list: readonly unknown[] = NONE;
  private ii = 0;
  private resource: ResourceInfo | null = null;
  private scope: ScopeInfo | null = null;
  private readonly items: T[] = [];
  private readonly rejections = new Rejections();
  private decoded = 0;
  private past = 0;
  private result: DecodeResult<T> | null = null;

  constructor(
    private readonly body: Uint8Array,
    private readonly options: DecodeOptions | undefined,
    private readonly kind: WalkKind<T>,
  ) {
    this.counter = body.length > JSON_COUNT_MIN_BYTES ? new JsonValueCounter(body) : null;
  }

  run(deadline: number): DecodeResult<T> | null {
    if (this.result === null) this.result = withLimits(this.options, () => this.step(deadline));
    return this.result;
  }

  /** One slice: `null` when the deadline passed first. */
  private step(deadline: number): DecodeResult<T> | null {
    const { kind } = this;
    const counter = this.counter;
    if (counter !== null) {
      while (!counter.done) {
        counter.advance(counter.position + COUNT_BYTES_PER_CLOCK_CHECK);
        if (counter.count > MAX_JSON_VALUES_PER_REQUEST) return tooManyValues(kind.what);
        if (deadline !== Infinity && !counter.done && performance.now() >= deadline) return null;
      }
      this.counter = null;
    }
    if (this.doc === null) {
      const doc = parseBody(this.body, kind.what);
      if (typeof doc === 'string') return { ok: false, message: doc };
      this.doc = doc;
      try {
        this.resources = asArray(pick(doc, kind.resources[0], kind.resources[1]), kind.resources[0]);
      } catch (err) {
        return shapeFailure(kind.what, err);
      }
    }
    try {
      if (!this.walk(deadline)) return null;
    } catch (err) {
      return shapeFailure(kind.what, err);
    }
    const { rejections } = this;
    if (this.past > 0) rejections.addMany(this.past, itemsPastLimitReason(kind.itemsName, kind.maxItems, this.past));
    return { ok: true, items: this.items, rejected: rejections.count, rejectReasons: rejections.reasons };
  }

  /** Walks until the document ends (`true`) or the clock passes `deadline` (`false`). Throws `JsonShapeError`. */
  private walk(deadline: number): boolean {
    const { kind } = this;
    const checkClock = deadline !== Infinity;
    let units = 0;
    for (;;) {
      if (this.ii < this.list.length) {
        if (this.decoded < kind.maxItems) {
          this.decoded++;
          kind.readItem(this.list[this.ii++], this.resource!, this.scope!, this.items, this.rejections);
          units += 1 + valuesUsed();
        } else {
          this.past += this.list.length - this.ii;
          this.ii = this.list.length;
        }
      } else if (this.si < this.scopes.length) {
        const ss = asObject(this.scopes[this.si++]);
        units++;
        if (ss !== null) {
          this.list = asArray(pick(ss, kind.items[0], kind.items[1]), kind.items[0]);
          this.ii = 0;
          if (this.decoded < kind.maxItems) {
            this.scope = readScope(ss);
            units += valuesUsed();
          }
        }
      } else if (this.ri < this.resources.length) {
        const rs = asObject(this.resources[this.ri++]);
        units++;
        if (rs !== null) {
          if (this.decoded < kind.maxItems) {
            this.resource = readResource(rs);
            units += valuesUsed();
          }
          this.scopes = asArray(pick(rs, kind.scopes[0], kind.scopes[1]), kind.scopes[0]);
          this.si = 0;
        }
      } else {
        return true;
      }
      if (checkClock && units >= DECODE_WORK_UNITS_PER_CLOCK_CHECK) {
        units = 0;
        if (performance.now() >= deadline) return false;
      }
    }
  }
}

/** Starts decoding an OTLP/JSON `ExportTraceServiceRequest` in slices: see {@link decodeTracesJson}. */
export function startTracesJson(body: Uint8Array, options?: DecodeOptions): DecodeTask<DecodeResult<SpanRecord>> {
  return new JsonRequestWalk(body, options, TRACES);
}

/** Starts decoding an OTLP/JSON `ExportLogsServiceRequest` in slices: see {@link decodeLogsJson}. */
export function startLogsJson(body: Uint8Array, options?: DecodeOptions): DecodeTask<DecodeResult<LogRecordInfo>> {
  return new JsonRequestWalk(body, options, LOGS);
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest`. Same outputs, rejection rules and count
 * limits as `decodeTracesProtobuf`; additionally an id that is not a hex string of the right
 * length, or a time that is not an unsigned integer, rejects the span. Limits as in
 * `decodeTracesProtobuf` (`options`). Invalid JSON, a non-object document or a repeated field
 * that is not an array → `{ ok: false }`; a body over `JSON_COUNT_MIN_BYTES` with more than
 * `MAX_JSON_VALUES_PER_REQUEST` values → `{ ok: false, status: 'tooLarge' }`, not parsed.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */
export function decodeTracesJson(body: Uint8Array, options?: DecodeOptions): DecodeResult<SpanRecord> {
  return new JsonRequestWalk(body, options, TRACES).run(Infinity)!;
}

/**
 * Decodes an OTLP/JSON `ExportLogsServiceRequest`. Records are never rejected for their content
 * (invalid ids → null); records past `MAX_LOG_RECORDS_PER_REQUEST` are. Invalid JSON or a wrongly
 * shaped document → `{ ok: false }`; too many values → `status: 'tooLarge'`, as for traces.
 */
export function decodeLogsJson(body: Uint8Array, options?: DecodeOptions): DecodeResult<LogRecordInfo> {
  return new JsonRequestWalk(body, options, LOGS).run(Infinity)!;
}

const METRIC_DATA_FIELDS: readonly (readonly [string, string])[] = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
];

/**
 * Counts the data points of an OTLP/JSON `ExportMetricsServiceRequest`; a body with too many
 * values is refused as for traces (`status: 'tooLarge'`).
 */
export function decodeMetricsJson(body: Uint8Array): MetricsDecodeResult {
  const what = 'ExportMetricsServiceRequest';
  const tooMany = countAtOnce(body, what);
  if (tooMany !== null) return tooMany;
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
