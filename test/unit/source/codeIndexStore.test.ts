/**
 * The per-file code index (src/core/source/codeIndex.ts) inside a real sql.js store: maintained
 * at ingest, aggregated per line for CodeLens, error lines for decorations, emptied with traces
 * (delete, eviction, clear), not changed by rolled-back writes or re-sent spans.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceStore } from '../../../src/core/store/traceStore';
import { CodeIndex, codeIndexEntries, fileKeyOf, lowerMedian } from '../../../src/core/source/codeIndex';
import { exceptionEvent, nanos, resourceInfo, spanRecord, traceId, spanId, resetBuilders } from '../../support/builders';
import { openStore } from '../../support/storeHarness';

const AGENT = '/work/demo/agent/agent.mjs';
const NODE_STACK = [
  'ToolError: Stock service unavailable',
  '    at getStockPrice (file:///work/demo/agent/tools.mjs:50:9)',
  '    at async executeTool (file:///work/demo/agent/agent.mjs:121:30)',
  '    at async process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
].join('\n');

/** A span located at `line` of agent.mjs with `ms` duration. */
function located(line: number, ms: number, overrides: Parameters<typeof spanRecord>[0] = {}) {
  return spanRecord({
    name: 'chat gpt-4o-mini',
    endTimeUnixNano: nanos(ms),
    attributes: { 'code.file.path': AGENT, 'code.line.number': line, 'code.function.name': 'runAgent' },
    ...overrides,
  });
}

describe('codeIndexEntries (what one span indexes)', () => {
  beforeEach(() => resetBuilders());

  it('nothing for a span without code.* attributes or exceptions', () => {
    expect(codeIndexEntries(spanRecord())).toEqual([]);
  });

  it('the code.* location; the error message for an error span', () => {
    expect(codeIndexEntries(located(55, 3))).toEqual([{ fileKey: AGENT, line: 55, kind: 'span', message: '' }]);
    const failed = located(55, 3, { status: { code: 'error', message: 'upstream 503' } });
    expect(codeIndexEntries(failed)[0]!.message).toBe('upstream 503');
  });

  it('old attribute names; a relative path joined to the resource working directory', () => {
    const logfire = spanRecord({
      attributes: { 'code.filepath': 'app/main.py', 'code.lineno': 9, 'code.function': 'chat' },
      resource: resourceInfo({ attributes: { 'service.name': 'x', 'process.working_directory': '/srv/backend' } }),
    });
    expect(codeIndexEntries(logfire)).toEqual([{ fileKey: '/srv/backend/app/main.py', line: 9, kind: 'span', message: '' }]);
    expect(fileKeyOf('app/main.py', null)).toBe('app/main.py');
    expect(fileKeyOf('file:///C:/src/App.cs', null)).toBe('c:/src/App.cs');
  });

  it('the innermost app frame of the exception (node: internals skipped); no line → no location row', () => {
    const span = spanRecord({
      status: { code: 'error', message: 'Stock service unavailable' },
      events: [exceptionEvent('Stock service unavailable', { attributes: { 'exception.type': 'ToolError', 'exception.message': 'Stock service unavailable', 'exception.stacktrace': NODE_STACK } })],
      attributes: { 'code.file.path': AGENT },
    });
    expect(codeIndexEntries(span)).toEqual([{ fileKey: '/work/demo/agent/tools.mjs', line: 50, kind: 'exception', message: 'ToolError: Stock service unavailable' }]);
  });
});

