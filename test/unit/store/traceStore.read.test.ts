import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceStore } from '../../../src/core/store/traceStore';
import {
  exceptionEvent,
  logRecord,
  nanos,
  resetBuilders,
  resourceInfo,
  scopeInfo,
  spanEvent,
  spanId,
  spanLink,
  spanRecord,
  traceId,
  traceSpans,
} from '../../support/builders';
import { openStore } from '../../support/storeHarness';
import { unpackSkeleton } from '../../../src/model/skeletonCodec';

let store: TraceStore;

beforeEach(async () => {
  resetBuilders();
  store = await openStore();
});

afterEach(() => {
  store.close();
});

describe('traceSkeleton', () => {
  it('links each span to its stored parent, whatever the order of the span ids (hundreds of spans)', () => {
    const tid = traceId();
    // Random 16-hex ids (not in insertion order), parents chosen among earlier spans, some missing.
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const hex = (): string => Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
    const ids = Array.from({ length: 400 }, () => hex() + hex());
    const missing = 'ffffffffffffff01';
    const parents = ids.map((_, i) => (i === 0 ? null : i % 37 === 0 ? missing : ids[Math.floor(random() * i)]!));
    store.insertSpans(ids.map((id, i) => spanRecord({ traceId: tid, spanId: id, parentSpanId: parents[i]!, startTimeUnixNano: nanos(i), endTimeUnixNano: nanos(i + 1) })));
    const skeleton = store.traceSkeleton(tid)!;
    expect(skeleton.spans).toHaveLength(400);
    const byId = new Map(skeleton.spans.map((s) => [s.spanId, s]));
    for (let i = 0; i < ids.length; i++) expect(byId.get(ids[i]!)?.parentSpanId).toBe(parents[i]);
    const packed = unpackSkeleton(store.packedTraceSkeleton(tid)!);
    expect(packed.spans.map((s) => [s.spanId, s.parentSpanId])).toEqual(skeleton.spans.map((s) => [s.spanId, s.parentSpanId]));
    // Display order: by start (each span starts 1 ms after the previous one here).
    expect(skeleton.spans.map((s) => s.spanId)).toEqual(ids);
  });

  it('orders spans by start and gives ms offsets from the trace start', () => {
    const tid = traceId();
    const rootId = spanId();
    const childId = spanId();
    const grandchildId = spanId();
    // Inserted out of order; the child starts 0.5 ms and the grandchild 1.25 ms after the root.
    store.insertSpans([
      spanRecord({
        traceId: tid,
        spanId: grandchildId,
        parentSpanId: childId,
        name: 'tool',
        kind: 'client',
        startTimeUnixNano: nanos(1.25),
        endTimeUnixNano: nanos(2.000001),
        status: { code: 'error', message: 'failed' },
        events: [spanEvent(), exceptionEvent()],
        resource: resourceInfo({ serviceName: 'tools' }),
      }),
      spanRecord({ traceId: tid, spanId: rootId, parentSpanId: null, name: 'agent', kind: 'server', startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(10) }),
      spanRecord({ traceId: tid, spanId: childId, parentSpanId: rootId, name: 'llm', startTimeUnixNano: nanos(0.5), endTimeUnixNano: nanos(3), status: { code: 'ok', message: '' } }),
    ]);

    const skeleton = store.traceSkeleton(tid)!;
    expect(skeleton.traceId).toBe(tid);
    expect(skeleton.startTimeUnixNano).toBe(nanos(0));
    expect(skeleton.durationMs).toBe(10);
    expect(skeleton.spans.map((s) => s.name)).toEqual(['agent', 'llm', 'tool']);
    expect(skeleton.spans[0]).toEqual({
      spanId: rootId,
      parentSpanId: null,
      name: 'agent',
      kind: 'server',
      statusCode: 'unset',
      serviceName: 'test-service',
      startOffsetMs: 0,
      durationMs: 10,
      eventCount: 0,
      hasException: false,
    });
    expect(skeleton.spans[1]).toMatchObject({ parentSpanId: rootId, statusCode: 'ok', startOffsetMs: 0.5, durationMs: 2.5 });
    expect(skeleton.spans[2]).toEqual({
      spanId: grandchildId,
      parentSpanId: childId,
      name: 'tool',
      kind: 'client',
      statusCode: 'error',
      serviceName: 'tools',
      startOffsetMs: 1.25,
      durationMs: 0.750001,
      eventCount: 2,
      hasException: true,
    });
  });

  it('breaks start-time ties by span id', () => {
    const tid = traceId();
    const ids = [spanId(0xc), spanId(0xa), spanId(0xb)];
    store.insertSpans(ids.map((id) => spanRecord({ traceId: tid, spanId: id, parentSpanId: id === ids[1] ? null : ids[1]! })));
    expect(store.traceSkeleton(tid)!.spans.map((s) => s.spanId)).toEqual([spanId(0xa), spanId(0xb), spanId(0xc)]);
  });

  it('orders by exact nanoseconds across a long trace', () => {
    const tid = traceId();
    const rootId = spanId();
    // 30 days after the root, 1 ns apart.
    const later = '1734792000123456789';
    const evenLater = '1734792000123456790';
    store.insertSpans([
      spanRecord({ traceId: tid, parentSpanId: rootId, name: 'b', startTimeUnixNano: evenLater, endTimeUnixNano: evenLater }),
      spanRecord({ traceId: tid, parentSpanId: rootId, name: 'a', startTimeUnixNano: later, endTimeUnixNano: later }),
      spanRecord({ traceId: tid, spanId: rootId, name: 'root' }),
    ]);
    expect(store.traceSkeleton(tid)!.spans.map((s) => s.name)).toEqual(['root', 'a', 'b']);
  });

  it('measures offsets from the earliest span even when it is not the root', () => {
    const tid = traceId();
    const rootId = spanId();
    store.insertSpans([
      spanRecord({ traceId: tid, spanId: rootId, startTimeUnixNano: nanos(100), endTimeUnixNano: nanos(200) }),
      spanRecord({ traceId: tid, parentSpanId: rootId, startTimeUnixNano: nanos(99.999999), endTimeUnixNano: nanos(150) }),
    ]);
    const skeleton = store.traceSkeleton(tid)!;
    expect(skeleton.startTimeUnixNano).toBe(nanos(99.999999));
    expect(skeleton.spans.map((s) => s.startOffsetMs)).toEqual([0, 0.000001]);
  });

  it('handles a large trace and returns null for an unknown one', () => {
    const spans = traceSpans(3000);
    store.insertSpans(spans);
    const skeleton = store.traceSkeleton(spans[0]!.traceId)!;
    expect(skeleton.spans).toHaveLength(3000);
    expect(skeleton.spans[2999]!.startOffsetMs).toBe(2999);
    expect(store.traceSkeleton(traceId())).toBeNull();
  });

  it('encodes many events without overflowing the packed columns', () => {
    const events = Array.from({ length: 300 }, () => spanEvent());
    const span = spanRecord({ kind: 'consumer', status: { code: 'error', message: '' }, events: [...events, exceptionEvent()] });
    store.insertSpans([span]);
    expect(store.traceSkeleton(span.traceId)!.spans[0]).toMatchObject({ kind: 'consumer', statusCode: 'error', eventCount: 301, hasException: true });
  });
});

