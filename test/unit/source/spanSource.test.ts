/**
 * What the trace view gets for a span (location + stacks with resolved frames), where "Go to
 * Source" goes (span location, a frame, or the innermost app frame), validation of frame
 * references from the webview, and the CodeLens / hover texts.
 */
import { describe, expect, it } from 'vitest';
import type { SpanDetail } from '../../../src/model/trace';
import { resolveSourcePath, type ResolveContext } from '../../../src/core/source/resolve';
import { buildSpanSourceInfo, sourceTargetOf, spanStacks, toFrameRef } from '../../../src/core/source/spanSource';
import { codeLensTitle, errorHoverHeading, linesToLenses } from '../../../src/core/source/codeLensText';
import { formatUsd } from '../../../src/model/cost';
import { exceptionEvent, logRecord, resourceInfo, spanRecord } from '../../support/builders';

/** The stack of the demo agent's failing tool, as its exception event records it. */
const DEMO_STACK = [
  'ToolError: Stock service unavailable: upstream returned 503 for ACME',
  '    at getStockPrice (file:///work/demo/agent/tools.mjs:49:9)',
  '    at async file:///work/demo/agent/agent.mjs:103:39',
  '    at async process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '    at async file:///work/demo/node_modules/p-retry/index.js:50:12',
].join('\n');

const files = new Set(['/work/demo/agent/agent.mjs', '/work/demo/agent/tools.mjs', '/work/demo/node_modules/p-retry/index.js']);
const ctx: ResolveContext = { workspaceFolders: [{ name: 'demo', path: '/work/demo' }], fileExists: async (p) => files.has(p) };
const resolve = (path: string, hints: object) => resolveSourcePath(path, ctx, hints);

function detail(overrides: Parameters<typeof spanRecord>[0] = {}, logs: SpanDetail['logs'] = []): SpanDetail {
  return { span: spanRecord(overrides), logs, genai: null };
}

const failing = detail({
  name: 'execute_tool get_stock_price',
  attributes: { 'code.file.path': '/work/demo/agent/agent.mjs', 'code.line.number': 86, 'code.column.number': 17, 'code.function.name': 'executeTool' },
  events: [exceptionEvent('x', { attributes: { 'exception.type': 'ToolError', 'exception.message': 'x', 'exception.stacktrace': DEMO_STACK } })],
});

describe('buildSpanSourceInfo', () => {
  it('resolves the code location and classifies every frame', async () => {
    const info = await buildSpanSourceInfo(failing, resolve);
    expect(info.location).toEqual({ origin: 'workspace', label: 'agent/agent.mjs:86:17', title: '/work/demo/agent/agent.mjs', functionName: 'executeTool' });
    expect(info.stacks).toHaveLength(1);
    const [stack] = info.stacks;
    expect(stack!.ref).toEqual({ kind: 'event', eventIndex: 0 });
    expect(stack!.format).toBe('node');
    expect(stack!.lines.map((l) => [l.frame?.origin ?? null, l.frame?.index ?? null])).toEqual([
      [null, null],
      ['workspace', 0],
      ['workspace', 1],
      ['library', 2],
      ['library', 3],
    ]);
    expect(stack!.lines[1]!.frame!.label).toBe('agent/tools.mjs:49:9');
    expect(stack!.lines[0]!.text).toBe('ToolError: Stock service unavailable: upstream returned 503 for ACME');
  });

  it('missing and outside files; code.stacktrace and stacks of correlated log records', async () => {
    const d = detail(
      {
        attributes: { 'code.file.path': '/app/gone.py', 'code.lineno': 3, 'code.stacktrace': '  File "/usr/lib/python3.12/x.py", line 1, in f\n  File "/srv/y.py", line 2, in g' },
        resource: resourceInfo({ attributes: { 'service.name': 's' } }),
      },
      [logRecord({ attributes: { 'exception.stacktrace': 'Error\n    at h (/work/demo/agent/agent.mjs:5:1)' } })],
    );
    const info = await buildSpanSourceInfo(d, resolve);
    expect(info.location).toMatchObject({ origin: 'missing', label: '/app/gone.py:3' });
    expect(info.location!.title).toContain('/app/gone.py');
    expect(info.stacks.map((s) => s.ref)).toEqual([{ kind: 'attribute' }, { kind: 'log', logIndex: 0 }]);
    expect(info.stacks[0]!.lines.map((l) => l.frame?.origin)).toEqual(['library', 'missing']);
    expect(info.stacks[1]!.lines[1]!.frame).toMatchObject({ origin: 'workspace', label: 'agent/agent.mjs:5:1' });
  });

  it('a span without code location or stacks: nothing', async () => {
    expect(await buildSpanSourceInfo(detail(), resolve)).toEqual({ location: null, stacks: [] });
  });
});