describe('TraceStore code index', () => {
  let store: TraceStore;
  beforeEach(async () => {
    resetBuilders();
    store = await openStore();
  });
  afterEach(() => store.close());

  it('a file no span points at: empty', () => {
    store.insertSpans([spanRecord()]);
    expect(store.codeStatsForFile([AGENT])).toEqual({ lines: [], errors: [] });
    expect(store.codeStatsForFile([])).toEqual({ lines: [], errors: [] });
  });

  it('aggregates per line and span name: calls, errors, p50, latest span', () => {
    const spans = [
      located(55, 1000, { startTimeUnixNano: nanos(0) }),
      located(55, 1200, { startTimeUnixNano: nanos(0) }),
      located(55, 3000, { startTimeUnixNano: nanos(0), status: { code: 'error', message: 'rate limited' } }),
      located(55, 1100, { traceId: traceId(900), spanId: spanId(901), startTimeUnixNano: nanos(500), endTimeUnixNano: nanos(1600) }),
      located(98, 40, { name: 'execute_tool get_weather' }),
      located(55, 10, { name: 'other name at the same line' }),
    ];
    // A span elsewhere and one without a location do not count.
    store.insertSpans([...spans, located(55, 5, { attributes: { 'code.file.path': '/elsewhere.mjs', 'code.line.number': 55 } }), spanRecord()]);
    const stats = store.codeStatsForFile([AGENT, 'agent/agent.mjs']);
    expect(stats.lines).toEqual([
      { line: 55, spanName: 'chat gpt-4o-mini', count: 4, errorCount: 1, p50DurationMs: 1100, latestTraceId: traceId(900), latestSpanId: spanId(901) },
      { line: 55, spanName: 'other name at the same line', count: 1, errorCount: 0, p50DurationMs: 10, latestTraceId: spans[5]!.traceId, latestSpanId: spans[5]!.spanId },
      { line: 98, spanName: 'execute_tool get_weather', count: 1, errorCount: 0, p50DurationMs: 40, latestTraceId: spans[4]!.traceId, latestSpanId: spans[4]!.spanId },
    ]);
    expect(stats.errors).toEqual([
      { line: 55, count: 1, message: 'rate limited', spanName: 'chat gpt-4o-mini', traceId: spans[2]!.traceId, spanId: spans[2]!.spanId, startTimeUnixNano: nanos(0), source: 'span' },
    ]);
  });

  it('error lines from exception frames, found under the tail keys of a relative path too', () => {
    const span = spanRecord({
      name: 'execute_tool get_stock_price',
      status: { code: 'error', message: 'Stock service unavailable' },
      events: [exceptionEvent('x', { attributes: { 'exception.type': 'ToolError', 'exception.message': 'Stock service unavailable', 'exception.stacktrace': NODE_STACK } })],
    });
    store.insertSpans([span]);
    const stats = store.codeStatsForFile(['/work/demo/agent/tools.mjs']);
    expect(stats.lines).toEqual([]);
    expect(stats.errors).toMatchObject([{ line: 50, count: 1, message: 'ToolError: Stock service unavailable', source: 'exception', spanName: 'execute_tool get_stock_price' }]);

    const logfire = spanRecord({ name: 'chat', attributes: { 'code.filepath': 'app/main.py', 'code.lineno': 9 } });
    store.insertSpans([logfire]);
    expect(store.codeStatsForFile(['/work/demo/backend/app/main.py', 'backend/app/main.py', 'app/main.py', 'main.py']).lines).toMatchObject([{ line: 9, count: 1 }]);
  });

  it('spans go with their trace: delete, clear, eviction; a re-sent span is not counted twice', async () => {
    const a = located(10, 5);
    const b = located(20, 5);
    store.insertSpans([a, b]);
    expect(store.codeStatsForFile([AGENT]).lines).toHaveLength(2);
    store.deleteTrace(a.traceId);
    expect(store.codeStatsForFile([AGENT]).lines.map((l) => l.line)).toEqual([20]);

    // Re-sent (an SDK retry): still one call, at the line first indexed.
    store.insertSpans([b]);
    expect(store.codeStatsForFile([AGENT]).lines.map((l) => [l.line, l.count])).toEqual([[20, 1]]);

    store.clear();
    expect(store.codeStatsForFile([AGENT])).toEqual({ lines: [], errors: [] });

    const small = await openStore({ maxSpans: 1000, maxMegabytes: 1024 });
    try {
      const many = Array.from({ length: 1500 }, (_, i) => located(1 + (i % 7), 1, { startTimeUnixNano: nanos(i), endTimeUnixNano: nanos(i + 1) }));
      small.insertSpans(many);
      const total = small.codeStatsForFile([AGENT]).lines.reduce((n, l) => n + l.count, 0);
      expect(total).toBe(small.stats().spanCount);
      expect(total).toBeLessThanOrEqual(1000);
    } finally {
      small.close();
    }
  });
});

describe('CodeIndex (transactions, removal, medians)', () => {
  beforeEach(() => resetBuilders());

  it('staged spans count only after commit; rollback drops them', () => {
    const index = new CodeIndex();
    index.add(located(5, 2));
    expect(index.statsForFile([AGENT]).lines).toEqual([]);
    index.rollback();
    index.commit();
    expect(index.spanCount).toBe(0);
    index.add(located(5, 2));
    index.commit();
    expect(index.statsForFile([AGENT]).lines).toMatchObject([{ line: 5, count: 1, p50DurationMs: 2 }]);
  });

  it('removing the trace of the latest span makes the previous one the latest; counts and p50 follow', () => {
    const index = new CodeIndex();
    const older = located(7, 10, { startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(10) });
    const newer = located(7, 30, { startTimeUnixNano: nanos(100), endTimeUnixNano: nanos(130), status: { code: 'error', message: 'boom' } });
    index.add(older);
    index.add(newer);
    index.commit();
    expect(index.statsForFile([AGENT])).toMatchObject({
      lines: [{ line: 7, count: 2, errorCount: 1, p50DurationMs: 10, latestSpanId: newer.spanId }],
      errors: [{ line: 7, count: 1, message: 'boom', spanId: newer.spanId, source: 'span' }],
    });
    index.removeTrace(newer.traceId);
    index.commit();
    expect(index.statsForFile([AGENT])).toEqual({
      lines: [{ line: 7, spanName: 'chat gpt-4o-mini', count: 1, errorCount: 0, p50DurationMs: 10, latestTraceId: older.traceId, latestSpanId: older.spanId }],
      errors: [],
    });
    index.removeTrace(older.traceId);
    index.commit();
    expect(index.statsForFile([AGENT])).toEqual({ lines: [], errors: [] });
    expect(index.spanCount).toBe(0);
  });

  it('lower median (nearest rank)', () => {
    expect(lowerMedian([])).toBe(0);
    expect(lowerMedian([5])).toBe(5);
    expect(lowerMedian([9, 1])).toBe(1);
    expect(lowerMedian([3, 1, 2])).toBe(2);
    expect(lowerMedian([4, 4, 1, 9, 7, 4])).toBe(4);
    const many = Array.from({ length: 10001 }, (_, i) => (i * 7919) % 10001);
    expect(lowerMedian(many)).toBe(5000);
  });
});
