/**
 * Where Find (Enter / Shift+Enter), F8 and the model-call keys go (webview/trace/findNavigation.ts):
 * matches in display order whatever order the back end lists them in, wrap-around at both ends,
 * matches hidden under collapsed rows (and the ancestors to expand), the next error span and the
 * next model call from a position. The trees are small and every expected node is worked out by
 * hand from the drawings below. The browser checks (test/webview) drive the same keys in Chromium.
 */
import { describe, expect, it } from 'vitest';
import type { GenAiBadge } from '../../../src/model/genai';
import type { SkeletonSpan } from '../../../src/model/trace';
import { TraceTree } from '../../../webview/trace/tree';
import { FIND_INSIDE, FIND_MATCH, FindMatches, isErrorSpan, isModelCall, positionWhere, stepWhere } from '../../../webview/trace/findNavigation';

function span(spanId: string, parentSpanId: string | null, startOffsetMs: number, extra: Partial<SkeletonSpan> = {}): SkeletonSpan {
  return { spanId, parentSpanId, name: spanId, kind: 'internal', statusCode: 'unset', serviceName: 'svc', startOffsetMs, durationMs: 1, eventCount: 0, hasException: false, ...extra };
}

const llm = (extra: Partial<GenAiBadge> = {}): Partial<SkeletonSpan> => ({ genai: { kind: 'llm', model: 'gpt-4o-mini', ...extra } });

/**
 * Display order (pre-order; siblings by start time — the spans are listed out of order on purpose):
 *
 *   0 root
 *   1   chat1        model call
 *   2     http1
 *   3   tool1        GenAI tool
 *   4     get1
 *   5       db1      status error
 *   6   chat2        model call
 *   7   wrap         LLM wrapper whose usage repeats its child's (not a model call of its own)
 *   8     chat3      model call
 *   9   tool2        exception event, status unset
 *  10 other          a second top-level span
 */
function makeTree(collapsed: string[] = []): TraceTree {
  const spans = [
    span('other', null, 90),
    span('tool2', 'root', 60, { hasException: true, eventCount: 1 }),
    span('root', null, 0),
    span('chat3', 'wrap', 51, llm()),
    span('chat1', 'root', 1, llm()),
    span('http1', 'chat1', 2),
    span('wrap', 'root', 50, llm({ usageIsAggregate: true })),
    span('tool1', 'root', 10, { genai: { kind: 'tool', toolName: 'get_weather' } }),
    span('chat2', 'root', 40, llm()),
    span('get1', 'tool1', 11),
    span('db1', 'get1', 12, { statusCode: 'error' }),
  ];
  return new TraceTree({ traceId: 't', startTimeUnixNano: '0', durationMs: 100, spans }, new Set(collapsed));
}

const node = (tree: TraceTree, id: string): number => tree.indexBySpanId.get(id)!;
const id = (tree: TraceTree, n: number): string | null => (n < 0 ? null : tree.nodes[n]!.span.spanId);

describe('the test tree', () => {
  it('is laid out as drawn', () => {
    const tree = makeTree();
    expect(tree.nodes.map((n) => n.span.spanId)).toEqual(['root', 'chat1', 'http1', 'tool1', 'get1', 'db1', 'chat2', 'wrap', 'chat3', 'tool2', 'other']);
  });
});

