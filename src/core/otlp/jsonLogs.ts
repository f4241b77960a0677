/**
 * OTLP/JSON reader for one log record into a `LogRecordInfo`. The ResourceLogs / ScopeLogs walk
 * is in `decodeLogsJson` (`jsonDecoder.ts`); Resource, InstrumentationScope, attributes and the
 * AnyValue body come from `jsonCommon.ts`.
 *
 * Field map (camelCase / snake_case):
 *   LogRecord       timeUnixNano, observedTimeUnixNano / observed_time_unix_nano,
 *                   severityNumber / severity_number, severityText / severity_text, body: AnyValue,
 *                   attributes, droppedAttributesCount, flags, traceId, spanId, eventName / event_name
 *
 * Count limits as in `protobufLogs.ts`: a fresh value budget per record, of which the body takes one.
 */
import type { LogRecordInfo, ResourceInfo, ScopeInfo } from '../../model/trace';
import { SEVERITY_NUMBER_BY_NAME, eventNameFromAttributes, isAllZeroHex, jsonTimeToDecimal, markLimits, normalizeHexId } from './shared';
import { asEnum, asObject, asString, asUint32, pick } from './jsonValues';
import { anyValue, newAttributes, startItem, takeNotKept } from './jsonCommon';

/** One log record into `out` (never rejected; a non-object entry is skipped). Spends a fresh value budget. */
export function readLogRecord(v: unknown, resource: ResourceInfo, scope: ScopeInfo, out: LogRecordInfo[]): void {
  const o = asObject(v);
  if (o === null) return;
  startItem(1); // the body counts one
  // The body before the attributes: their order on the protobuf wire (fields 5, 6).
  const rawBody = o.body;
  const body = rawBody === undefined ? null : anyValue(rawBody, 1);
  const attributes = newAttributes(o.attributes);
  const notKept = takeNotKept();
  if (notKept > 0) markLimits(attributes, notKept);
  // logs.proto: a missing or invalid id means "not correlated", not an error.
  let traceId = normalizeHexId(pick(o, 'traceId', 'trace_id'), 32);
  let spanId: string | null = null;
  if (traceId !== null && isAllZeroHex(traceId)) traceId = null;
  if (traceId !== null) {
    spanId = normalizeHexId(pick(o, 'spanId', 'span_id'), 16);
    if (spanId !== null && isAllZeroHex(spanId)) spanId = null;
  }
  const eventName = asString(pick(o, 'eventName', 'event_name'));
  out.push({
    timeUnixNano: jsonTimeToDecimal(pick(o, 'timeUnixNano', 'time_unix_nano')) ?? '0',
    observedTimeUnixNano: jsonTimeToDecimal(pick(o, 'observedTimeUnixNano', 'observed_time_unix_nano')) ?? '0',
    severityNumber: asEnum(pick(o, 'severityNumber', 'severity_number'), SEVERITY_NUMBER_BY_NAME),
    severityText: asString(pick(o, 'severityText', 'severity_text')),
    eventName: eventName !== '' ? eventName : eventNameFromAttributes(attributes),
    body,
    attributes,
    droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')) + notKept,
    flags: asUint32(o.flags),
    traceId,
    spanId,
    resource,
    scope,
  });
}
