/**
 * Test data builders for the domain types of `src/model/trace.ts`.
 *
 * Every builder returns a complete, valid object; pass only what a test cares about:
 *   spanRecord({ traceId: traceId(1), name: 'root', parentSpanId: null })
 * Ids are deterministic: `traceId(n)` / `spanId(n)` encode `n` in hex; builders called without
 * ids take fresh ones from a counter (`resetBuilders()` restarts it). Times are decimal
 * nanosecond strings; `nanos(ms)` is `BASE_TIME_UNIX_NANO` plus `ms` milliseconds, exactly.
 */
import type {
  LogRecordInfo,
  ResourceInfo,
  ScopeInfo,
  SpanEvent,
  SpanLink,
  SpanRecord,
} from '../../src/model/trace';

/** 2024-11-21T14:40:00.123456789Z: has all nine sub-millisecond digits, above 2^53. */
export const BASE_TIME_UNIX_NANO = '1732200000123456789';

let nextId = 1;

/** Restarts the id counter used when a builder is called without ids. */
export function resetBuilders(): void {
  nextId = 1;
}

/** A valid trace id: 32 lowercase hex chars encoding `n` (default: a fresh one). */
export function traceId(n: number = nextId++): string {
  return n.toString(16).padStart(32, '0');
}

/** A valid span id: 16 lowercase hex chars encoding `n` (default: a fresh one). */
export function spanId(n: number = nextId++): string {
  return n.toString(16).padStart(16, '0');
}

/** `BASE_TIME_UNIX_NANO` + `ms` milliseconds (may be fractional down to 1 ns), exactly. */
export function nanos(ms: number, base: string = BASE_TIME_UNIX_NANO): string {
  return (BigInt(base) + BigInt(Math.round(ms * 1e6))).toString();
}

/** An OTLP resource; `serviceName` sets `service.name` unless `attributes` is given. */
export function resourceInfo(
  overrides: Partial<ResourceInfo> & { serviceName?: string } = {},
): ResourceInfo {
  const { serviceName = 'test-service', ...rest } = overrides;
  return {
    attributes: { 'service.name': serviceName, 'telemetry.sdk.language': 'nodejs' },
    droppedAttributesCount: 0,
    schemaUrl: '',
    ...rest,
  };
}

/** An instrumentation scope. */
export function scopeInfo(overrides: Partial<ScopeInfo> = {}): ScopeInfo {
  return {
    name: 'test-scope',
    version: '1.0.0',
    attributes: {},
    droppedAttributesCount: 0,
    schemaUrl: '',
    ...overrides,
  };
}

/** A span event at `BASE_TIME_UNIX_NANO`. */
export function spanEvent(overrides: Partial<SpanEvent> = {}): SpanEvent {
  return {
    name: 'event',
    timeUnixNano: BASE_TIME_UNIX_NANO,
    attributes: {},
    droppedAttributesCount: 0,
    ...overrides,
  };
}

/** An `exception` event with the semantic-convention attributes. */
export function exceptionEvent(message = 'boom', overrides: Partial<SpanEvent> = {}): SpanEvent {
  return spanEvent({
    name: 'exception',
    attributes: { 'exception.type': 'Error', 'exception.message': message },
    ...overrides,
  });
}

/** A span link to a fresh trace/span. */
export function spanLink(overrides: Partial<SpanLink> = {}): SpanLink {
  return {
    traceId: traceId(),
    spanId: spanId(),
    traceState: '',
    attributes: {},
    droppedAttributesCount: 0,
    ...overrides,
  };
}

/**
 * A root span (no parent) of a fresh trace, starting at `BASE_TIME_UNIX_NANO` and lasting
 * 1 ms, status unset, kind internal, with one string attribute.
 */
export function spanRecord(overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: traceId(),
    spanId: spanId(),
    parentSpanId: null,
    traceState: '',
    flags: 1,
    name: 'span',
    kind: 'internal',
    startTimeUnixNano: BASE_TIME_UNIX_NANO,
    endTimeUnixNano: nanos(1),
    attributes: { 'test.attribute': 'value' },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 'unset', message: '' },
    resource: resourceInfo(),
    scope: scopeInfo(),
    ...overrides,
  };
}

/** An INFO log record at `BASE_TIME_UNIX_NANO`, not correlated with a trace. */
export function logRecord(overrides: Partial<LogRecordInfo> = {}): LogRecordInfo {
  return {
    timeUnixNano: BASE_TIME_UNIX_NANO,
    observedTimeUnixNano: BASE_TIME_UNIX_NANO,
    severityNumber: 9,
    severityText: 'INFO',
    eventName: '',
    body: 'log message',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: null,
    spanId: null,
    resource: resourceInfo(),
    scope: scopeInfo(),
    ...overrides,
  };
}

/**
 * `count` spans of one trace: span 0 is the root, span i (i ≥ 1) a child of span ⌊(i−1)/2⌋
 * (a binary tree), starting `i` ms after the root and lasting 1 ms. `each` can override per
 * span.
 */
export function traceSpans(
  count: number,
  options: { traceId?: string; startMs?: number; each?: (i: number) => Partial<SpanRecord> } = {},
): SpanRecord[] {
  const tid = options.traceId ?? traceId();
  const ids = Array.from({ length: count }, () => spanId());
  const startMs = options.startMs ?? 0;
  return ids.map((sid, i) =>
    spanRecord({
      traceId: tid,
      spanId: sid,
      parentSpanId: i === 0 ? null : ids[Math.floor((i - 1) / 2)]!,
      name: i === 0 ? 'root' : `child-${i}`,
      startTimeUnixNano: nanos(startMs + i),
      endTimeUnixNano: nanos(startMs + i + 1),
      ...options.each?.(i),
    }),
  );
}
