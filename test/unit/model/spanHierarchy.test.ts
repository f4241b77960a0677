/**
 * The span hierarchy the Traces tree shows (src/model/spanHierarchy.ts; the webview's waterfall
 * uses the same placeholders, checked in test/webview): children before parents, parents that
 * never arrive (one "missing parent" placeholder per missing id), cycles, nothing lost.
 */
import { describe, expect, it } from 'vitest';
import { MISSING_PARENT_NAME, buildHierarchy, missingParentPlaceholders } from '../../../src/model/spanHierarchy';
import type { SkeletonSpan } from '../../../src/model/trace';

const span = (spanId: string, parentSpanId: string | null, startOffsetMs: number, durationMs = 1): SkeletonSpan => ({
  spanId,
  parentSpanId,
  name: `span ${spanId}`,
  kind: 'internal',
  statusCode: 'unset',
  serviceName: 'svc',
  startOffsetMs,
  durationMs,
  eventCount: 0,
  hasException: false,
});

const ids = (list: readonly SkeletonSpan[] | undefined) => (list ?? []).map((s) => s.spanId);

/** Every span id reachable from the roots and placeholders, each once. */
function shown(h: ReturnType<typeof buildHierarchy>): string[] {
  const out: string[] = [];
  const visit = (s: SkeletonSpan, real: boolean) => {
    if (real) out.push(s.spanId);
    for (const c of h.children.get(s.spanId) ?? []) visit(c, true);
  };
  for (const r of h.roots) visit(r, true);
  for (const m of h.missingParents) visit(m, false);
  return out.sort();
}

describe('buildHierarchy', () => {
  it('nests children listed before their parents', () => {
    const h = buildHierarchy([span('g', 'c', 3), span('c', 'r', 2), span('r', null, 0)]);
    expect(ids(h.roots)).toEqual(['r']);
    expect(ids(h.children.get('r'))).toEqual(['c']);
    expect(ids(h.children.get('c'))).toEqual(['g']);
    expect(h.missingParents).toEqual([]);
  });

  it('puts spans whose parent never arrived under one placeholder per missing parent, spanning their time', () => {
    const h = buildHierarchy([span('r', null, 0), span('o1', 'gone-a', 5, 2), span('o2', 'gone-a', 3, 10), span('o3', 'gone-b', 20), span('k', 'o1', 6)]);
    expect(ids(h.roots)).toEqual(['r']);
    expect(h.missingParents.map((m) => [m.spanId, m.name, m.parentSpanId, m.startOffsetMs, m.durationMs])).toEqual([
      ['gone-a', MISSING_PARENT_NAME, null, 3, 10],
      ['gone-b', MISSING_PARENT_NAME, null, 20, 1],
    ]);
    expect(ids(h.children.get('gone-a'))).toEqual(['o1', 'o2']);
    expect(ids(h.children.get('gone-b'))).toEqual(['o3']);
    expect(ids(h.children.get('o1'))).toEqual(['k']);
    expect(shown(h)).toEqual(['k', 'o1', 'o2', 'o3', 'r']);
  });

  it('a trace whose root never arrived: all of it under the placeholder', () => {
    const h = buildHierarchy([span('a', 'root', 1), span('b', 'a', 2)]);
    expect(h.roots).toEqual([]);
    expect(ids(h.missingParents)).toEqual(['root']);
    expect(shown(h)).toEqual(['a', 'b']);
  });

  it('the placeholder disappears when the parent arrives', () => {
    expect(missingParentPlaceholders([span('o', 'p', 1)])).toHaveLength(1);
    expect(missingParentPlaceholders([span('o', 'p', 1), span('p', null, 0)])).toEqual([]);
  });

  it('parent cycles and self-parents lose no span and loop nowhere', () => {
    const h = buildHierarchy([span('a', 'b', 0), span('b', 'a', 1), span('c', 'a', 2), span('self', 'self', 3), span('r', null, 4)]);
    expect(shown(h)).toEqual(['a', 'b', 'c', 'r', 'self']);
    expect(h.missingParents).toEqual([]);
    expect(h.roots.length).toBe(3); // r, self, and one span of the a↔b cycle
  });
});