describe('spanDetail', () => {
  it('returns the whole span with resource, scope, attributes, events and links', () => {
    const link = spanLink({ traceState: 'k=v', attributes: { 'link.kind': 'follows' }, droppedAttributesCount: 1 });
    const span = spanRecord({
      parentSpanId: spanId(),
      traceState: 'vendor=1',
      flags: 257,
      name: 'chat gpt-4o',
      kind: 'client',
      startTimeUnixNano: '1732200000123456789',
      endTimeUnixNano: '1732200001123456789',
      attributes: {
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1234,
        'big.int': '9007199254740993',
        nested: { list: [1, 'two', true, null], map: { a: 1.5 } },
        'unicode.text': 'héllo ✓ 🚀',
      },
      droppedAttributesCount: 2,
      events: [spanEvent({ name: 'gen_ai.content.prompt', attributes: { prompt: 'hi' }, timeUnixNano: '1732200000223456789', droppedAttributesCount: 1 })],
      droppedEventsCount: 3,
      links: [link],
      droppedLinksCount: 4,
      status: { code: 'error', message: 'rate limited' },
      resource: resourceInfo({ attributes: { 'service.name': 'agent', 'host.name': 'box' }, droppedAttributesCount: 1, schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' }),
      scope: scopeInfo({ name: '@opentelemetry/instrumentation-openai', version: '0.22.0', attributes: { 'scope.attr': 'x' }, schemaUrl: 'https://example.invalid/s' }),
    });
    store.insertSpans([span]);
    const detail = store.spanDetail(span.traceId, span.spanId)!;
    expect(detail.span).toEqual(span);
    expect(detail.logs).toEqual([]);
  });

  it('includes the span’s correlated logs ordered by time, and only those', () => {
    const span = spanRecord();
    const other = spanRecord({ traceId: span.traceId, parentSpanId: span.spanId });
    store.insertSpans([span, other]);
    const at = (ms: number) => nanos(ms);
    const correlated = { traceId: span.traceId, spanId: span.spanId };
    const logs = [
      logRecord({ ...correlated, timeUnixNano: at(3), body: 'third', eventName: 'gen_ai.choice' }),
      logRecord({ ...correlated, timeUnixNano: at(1), body: { role: 'user', content: 'first' }, eventName: 'gen_ai.user.message', attributes: { 'gen_ai.system': 'openai' }, severityNumber: 5, severityText: 'DEBUG', flags: 1 }),
      logRecord({ ...correlated, timeUnixNano: '0', observedTimeUnixNano: at(2), body: 'second (observed time only)' }),
      logRecord({ traceId: span.traceId, spanId: other.spanId, body: 'other span' }),
      logRecord({ body: 'uncorrelated' }),
    ];
    const result = store.insertLogs(logs);
    expect(result).toMatchObject({ inserted: 5, rejected: 0 });
    expect(result.changedTraceIds).toEqual([span.traceId]);
    expect(store.stats().logCount).toBe(5);

    const detail = store.spanDetail(span.traceId, span.spanId)!;
    expect(detail.logs.map((l) => l.body)).toEqual([{ role: 'user', content: 'first' }, 'second (observed time only)', 'third']);
    expect(detail.logs[0]).toEqual(logs[1]);
  });

  it('returns null for unknown spans', () => {
    const span = spanRecord();
    store.insertSpans([span]);
    expect(store.spanDetail(span.traceId, spanId())).toBeNull();
    expect(store.spanDetail(traceId(), span.spanId)).toBeNull();
  });

  it('rejects logs with invalid ids or times', () => {
    const result = store.insertLogs([
      logRecord({ traceId: 'nope' }),
      logRecord({ spanId: 'ZZZZZZZZZZZZZZZZ' }),
      logRecord({ timeUnixNano: '-1' }),
      logRecord({ observedTimeUnixNano: '' }),
      logRecord(),
    ]);
    expect(result).toMatchObject({ inserted: 1, rejected: 4 });
    expect(store.stats()).toMatchObject({ logCount: 1, rejectedCount: 4 });
  });
});

describe('findTraces', () => {
  it('finds traces by id prefix, newest first, case-insensitively', () => {
    const ids = ['ab000000000000000000000000000001', 'ab100000000000000000000000000002', 'abc00000000000000000000000000003', 'cd000000000000000000000000000004'];
    ids.forEach((id, i) => store.insertSpans([spanRecord({ traceId: id, startTimeUnixNano: nanos(i), endTimeUnixNano: nanos(i + 1) })]));

    expect(store.findTraces('ab', 10).map((t) => t.traceId)).toEqual([ids[2], ids[1], ids[0]]);
    expect(store.findTraces('  ABC ', 10).map((t) => t.traceId)).toEqual([ids[2]]);
    expect(store.findTraces('ab', 2)).toHaveLength(2);
    expect(store.findTraces(ids[3]!, 10).map((t) => t.traceId)).toEqual([ids[3]]);
    expect(store.findTraces('ef', 10)).toEqual([]);
    expect(store.findTraces('', 10).map((t) => t.traceId)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(store.findTraces('ab', 0)).toEqual([]);
  });

  it('treats LIKE/GLOB wildcards as plain characters', () => {
    store.insertSpans([spanRecord({ traceId: 'ab000000000000000000000000000001' })]);
    expect(store.findTraces('%', 10)).toEqual([]);
    expect(store.findTraces('a_', 10)).toEqual([]);
    expect(store.findTraces('a*', 10)).toEqual([]);
  });
});

describe('SQL-looking input is data', () => {
  const evil = "x'); DROP TABLE spans; --";

  it('reads with hostile ids find nothing and break nothing', () => {
    const span = spanRecord();
    store.insertSpans([span]);
    expect(store.traceSummary(evil)).toBeNull();
    expect(store.traceSkeleton(evil)).toBeNull();
    expect(store.spanDetail(evil, evil)).toBeNull();
    expect(store.findTraces(evil, 10)).toEqual([]);
    expect(store.findTraces("' OR 1=1 --", 10)).toEqual([]);
    expect(store.deleteTrace(evil)).toBe(false);
    expect(store.listTraces(10)).toHaveLength(1);
    expect(store.spanDetail(span.traceId, span.spanId)).not.toBeNull();
  });

  it('hostile ids are refused on insert; hostile names and values are stored verbatim', () => {
    const result = store.insertSpans([spanRecord({ traceId: evil })]);
    expect(result).toMatchObject({ inserted: 0, rejected: 1 });
    const span = spanRecord({
      name: evil,
      attributes: { [evil]: evil, quote: "'\"`;--/*" },
      resource: resourceInfo({ serviceName: "'; DELETE FROM traces; --" }),
    });
    store.insertSpans([span]);
    const detail = store.spanDetail(span.traceId, span.spanId)!;
    expect(detail.span.name).toBe(evil);
    expect(detail.span.attributes).toEqual({ [evil]: evil, quote: "'\"`;--/*" });
    expect(store.traceSummary(span.traceId)).toMatchObject({ rootName: evil, serviceName: "'; DELETE FROM traces; --" });
    expect(store.stats().traceCount).toBe(1);
  });
});
