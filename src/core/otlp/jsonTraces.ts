/**
 * OTLP/JSON readers for one span (with its events, links and status) into a `SpanRecord`. The
 * ResourceSpans / ScopeSpans walk and the rejection rules are in `decodeTracesJson`
 * (`jsonDecoder.ts`); Resource, InstrumentationScope and attributes come from `jsonCommon.ts`.
 *
 * Field map (camelCase / snake_case):
 *   Span            traceId / trace_id, spanId / span_id, traceState / trace_state,
 *                   parentSpanId / parent_span_id, flags, name, kind,
 *                   startTimeUnixNano / start_time_unix_nano, endTimeUnixNano / end_time_unix_nano,
 *                   attributes: KeyValue[], droppedAttributesCount / dropped_attributes_count,
 *                   events: Event[], droppedEventsCount / dropped_events_count,
 *                   links: Link[], droppedLinksCount / dropped_links_count, status: Status
 *   Span.Event      timeUnixNano / time_unix_nano, name, attributes, droppedAttributesCount
 *   Span.Link       traceId, spanId, traceState, attributes, droppedAttributesCount, flags
 *   Status          message, code
 *
 * Count limits as in `protobufTraces.ts`: a fresh value budget per span ({@link readSpan});
 * attributes first, then events (at most `MAX_EVENTS_PER_SPAN`), then links (at most
 * `MAX_LINKS_PER_SPAN`), the order of their fields on the protobuf wire.
 */
import type { ResourceInfo, ScopeInfo, SpanEvent, SpanLink, SpanRecord } from '../../model/trace';
import {
  type Rejections,
  markLimits,
  SPAN_KIND_BY_NAME,
  STATUS_CODE_BY_NAME,
  isAllZeroHex,
  jsonTimeToDecimal,
  normalizeHexId,
  spanKindFromNumber,
  statusCodeFromNumber,
} from './shared';
import { asArray, asEnum, asObject, asString, asUint32, pick } from './jsonValues';
import { newAttributes, spendValue, startItem, takeNotKept } from './jsonCommon';
import { MAX_EVENTS_PER_SPAN, MAX_LINKS_PER_SPAN } from '../../model/limits';

function readEvent(v: unknown): SpanEvent {
  const o = asObject(v) ?? {};
  const attributes = newAttributes(o.attributes);
  const notKept = takeNotKept();
  if (notKept > 0) markLimits(attributes, notKept);
  return {
    name: asString(o.name),
    timeUnixNano: jsonTimeToDecimal(pick(o, 'timeUnixNano', 'time_unix_nano')) ?? '0',
    attributes,
    droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')) + notKept,
  };
}

/** A link, or `null` when its ids are invalid (then counted as dropped by the caller). */
function readLink(v: unknown): SpanLink | null {
  const o = asObject(v);
  if (o === null) return null;
  const traceId = normalizeHexId(pick(o, 'traceId', 'trace_id'), 32);
  const spanId = normalizeHexId(pick(o, 'spanId', 'span_id'), 16);
  if (traceId === null || spanId === null || isAllZeroHex(traceId) || isAllZeroHex(spanId)) return null;
  const attributes = newAttributes(o.attributes);
  const notKept = takeNotKept();
  if (notKept > 0) markLimits(attributes, notKept);
  return {
    traceId,
    spanId,
    traceState: asString(pick(o, 'traceState', 'trace_state')),
    attributes,
    droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')) + notKept,
  };
}

/** Why `v` is not a valid hex id of `hexLength` characters (for the reject reason). */
function idProblem(v: unknown, hexLength: number): string {
  if (v === undefined || v === null || v === '') return 'missing';
  if (typeof v !== 'string') return 'not a string';
  if (v.length !== hexLength) return `${v.length} characters (expected ${hexLength} hex)`;
  return 'not hex';
}

/**
 * One span into `out`, or a reason into `rej` when its ids or times are invalid. Spends a fresh
 * value budget (`startItem`).
 */
export function readSpan(v: unknown, resource: ResourceInfo, scope: ScopeInfo, out: SpanRecord[], rej: Rejections): void {
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

  startItem();
  const attributes = newAttributes(o.attributes);
  const attributesNotKept = takeNotKept();

  const rawEvents = asArray(o.events, 'events');
  const events: SpanEvent[] = [];
  let eventsNotKept = 0;
  for (let i = 0; i < rawEvents.length; i++) {
    if (i >= MAX_EVENTS_PER_SPAN || !spendValue()) {
      eventsNotKept = rawEvents.length - i;
      break;
    }
    events.push(readEvent(rawEvents[i]));
  }

  const rawLinks = asArray(o.links, 'links');
  const links: SpanLink[] = [];
  let invalidLinks = 0;
  let linksNotKept = 0;
  for (let i = 0; i < rawLinks.length; i++) {
    if (i >= MAX_LINKS_PER_SPAN || !spendValue()) {
      linksNotKept = rawLinks.length - i;
      break;
    }
    const link = readLink(rawLinks[i]);
    if (link) links.push(link);
    else invalidLinks++;
  }
  markLimits(attributes, attributesNotKept, eventsNotKept, linksNotKept);

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
    attributes,
    droppedAttributesCount: asUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count')) + attributesNotKept,
    events,
    droppedEventsCount: asUint32(pick(o, 'droppedEventsCount', 'dropped_events_count')) + eventsNotKept,
    links,
    droppedLinksCount: asUint32(pick(o, 'droppedLinksCount', 'dropped_links_count')) + invalidLinks + linksNotKept,
    status: {
      code: status === null ? 'unset' : statusCodeFromNumber(asEnum(status.code, STATUS_CODE_BY_NAME)),
      message: status === null ? '' : asString(status.message),
    },
    resource,
    scope,
  });
}