describe('FindMatches', () => {
  it('orders matches by display order, not by the order the back end lists them; unknown ids and repeats are dropped', () => {
    const tree = makeTree();
    // Start-time order from the back end would be chat1 (1), db1 (12), chat3 (51), other (90); given shuffled here.
    const m = new FindMatches(tree, ['other', 'db1', 'not-in-this-trace', 'chat1', 'chat3', 'db1']);
    expect(m.nodes.map((n) => id(tree, n))).toEqual(['chat1', 'db1', 'chat3', 'other']);
    expect(m.count).toBe(4);
    expect(m.spanIds).toHaveLength(6);
  });

  it('flags the matching rows and every ancestor of a match', () => {
    const tree = makeTree();
    const m = new FindMatches(tree, ['db1', 'chat3']);
    const flags = Object.fromEntries(tree.nodes.map((n) => [n.span.spanId, m.flags[n.index]]));
    expect(flags).toEqual({
      root: FIND_INSIDE,
      chat1: 0,
      http1: 0,
      tool1: FIND_INSIDE,
      get1: FIND_INSIDE,
      db1: FIND_MATCH,
      chat2: 0,
      wrap: FIND_INSIDE,
      chat3: FIND_MATCH,
      tool2: 0,
      other: 0,
    });
    // A match below another match: both bits on the upper one.
    const nested = new FindMatches(tree, ['get1', 'db1']);
    expect(nested.flags[node(tree, 'get1')]).toBe(FIND_MATCH | FIND_INSIDE);
  });

  it('gives the 1-based position of a match ("2 of 4"), 0 for a row that does not match', () => {
    const tree = makeTree();
    const m = new FindMatches(tree, ['chat1', 'db1', 'chat3', 'other']);
    expect([m.positionOf(node(tree, 'chat1')), m.positionOf(node(tree, 'db1')), m.positionOf(node(tree, 'chat3')), m.positionOf(node(tree, 'other'))]).toEqual([1, 2, 3, 4]);
    expect(m.positionOf(node(tree, 'tool1'))).toBe(0);
    expect(m.positionOf(-1)).toBe(0);
  });

  it('steps to the next and previous match from the selection, wrapping at both ends', () => {
    const tree = makeTree();
    const m = new FindMatches(tree, ['chat1', 'db1', 'chat3']);
    const next = (from: string | null) => id(tree, m.step(from === null ? -1 : node(tree, from), 1));
    const prev = (from: string | null) => id(tree, m.step(from === null ? -1 : node(tree, from), -1));
    // Nothing selected: Enter goes to the first match, Shift+Enter to the last.
    expect(next(null)).toBe('chat1');
    expect(prev(null)).toBe('chat3');
    // From a match: the one after / before it.
    expect(next('chat1')).toBe('db1');
    expect(next('db1')).toBe('chat3');
    expect(prev('db1')).toBe('chat1');
    // Wrap-around.
    expect(next('chat3')).toBe('chat1');
    expect(prev('chat1')).toBe('chat3');
    // From a row that does not match: the nearest match below / above it.
    expect(next('tool1')).toBe('db1');
    expect(prev('tool1')).toBe('chat1');
    expect(next('root')).toBe('chat1');
    expect(prev('root')).toBe('chat3');
    expect(next('tool2')).toBe('chat1');
    expect(prev('other')).toBe('chat3');
  });

  it('with one match, stays on it; with none, goes nowhere', () => {
    const tree = makeTree();
    const one = new FindMatches(tree, ['db1']);
    expect(id(tree, one.step(node(tree, 'db1'), 1))).toBe('db1');
    expect(id(tree, one.step(node(tree, 'db1'), -1))).toBe('db1');
    expect(id(tree, one.step(node(tree, 'other'), 1))).toBe('db1');
    const none = new FindMatches(tree, []);
    expect(none.step(-1, 1)).toBe(-1);
    expect(none.step(node(tree, 'db1'), -1)).toBe(-1);
  });

  it('reaches matches hidden under collapsed rows; revealing one expands exactly its ancestors', () => {
    const tree = makeTree(['root', 'chat1', 'get1']);
    expect(tree.visibleCount).toBe(2); // root, other
    const m = new FindMatches(tree, ['db1']);
    const target = m.step(node(tree, 'root'), 1);
    expect(id(tree, target)).toBe('db1');
    expect(tree.rowOfNode(target)).toBe(-1);
    tree.revealNode(target);
    // root and get1 opened (tool1 was open); chat1 stays collapsed, so http1 stays hidden.
    expect(Array.from({ length: tree.visibleCount }, (_, r) => id(tree, tree.nodeAtRow(r)))).toEqual([
      'root',
      'chat1',
      'tool1',
      'get1',
      'db1',
      'chat2',
      'wrap',
      'chat3',
      'tool2',
      'other',
    ]);
    expect(tree.rowOfNode(target)).toBe(4);
    expect(tree.collapsedSpanIds()).toEqual(['chat1']);
  });

  it('never matches a missing-parent placeholder', () => {
    const spans = [span('r', null, 0), span('orphan', 'ffffffffffffffff', 5)];
    const tree = new TraceTree({ traceId: 't', startTimeUnixNano: '0', durationMs: 10, spans }, new Set());
    const m = new FindMatches(tree, ['ffffffffffffffff', 'orphan']);
    expect(m.nodes.map((n) => id(tree, n))).toEqual(['orphan']);
    expect(m.flags[node(tree, 'ffffffffffffffff')]).toBe(FIND_INSIDE);
  });
});

