/**
 * Stored spans and log records (the model of `src/model/trace.ts`) → OTLP requests in the
 * canonical plain form of `plainRequest.ts`, for "Send Trace to…" / "Send Session to…".
 *
 * Spans are grouped back under their resource and scope (equal by value). What the stored model
 * cannot tell apart is re-encoded by a fixed rule, so a sent-after-the-fact trace can differ from
 * the live-forwarded one in exactly these ways:
 * - integer-valued numbers become `intValue`, others `doubleValue` (a double `3.0` becomes int 3);
 * - `bytesValue` attributes (stored as base64 text) and int64 values beyond 2^53 (stored as
 *   decimal text) are sent as `stringValue`;
 * - link `flags` are not stored (sent as 0); a log record's `event_name` is sent only when it is
 *   not just a copy of its `event.name` attribute.
 */
import type { AttributeValue, Attributes, LogRecordInfo, ResourceInfo, ScopeInfo, SpanKind, SpanRecord, StatusCode } from '../../model/trace';
import type { PlainRequest } from './plainRequest';

type Obj = Record<string, unknown>;

const SPAN_KIND: Readonly<Record<SpanKind, number>> = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS: Readonly<Record<StatusCode, number>> = { unset: 0, ok: 1, error: 2 };

function b64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** A model attribute value as an OTLP `AnyValue` (canonical plain form). */
export function anyValue(v: AttributeValue): Obj {
  if (v === null) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: keyValues(v) } };
}

export function keyValues(attrs: Attributes): Obj[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function resourceObj(r: ResourceInfo): Obj {
  return { attributes: keyValues(r.attributes), droppedAttributesCount: r.droppedAttributesCount };
}

function scopeObj(s: ScopeInfo): Obj {
  return { name: s.name, version: s.version, attributes: keyValues(s.attributes), droppedAttributesCount: s.droppedAttributesCount };
}

function spanObj(s: SpanRecord): Obj {
  const o: Obj = {
    traceId: b64(s.traceId),
    spanId: b64(s.spanId),
    traceState: s.traceState,
    name: s.name,
    kind: SPAN_KIND[s.kind] ?? 0,
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    attributes: keyValues(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({ timeUnixNano: e.timeUnixNano, name: e.name, attributes: keyValues(e.attributes), droppedAttributesCount: e.droppedAttributesCount })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({ traceId: b64(l.traceId), spanId: b64(l.spanId), traceState: l.traceState, attributes: keyValues(l.attributes), droppedAttributesCount: l.droppedAttributesCount })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: STATUS[s.status.code] ?? 0, message: s.status.message },
    flags: s.flags,
  };
  if (s.parentSpanId) o.parentSpanId = b64(s.parentSpanId);
  return o;
}

function logObj(l: LogRecordInfo): Obj {
  const o: Obj = {
    timeUnixNano: l.timeUnixNano,
    observedTimeUnixNano: l.observedTimeUnixNano,
    severityNumber: l.severityNumber,
    severityText: l.severityText,
    body: anyValue(l.body),
    attributes: keyValues(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount,
    flags: l.flags,
  };
  if (l.traceId) o.traceId = b64(l.traceId);
  if (l.spanId) o.spanId = b64(l.spanId);
  if (l.eventName && l.attributes['event.name'] !== l.eventName) o.eventName = l.eventName;
  return o;
}

/** Groups items under resource → scope, keeping first-seen order. */
function group<T extends { resource: ResourceInfo; scope: ScopeInfo }>(items: readonly T[]): { resource: ResourceInfo; scopes: { scope: ScopeInfo; items: T[] }[] }[] {
  const resources = new Map<string, { resource: ResourceInfo; scopes: Map<string, { scope: ScopeInfo; items: T[] }> }>();
  for (const item of items) {
    const rKey = JSON.stringify(item.resource);
    let r = resources.get(rKey);
    if (!r) resources.set(rKey, (r = { resource: item.resource, scopes: new Map() }));
    const sKey = JSON.stringify(item.scope);
    let s = r.scopes.get(sKey);
    if (!s) r.scopes.set(sKey, (s = { scope: item.scope, items: [] }));
    s.items.push(item);
  }
  return [...resources.values()].map((r) => ({ resource: r.resource, scopes: [...r.scopes.values()] }));
}

/** An `ExportTraceServiceRequest` (plain form) holding `spans`. */
export function spansToRequest(spans: readonly SpanRecord[]): PlainRequest {
  return {
    resourceSpans: group(spans).map((r) => ({
      resource: resourceObj(r.resource),
      schemaUrl: r.resource.schemaUrl,
      scopeSpans: r.scopes.map((s) => ({ scope: scopeObj(s.scope), schemaUrl: s.scope.schemaUrl, spans: s.items.map(spanObj) })),
    })),
  };
}

/** An `ExportLogsServiceRequest` (plain form) holding `logs`. */
export function logsToRequest(logs: readonly LogRecordInfo[]): PlainRequest {
  return {
    resourceLogs: group(logs).map((r) => ({
      resource: resourceObj(r.resource),
      schemaUrl: r.resource.schemaUrl,
      scopeLogs: r.scopes.map((s) => ({ scope: scopeObj(s.scope), schemaUrl: s.scope.schemaUrl, logRecords: s.items.map(logObj) })),
    })),
  };
}
