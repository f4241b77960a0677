/**
 * The trace view's waterfall model (webview/trace/tree.ts), without a browser: the rows a trace
 * shows and in which order, how spans whose parent never arrived are grouped under a placeholder,
 * what the row facts are (depth, aria position, errors, services, time scale), and which rows
 * collapse and expand show. The browser checks (test/webview) cover the rendering.
 *
 * Expected values are worked out by hand from the fixtures below.
 */
import { describe, expect, it } from 'vitest';
import type { SkeletonSpan, StatusCode, TraceSkeleton } from '../../../src/model/trace';
import { MISSING_PARENT_NAME } from '../../../src/model/spanHierarchy';
import { TraceTree } from '../../../webview/trace/tree';
import { MISSING_PARENT, ROOT_PARENT, packSkeleton, packedParentIndexes, unpackSkeleton } from '../../../src/model/skeletonCodec';

function span(spanId: string, parentSpanId: string | null, startOffsetMs: number, durationMs: number, serviceName = 'api', statusCode: StatusCode = 'unset'): SkeletonSpan {
  return { spanId, parentSpanId, name: `op ${spanId}`, kind: 'internal', statusCode, serviceName, startOffsetMs, durationMs, eventCount: 0, hasException: false };
}

function skeleton(spans: SkeletonSpan[], durationMs = 100): TraceSkeleton {
  return { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', startTimeUnixNano: '1700000000000000000', durationMs, spans };
}

/**
 * The fixture, as the waterfall shows it (siblings by start time; `gone` never arrived):
 *
 *   r      0–100  api
 *     b    5–25   api
 *     a    10–40  api
 *       a1 12–17  db, error
 *   gone   40–70  (placeholder for o2 and o)
 *     o2   40–70  worker
 *     o    50–60  worker
 *
 * The spans are given out of start order on purpose (the tree sorts them).
 */
const SPANS = [
  span('r', null, 0, 100),
  span('a', 'r', 10, 30),
  span('a1', 'a', 12, 5, 'db', 'error'),
  span('b', 'r', 5, 20),
  span('o', 'gone', 50, 10, 'worker'),
  span('o2', 'gone', 40, 30, 'worker'),
];

const build = (collapsed: string[] = [], spans = SPANS, durationMs = 100) => new TraceTree(skeleton(spans, durationMs), new Set(collapsed));

/** The span ids of the rows shown, top to bottom. */
function visibleIds(tree: TraceTree): string[] {
  const out: string[] = [];
  for (let row = 0; row < tree.visibleCount; row++) out.push(tree.nodes[tree.nodeAtRow(row)]!.span.spanId);
  return out;
}

const node = (tree: TraceTree, id: string) => tree.nodes[tree.indexBySpanId.get(id)!]!;

describe('TraceTree: building from a skeleton', () => {
  it('lists parents before their children, siblings by start time, orphans under their missing parent', () => {
    const tree = build();
    expect(tree.nodes.map((n) => n.span.spanId)).toEqual(['r', 'b', 'a', 'a1', 'gone', 'o2', 'o']);
    expect(tree.nodes.map((n) => n.depth)).toEqual([0, 1, 1, 2, 0, 1, 1]);
    expect(visibleIds(tree)).toEqual(['r', 'b', 'a', 'a1', 'gone', 'o2', 'o']);
  });

  it('gives each row its parent row, child count and subtree range', () => {
    const tree = build();
    const ids = (list: number[]) => list.map((i) => (i < 0 ? null : tree.nodes[i]!.span.spanId));
    expect(ids(tree.nodes.map((n) => n.parent))).toEqual([null, 'r', 'r', 'a', null, 'gone', 'gone']);
    expect(tree.nodes.map((n) => n.childCount)).toEqual([2, 0, 1, 0, 2, 0, 0]);
    // A subtree is the rows after the node up to (not including) subtreeEnd.
    expect(tree.nodes.map((n) => n.subtreeEnd)).toEqual([4, 2, 4, 4, 7, 6, 7]);
  });

  it('numbers siblings for screen readers (aria-posinset / aria-setsize)', () => {
    const tree = build();
    expect(tree.nodes.map((n) => [n.span.spanId, n.posInSet, n.setSize])).toEqual([
      ['r', 1, 2],
      ['b', 1, 2],
      ['a', 2, 2],
      ['a1', 1, 1],
      ['gone', 2, 2],
      ['o2', 1, 2],
      ['o', 2, 2],
    ]);
  });

  it('shows a missing parent as one placeholder row spanning its children, not counted as a span', () => {
    const tree = build();
    const gone = node(tree, 'gone');
    expect(gone.placeholder).toBe(true);
    expect(gone.span.name).toBe(MISSING_PARENT_NAME);
    // o2 starts at 40 and runs to 70; o runs 50–60: the placeholder covers 40–70.
    expect([gone.span.startOffsetMs, gone.span.durationMs]).toEqual([40, 30]);
    expect(tree.isPlaceholder('gone')).toBe(true);
    expect(tree.isPlaceholder('o')).toBe(false);
    expect(tree.isPlaceholder('no such span')).toBe(false);
    expect(tree.size).toBe(7);
    expect(tree.spanCount).toBe(6);
    expect(tree.nodes.filter((n) => n.placeholder).map((n) => n.span.spanId)).toEqual(['gone']);
  });

  it('a trace whose root never arrived hangs entirely under its placeholder', () => {
    const tree = build([], [span('child', 'root', 5, 10), span('grandchild', 'child', 6, 2)], 20);
    expect(tree.nodes.map((n) => [n.span.spanId, n.depth, n.placeholder])).toEqual([
      ['root', 0, true],
      ['child', 1, false],
      ['grandchild', 2, false],
    ]);
  });

  it('marks rows that hide an error below them, and counts the errors of real spans', () => {
    const tree = build();
    expect(tree.nodes.map((n) => [n.span.spanId, n.descendantError])).toEqual([
      ['r', true],
      ['b', false],
      ['a', true],
      ['a1', false],
      ['gone', false],
      ['o2', false],
      ['o', false],
    ]);
    expect(tree.errorCount).toBe(1);
  });

  it('shows the service only where it changes from the parent row', () => {
    const tree = build();
    expect(tree.nodes.map((n) => [n.span.spanId, n.showService])).toEqual([
      ['r', false],
      ['b', false],
      ['a', false],
      ['a1', true], // db under api
      ['gone', false], // a placeholder has no service
      ['o2', true], // worker under the placeholder
      ['o', true],
    ]);
    // One bar colour per service.
    expect(node(tree, 'b').serviceIndex).toBe(node(tree, 'r').serviceIndex);
    expect(node(tree, 'a1').serviceIndex).not.toBe(node(tree, 'r').serviceIndex);
    expect(node(tree, 'o').serviceIndex).toBe(node(tree, 'o2').serviceIndex);
    expect(node(tree, 'o').serviceIndex).not.toBe(node(tree, 'a1').serviceIndex);
  });

  it('stretches the time axis to the latest span end when the trace duration is shorter', () => {
    expect(build().scaleMs).toBe(100);
    // o2 ends at 70, r at 100: a trace duration of 50 is stretched to 100.
    expect(build([], SPANS, 50).scaleMs).toBe(100);
    expect(build([], SPANS, 250).scaleMs).toBe(250);
  });

  it('breaks a parent cycle at one span: every span is shown once, one of them flagged', () => {
    const tree = build([], [span('root', null, 0, 10), span('x', 'y', 1, 1), span('y', 'x', 2, 1)], 10);
    expect(tree.size).toBe(3);
    expect(tree.nodes.map((n) => n.span.spanId).sort()).toEqual(['root', 'x', 'y']);
    expect(tree.nodes.some((n) => n.placeholder)).toBe(false);
    const tops = tree.nodes.filter((n) => n.parent < 0).map((n) => n.span.spanId);
    expect(tops[0]).toBe('root');
    expect(tops).toHaveLength(2);
    const cut = node(tree, tops[1]!);
    expect(cut.missingParent).toBe(true);
    expect(cut.childCount).toBe(1);
    expect(node(tree, tops[1] === 'x' ? 'y' : 'x').depth).toBe(1);
  });

  it('a span naming itself as its parent is top level and flagged, without a placeholder', () => {
    const tree = build([], [span('root', null, 0, 10), span('self', 'self', 1, 1)], 10);
    expect(tree.nodes.map((n) => [n.span.spanId, n.depth, n.missingParent, n.placeholder])).toEqual([
      ['root', 0, false, false],
      ['self', 0, true, false],
    ]);
  });

  it('keeps the first span of a repeated id in the id index', () => {
    const tree = build([], [span('root', null, 0, 10), span('dup', 'root', 1, 1), span('dup', 'root', 5, 1)], 10);
    expect(tree.size).toBe(3);
    expect(node(tree, 'dup').span.startOffsetMs).toBe(1);
  });

  it('an empty trace has no rows', () => {
    const tree = build([], [], 0);
    expect([tree.size, tree.visibleCount, tree.spanCount, tree.errorCount]).toEqual([0, 0, 0, 0]);
  });
});

describe('TraceTree: collapse and expand', () => {
  it('hides a collapsed subtree and shows it again on expand', () => {
    const tree = build();
    const a = tree.indexBySpanId.get('a')!;
    expect(tree.setCollapsed(a, true)).toBe(true);
    expect(tree.isCollapsed(a)).toBe(true);
    expect(visibleIds(tree)).toEqual(['r', 'b', 'a', 'gone', 'o2', 'o']);
    expect(tree.rowOfNode(tree.indexBySpanId.get('a1')!)).toBe(-1);
    expect(tree.rowOfNode(tree.indexBySpanId.get('gone')!)).toBe(3);
    expect(tree.setCollapsed(a, false)).toBe(true);
    expect(visibleIds(tree)).toEqual(['r', 'b', 'a', 'a1', 'gone', 'o2', 'o']);
  });

  it('collapsing a parent hides its whole subtree, and inner collapse state is kept', () => {
    const tree = build();
    const r = tree.indexBySpanId.get('r')!;
    const a = tree.indexBySpanId.get('a')!;
    tree.setCollapsed(a, true);
    tree.setCollapsed(r, true);
    expect(visibleIds(tree)).toEqual(['r', 'gone', 'o2', 'o']);
    tree.setCollapsed(r, false);
    expect(visibleIds(tree)).toEqual(['r', 'b', 'a', 'gone', 'o2', 'o']);
  });

  it('reports no change for a leaf, an unknown node or an unchanged state', () => {
    const tree = build();
    expect(tree.setCollapsed(tree.indexBySpanId.get('b')!, true)).toBe(false);
    expect(tree.setCollapsed(99, true)).toBe(false);
    expect(tree.setCollapsed(tree.indexBySpanId.get('a')!, false)).toBe(false);
    expect(tree.visibleCount).toBe(7);
  });

  it('collapse all leaves the top-level rows; expand all shows everything', () => {
    const tree = build();
    tree.setAllCollapsed(true);
    expect(visibleIds(tree)).toEqual(['r', 'gone']);
    expect(tree.collapsedSpanIds()).toEqual(['r', 'a', 'gone']);
    tree.setAllCollapsed(false);
    expect(visibleIds(tree)).toEqual(['r', 'b', 'a', 'a1', 'gone', 'o2', 'o']);
    expect(tree.collapsedSpanIds()).toEqual([]);
  });

  it('reveal expands every collapsed ancestor of a span, once', () => {
    const tree = build();
    tree.setAllCollapsed(true);
    const a1 = tree.indexBySpanId.get('a1')!;
    expect(tree.revealNode(a1)).toBe(true);
    expect(visibleIds(tree)).toEqual(['r', 'b', 'a', 'a1', 'gone']);
    expect(tree.rowOfNode(a1)).toBe(3);
    expect(tree.revealNode(a1)).toBe(false);
    // Only ancestors open: the placeholder stays collapsed.
    expect(tree.collapsedSpanIds()).toEqual(['gone']);
  });

  it('restores collapse state by span id on a rebuild, ignoring leaves and unknown ids', () => {
    const tree = build(['a', 'b', 'unknown']);
    expect(tree.collapsedSpanIds()).toEqual(['a']);
    expect(visibleIds(tree)).toEqual(['r', 'b', 'a', 'gone', 'o2', 'o']);
    // A live update adds a span under the collapsed `a`: it stays hidden.
    const updated = build(tree.collapsedSpanIds(), [...SPANS, span('a2', 'a', 20, 5)]);
    expect(updated.nodes.map((n) => n.span.spanId)).toEqual(['r', 'b', 'a', 'a1', 'a2', 'gone', 'o2', 'o']);
    expect(visibleIds(updated)).toEqual(['r', 'b', 'a', 'gone', 'o2', 'o']);
  });

  it('maps rows and nodes both ways for every visible row', () => {
    const tree = build(['a']);
    for (let row = 0; row < tree.visibleCount; row++) expect(tree.rowOfNode(tree.nodeAtRow(row))).toBe(row);
  });
});

describe('TraceTree: parents given as the packed skeleton carries them', () => {
  /** Every fact of every row, and the id index, for comparing two builds. */
  const facts = (tree: TraceTree) => ({
    nodes: tree.nodes.map((n) => ({ ...n, span: n.span.spanId })),
    index: [...tree.nodes].map((n) => [n.span.spanId, tree.indexBySpanId.get(n.span.spanId)]),
    visible: visibleIds(tree),
    services: tree.services,
    errorCount: tree.errorCount,
    spanCount: tree.spanCount,
    scaleMs: tree.scaleMs,
  });

  /** The tree from ids (the reference, hand-checked above) and from `packedParentIndexes`, of the same unpacked spans. */
  const bothWays = (spans: SkeletonSpan[], collapsed: string[] = []) => {
    const packed = packSkeleton(skeleton(spans));
    const unpacked = unpackSkeleton(packed);
    return [facts(new TraceTree(unpacked, new Set(collapsed))), facts(new TraceTree(unpacked, new Set(collapsed), packedParentIndexes(packed)))];
  };

  it('builds the same rows as from the parent ids: placeholders, a cycle, a self-parent, collapsed rows', () => {
    for (const [spans, collapsed] of [
      [SPANS, []],
      [SPANS, ['a', 'gone']],
      [[span('root', null, 0, 10), span('x', 'y', 1, 1), span('y', 'x', 2, 1)], []],
      [[span('root', null, 0, 10), span('self', 'self', 1, 1)], []],
      [[], []],
    ] as const) {
      const [byId, byIndex] = bothWays([...spans], [...collapsed]);
      expect(byIndex).toEqual(byId);
    }
  });

  it('builds the same rows for 2,000 random spans with missing parents and ties in start time', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const spans: SkeletonSpan[] = [];
    for (let i = 0; i < 2000; i++) {
      const parent = i === 0 ? null : random() < 0.05 ? `missing${Math.floor(random() * 5)}` : `s${Math.floor(random() * i)}`;
      spans.push(span(`s${i}`, parent, Math.floor(random() * 50), Math.floor(random() * 20), random() < 0.5 ? 'api' : 'db', random() < 0.1 ? 'error' : 'unset'));
    }
    const [byId, byIndex] = bothWays(spans, ['s1', 's17', 'missing2']);
    expect(byIndex.nodes.filter((n) => n.placeholder).length).toBeGreaterThan(0);
    expect(byIndex).toEqual(byId);
  });

  it('reads the packed parents: list indexes, ROOT_PARENT for no parent, MISSING_PARENT for a parent not in the trace', () => {
    const packed = packSkeleton(skeleton(SPANS));
    const ids = unpackSkeleton(packed).spans.map((s) => s.spanId);
    const parents = [...packedParentIndexes(packed)].map((p) => (p >= 0 ? ids[p] : p));
    expect(Object.fromEntries(ids.map((id, i) => [id, parents[i]]))).toEqual({ r: ROOT_PARENT, a: 'r', a1: 'a', b: 'r', o: MISSING_PARENT, o2: MISSING_PARENT });
  });
});