describe('sourceTargetOf', () => {
  it('the span location by default; a frame when asked', () => {
    expect(sourceTargetOf(failing)).toMatchObject({ path: '/work/demo/agent/agent.mjs', line: 86, column: 17 });
    expect(sourceTargetOf(failing, { stack: { kind: 'event', eventIndex: 0 }, index: 0 })).toMatchObject({
      path: 'file:///work/demo/agent/tools.mjs',
      line: 49,
      column: 9,
      hints: { format: 'node', functionName: 'getStockPrice' },
    });
    expect(sourceTargetOf(failing, { stack: { kind: 'event', eventIndex: 0 }, index: 99 })).toBeNull();
    expect(sourceTargetOf(failing, { stack: { kind: 'event', eventIndex: 5 }, index: 0 })).toBeNull();
  });

  it('without code.*: the innermost app frame of the first stack (library frames skipped)', () => {
    const noCode = detail({ events: [exceptionEvent('x', { attributes: { 'exception.stacktrace': DEMO_STACK.split('\n').slice(0, 1).concat(DEMO_STACK.split('\n').slice(3)).join('\n') + '\n    at run (/work/demo/agent/main.mjs:70:20)' } })] });
    expect(sourceTargetOf(noCode)).toMatchObject({ path: '/work/demo/agent/main.mjs', line: 70 });
    expect(sourceTargetOf(detail())).toBeNull();
  });

  it('spanStacks lists events, code.stacktrace and logs in order', () => {
    expect(spanStacks(failing).map((s) => s.ref)).toEqual([{ kind: 'event', eventIndex: 0 }]);
  });
});

describe('toFrameRef (untrusted input from the webview)', () => {
  it('accepts the three stack kinds', () => {
    expect(toFrameRef({ stack: { kind: 'event', eventIndex: 2 }, index: 0 })).toEqual({ stack: { kind: 'event', eventIndex: 2 }, index: 0 });
    expect(toFrameRef({ stack: { kind: 'attribute' }, index: 3 })).toEqual({ stack: { kind: 'attribute' }, index: 3 });
    expect(toFrameRef({ stack: { kind: 'log', logIndex: 1 }, index: 1 })).toEqual({ stack: { kind: 'log', logIndex: 1 }, index: 1 });
  });

  it('refuses anything else (paths never travel from the webview)', () => {
    for (const bad of [null, 'x', {}, { stack: { kind: 'event' }, index: 0 }, { stack: { kind: 'event', eventIndex: -1 }, index: 0 }, { stack: { kind: 'file', path: '/etc/passwd' }, index: 0 }, { stack: { kind: 'attribute' }, index: 1.5 }]) {
      expect(toFrameRef(bad)).toBeNull();
    }
  });
});

describe('CodeLens and hover text', () => {
  const stat = { line: 49, spanName: 'chat gpt-4o-mini', count: 12, errorCount: 1, p50DurationMs: 1234, latestTraceId: 't', latestSpanId: 's' };

  it('title: name · calls · p50 · cost when known · errors', () => {
    expect(codeLensTitle(stat)).toBe('chat gpt-4o-mini · 12 calls · p50 1.23s · 1 error');
    expect(codeLensTitle({ ...stat, count: 1, errorCount: 0, p50DurationMs: 40 })).toBe('chat gpt-4o-mini · 1 call · p50 40ms');
    expect(codeLensTitle({ ...stat, costUsd: 0.0312 })).toBe('chat gpt-4o-mini · 12 calls · p50 1.23s · $0.0312 · 1 error');
    expect(formatUsd(0.0004)).toBe('$0.0004');
    expect(formatUsd(2)).toBe('$2.00');
  });

  it('at most three lenses per line, the last one counting the rest', () => {
    const many = ['a', 'b', 'c', 'd', 'e'].map((n, i) => ({ ...stat, spanName: n, count: 10 - i }));
    const lenses = linesToLenses([...many, { ...stat, line: 50 }]);
    expect(lenses.map((l) => [l.line, l.stat.spanName, l.more ?? 0])).toEqual([
      [49, 'a', 0],
      [49, 'b', 0],
      [49, 'c', 2],
      [50, 'chat gpt-4o-mini', 0],
    ]);
  });

  it('error hover heading', () => {
    const e = { line: 1, count: 3, message: 'm', spanName: 'execute_tool get_stock_price', traceId: 't', spanId: 's', startTimeUnixNano: '1', source: 'exception' as const };
    expect(errorHoverHeading(e)).toBe('3 exceptions thrown here · latest in span "execute_tool get_stock_price"');
    expect(errorHoverHeading({ ...e, count: 1, source: 'span' })).toBe('1 error span from this line · latest in span "execute_tool get_stock_price"');
  });
});
