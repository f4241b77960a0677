/**
 * Keyboard navigation of the waterfall (webview/trace/treeNavigation.ts, WAI-ARIA tree pattern):
 * which row each key selects and which subtree it opens or closes, on a small tree whose rows are
 * worked out by hand. The browser checks (test/webview) drive the same keys in Chromium.
 */
import { describe, expect, it } from 'vitest';
import type { SkeletonSpan } from '../../../src/model/trace';
import { TraceTree } from '../../../webview/trace/tree';
import { treeKeyAction, type TreeKeyAction } from '../../../webview/trace/treeNavigation';

function span(spanId: string, parentSpanId: string | null, startOffsetMs: number): SkeletonSpan {
  return { spanId, parentSpanId, name: spanId, kind: 'internal', statusCode: 'unset', serviceName: 'svc', startOffsetMs, durationMs: 1, eventCount: 0, hasException: false };
}

/**
 * Rows (pre-order = row order when nothing is collapsed):
 *
 *   0 root
 *   1   a
 *   2     a1
 *   3     a2
 *   4   b
 *   5 other      (a second top-level span)
 */
function makeTree(collapsed: string[] = []): TraceTree {
  const spans = [span('root', null, 0), span('a', 'root', 1), span('a1', 'a', 2), span('a2', 'a', 3), span('b', 'root', 4), span('other', null, 5)];
  return new TraceTree({ traceId: 't', startTimeUnixNano: '0', durationMs: 10, spans }, new Set(collapsed));
}

/** Runs `key` with `selectedId` selected (null: nothing) and names the nodes in the action. */
function press(tree: TraceTree, selectedId: string | null, key: string, pageRows = 3): unknown {
  const selected = selectedId === null ? -1 : tree.indexBySpanId.get(selectedId)!;
  const action: TreeKeyAction | null = treeKeyAction(tree, selected, key, pageRows);
  const id = (i: number) => (i < 0 ? null : tree.nodes[i]!.span.spanId);
  if (!action) return null;
  switch (action.kind) {
    case 'select':
      return ['select', id(action.node)];
    case 'toggle':
      return ['toggle', id(action.node), action.collapsed];
    case 'activate':
      return ['activate', id(action.node)];
    case 'expandSiblings':
      return ['expandSiblings', id(action.parent)];
    case 'none':
      return ['none'];
  }
}

describe('treeKeyAction', () => {
  it('moves down and up one visible row, stopping at the ends', () => {
    const tree = makeTree();
    expect(press(tree, 'root', 'ArrowDown')).toEqual(['select', 'a']);
    expect(press(tree, 'a2', 'ArrowDown')).toEqual(['select', 'b']);
    expect(press(tree, 'other', 'ArrowDown')).toEqual(['select', 'other']);
    expect(press(tree, 'b', 'ArrowUp')).toEqual(['select', 'a2']);
    expect(press(tree, 'root', 'ArrowUp')).toEqual(['select', 'root']);
  });

  it('skips the rows of a collapsed subtree', () => {
    const tree = makeTree(['a']);
    expect(press(tree, 'a', 'ArrowDown')).toEqual(['select', 'b']);
    expect(press(tree, 'b', 'ArrowUp')).toEqual(['select', 'a']);
  });

  it('Home and End go to the first and last visible rows', () => {
    expect(press(makeTree(), 'b', 'Home')).toEqual(['select', 'root']);
    expect(press(makeTree(), 'a', 'End')).toEqual(['select', 'other']);
    expect(press(makeTree(['root']), 'root', 'End')).toEqual(['select', 'other']);
  });

  it('PageDown and PageUp move a page of rows, clamped to the list', () => {
    const tree = makeTree();
    expect(press(tree, 'root', 'PageDown', 3)).toEqual(['select', 'a2']);
    expect(press(tree, 'a2', 'PageDown', 3)).toEqual(['select', 'other']);
    expect(press(tree, 'other', 'PageUp', 3)).toEqual(['select', 'a1']);
    expect(press(tree, 'a1', 'PageUp', 3)).toEqual(['select', 'root']);
  });

  it('ArrowRight expands a collapsed row, then moves to its first child; does nothing on a leaf', () => {
    expect(press(makeTree(['a']), 'a', 'ArrowRight')).toEqual(['toggle', 'a', false]);
    expect(press(makeTree(), 'a', 'ArrowRight')).toEqual(['select', 'a1']);
    expect(press(makeTree(), 'a1', 'ArrowRight')).toEqual(['none']);
  });

  it('ArrowLeft collapses an expanded row, else moves to the parent; does nothing on a top-level leaf', () => {
    expect(press(makeTree(), 'a', 'ArrowLeft')).toEqual(['toggle', 'a', true]);
    expect(press(makeTree(), 'a2', 'ArrowLeft')).toEqual(['select', 'a']);
    expect(press(makeTree(['a']), 'a', 'ArrowLeft')).toEqual(['select', 'root']);
    expect(press(makeTree(), 'other', 'ArrowLeft')).toEqual(['none']);
    expect(press(makeTree(['root']), 'root', 'ArrowLeft')).toEqual(['none']);
  });

  it('Enter activates the selected row (Go to Source)', () => {
    expect(press(makeTree(), 'b', 'Enter')).toEqual(['activate', 'b']);
  });

  it('Space toggles a row with children and does nothing on a leaf', () => {
    expect(press(makeTree(), 'a', ' ')).toEqual(['toggle', 'a', undefined]);
    expect(press(makeTree(), 'b', ' ')).toEqual(['none']);
  });

  it('* expands the selected row and its siblings (the children of its parent)', () => {
    expect(press(makeTree(), 'a', '*')).toEqual(['expandSiblings', 'root']);
    expect(press(makeTree(), 'root', '*')).toEqual(['expandSiblings', null]);
  });

  it('with nothing selected, navigation keys select the first row', () => {
    const tree = makeTree();
    for (const key of ['ArrowDown', 'ArrowUp', 'Home', 'PageDown', 'PageUp', 'ArrowRight', 'ArrowLeft', 'Enter', ' ']) {
      expect(press(tree, null, key), key).toEqual(['select', 'root']);
    }
    expect(press(tree, null, 'End')).toEqual(['select', 'other']);
    expect(press(tree, null, '*')).toEqual(['none']);
  });

  it('leaves other keys alone, and does nothing on an empty tree', () => {
    expect(press(makeTree(), 'a', 'x')).toBeNull();
    expect(press(makeTree(), 'a', 'Tab')).toBeNull();
    const empty = new TraceTree({ traceId: 't', startTimeUnixNano: '0', durationMs: 0, spans: [] }, new Set());
    expect(treeKeyAction(empty, -1, 'ArrowDown', 3)).toBeNull();
  });
});
