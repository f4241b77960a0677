/**
 * OTLP protobuf reader for `trace.v1` Span (with its events, links and status) into `SpanRecord`.
 * Entry point and the ResourceSpans → ScopeSpans walk: `decodeTracesProtobuf` (`protobufDecoder.ts`),
 * which also documents the rejection rules; shared messages (Resource, InstrumentationScope,
 * KeyValue) come from `protobufCommon.ts`.
 *
 * Proto field map (tag bytes in hex; LEN = length-delimited; ResourceSpans and ScopeSpans are in
 * `protobufDecoder.ts`):
 *
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
 * Limits (src/model/limits.ts): each span gets a fresh budget of `MAX_VALUES_PER_ITEM` values
 * (`setValuesLeft`, `protobufCommon.ts`), which its attributes, events, links, their attributes and nested
 * elements spend; at most `MAX_EVENTS_PER_SPAN` events and `MAX_LINKS_PER_SPAN` links are kept.
 * What is past a limit is skipped unread and added to the span's, event's or link's dropped
 * count, with a `trace_lens.limit` marker attribute on it (`markLimits`).
 */
import type { Attributes, ResourceInfo, ScopeInfo, SpanEvent, SpanLink, SpanRecord } from '../../model/trace';
import { type Rejections, allZeroBytes, markLimits, spanKindFromNumber, statusCodeFromNumber, timeToDecimal } from './shared';
import { readLimitedAttribute, setValuesLeft, spendValue } from './protobufCommon';
import type { WireReader } from './wireReader';
import { MAX_EVENTS_PER_SPAN, MAX_LINKS_PER_SPAN, MAX_VALUES_PER_ITEM } from '../../model/limits';

function readEvent(r: WireReader, end: number): SpanEvent {
  let time = '0';
  let name = '';
  const attributes: Attributes = {};
  let dropped = 0;
  let kept = 0;
  let notKept = 0;
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
        if (readLimitedAttribute(r, end, attributes, kept)) kept++;
        else notKept++;
        break;
      case 0x20:
        dropped = r.varint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  if (notKept > 0) markLimits(attributes, notKept);
  return { name, timeUnixNano: time, attributes, droppedAttributesCount: dropped + notKept };
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
  let kept = 0;
  let notKept = 0;
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
        if (readLimitedAttribute(r, end, attributes, kept)) kept++;
        else notKept++;
        break;
      case 0x28:
        dropped = r.varint32();
        break;
      default:
        r.skip(tag, end); // includes 6 flags (not in the model)
    }
  }
  if (notKept > 0) markLimits(attributes, notKept);
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
    droppedAttributesCount: dropped + notKept,
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

/**
 * One span (its LEN payload is `r.pos`..`end`) into `out`, or a reason into `rejections` when its
 * ids are invalid (the rules are in `decodeTracesProtobuf`). Spends a fresh value budget.
 */
export function readSpan(
  r: WireReader,
  end: number,
  resource: ResourceInfo,
  scope: ScopeInfo,
  out: SpanRecord[],
  rejections: Rejections,
): void {
  const buf = r.buf;
  setValuesLeft(MAX_VALUES_PER_ITEM);
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
  let keptAttributes = 0;
  let attributesNotKept = 0;
  let eventsNotKept = 0;
  let linksNotKept = 0;
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
        if (readLimitedAttribute(r, end, span.attributes, keptAttributes)) keptAttributes++;
        else attributesNotKept++;
        break;
      case 0x50:
        span.droppedAttributesCount = r.varint32();
        break;
      case 0x5a: {
        const e = r.lenEnd(end);
        if (span.events.length < MAX_EVENTS_PER_SPAN && spendValue()) {
          span.events.push(readEvent(r, e));
        } else {
          eventsNotKept++;
        }
        r.pos = e;
        break;
      }
      case 0x60:
        span.droppedEventsCount = r.varint32();
        break;
      case 0x6a: {
        const e = r.lenEnd(end);
        if (span.links.length + invalidLinks < MAX_LINKS_PER_SPAN && spendValue()) {
          const link = readLink(r, e);
          if (link) span.links.push(link);
          else invalidLinks++;
        } else {
          linksNotKept++;
        }
        r.pos = e;
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
  span.droppedLinksCount += invalidLinks + linksNotKept;
  if (attributesNotKept > 0 || eventsNotKept > 0 || linksNotKept > 0) {
    span.droppedAttributesCount += attributesNotKept;
    span.droppedEventsCount += eventsNotKept;
    markLimits(span.attributes, attributesNotKept, eventsNotKept, linksNotKept);
  }

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