describe('next error span (F8) and next model call (] / [)', () => {
  it('F8 / Shift+F8: spans with status error or an exception event, in display order, wrapping', () => {
    const tree = makeTree();
    const go = (from: string | null, dir: 1 | -1) => id(tree, stepWhere(tree, from === null ? -1 : node(tree, from), dir, isErrorSpan));
    expect(go(null, 1)).toBe('db1');
    expect(go(null, -1)).toBe('tool2');
    expect(go('root', 1)).toBe('db1');
    expect(go('db1', 1)).toBe('tool2'); // the exception event counts, with status unset
    expect(go('tool2', 1)).toBe('db1'); // wraps
    expect(go('db1', -1)).toBe('tool2'); // wraps backwards
    expect(go('chat2', -1)).toBe('db1');
    expect(go('other', 1)).toBe('db1');
    expect(positionWhere(tree, node(tree, 'tool2'), isErrorSpan)).toEqual({ position: 2, total: 2 });
  });

  it('] / [: LLM spans, leaving out a wrapper whose usage repeats its child call', () => {
    const tree = makeTree();
    const go = (from: string | null, dir: 1 | -1) => id(tree, stepWhere(tree, from === null ? -1 : node(tree, from), dir, isModelCall));
    expect(go(null, 1)).toBe('chat1');
    expect(go('chat1', 1)).toBe('chat2');
    expect(go('chat2', 1)).toBe('chat3'); // not 'wrap'
    expect(go('chat3', 1)).toBe('chat1'); // wraps
    expect(go('chat1', -1)).toBe('chat3'); // wraps backwards
    expect(go('tool1', 1)).toBe('chat2');
    expect(go('tool1', -1)).toBe('chat1');
    expect(go('wrap', -1)).toBe('chat2');
    expect(positionWhere(tree, node(tree, 'chat3'), isModelCall)).toEqual({ position: 3, total: 3 });
    expect(positionWhere(tree, node(tree, 'wrap'), isModelCall)).toEqual({ position: 0, total: 3 });
  });

  it('with one such span, stays on it; with none, answers -1', () => {
    const spans = [span('r', null, 0), span('a', 'r', 1, { statusCode: 'error' }), span('b', 'r', 2), span('orphan', 'ffffffffffffffff', 5)];
    const tree = new TraceTree({ traceId: 't', startTimeUnixNano: '0', durationMs: 10, spans }, new Set());
    expect(id(tree, stepWhere(tree, node(tree, 'a'), 1, isErrorSpan))).toBe('a');
    expect(id(tree, stepWhere(tree, node(tree, 'b'), -1, isErrorSpan))).toBe('a');
    expect(stepWhere(tree, node(tree, 'a'), 1, isModelCall)).toBe(-1);
    expect(stepWhere(tree, -1, -1, isModelCall)).toBe(-1);
    // A missing-parent placeholder is never an error span, whatever it carries.
    expect(isErrorSpan(tree.nodes[node(tree, 'ffffffffffffffff')]!)).toBe(false);
  });
});
