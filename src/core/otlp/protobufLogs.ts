/**
 * OTLP protobuf reader for `logs.v1` LogRecord into `LogRecordInfo`. Entry point and the
 * ResourceLogs → ScopeLogs walk: `decodeLogsProtobuf` (`protobufDecoder.ts`); shared messages
 * (Resource, InstrumentationScope, KeyValue, AnyValue) come from `protobufCommon.ts`.
 *
 * Limits (src/model/limits.ts): each record gets a fresh budget of `MAX_VALUES_PER_ITEM` values
 * (`setValuesLeft`, `protobufCommon.ts`), spent by its attributes (at most `MAX_ATTRIBUTES_PER_LIST`), its
 * body (one) and the body's nested elements; attributes past a limit are skipped unread and added
 * to `droppedAttributesCount`, with a `trace_lens.limit` marker attribute.
 *
 * Proto field map (tag bytes in hex; LEN = length-delimited):
 *
 *   logs.v1.ResourceLogs     1 resource (0a)   2 scope_logs: ScopeLogs (12)   3 schema_url (1a)
 *   logs.v1.ScopeLogs        1 scope (0a)   2 log_records: LogRecord (12)   3 schema_url (1a)
 *   logs.v1.LogRecord        1 time_unix_nano fixed64 (09)   11 observed_time_unix_nano fixed64 (59)
 *                            2 severity_number enum (10)   3 severity_text (1a)   5 body: AnyValue (2a)
 *                            6 attributes (32)   7 dropped_attributes_count (38)   8 flags fixed32 (45)
 *                            9 trace_id bytes (4a)   10 span_id bytes (52)   12 event_name (62)
 */
import type { LogRecordInfo, ResourceInfo, ScopeInfo } from '../../model/trace';
import { allZeroBytes, eventNameFromAttributes, markLimits, timeToDecimal } from './shared';
import { readAnyValue, readLimitedAttribute, setValuesLeft } from './protobufCommon';
import type { WireReader } from './wireReader';
import { MAX_VALUES_PER_ITEM } from '../../model/limits';

/**
 * One log record (its LEN payload is `r.pos`..`end`) into `out`; never refused (see
 * `decodeLogsProtobuf`). Spends a fresh value budget.
 */
export function readLogRecord(
  r: WireReader,
  end: number,
  resource: ResourceInfo,
  scope: ScopeInfo,
  out: LogRecordInfo[],
): void {
  const buf = r.buf;
  setValuesLeft(MAX_VALUES_PER_ITEM - 1); // the body counts one
  let kept = 0;
  let notKept = 0;
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
        if (readLimitedAttribute(r, end, log.attributes, kept)) kept++;
        else notKept++;
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
  if (notKept > 0) {
    log.droppedAttributesCount += notKept;
    markLimits(log.attributes, notKept);
  }
  if (log.eventName === '') log.eventName = eventNameFromAttributes(log.attributes);
  out.push(log);
}
