/**
 * Keyboard navigation of the waterfall's tree (WAI-ARIA tree pattern), as a pure function of the
 * tree, the selected node and the key: which node to select, which subtree to expand or collapse.
 * The waterfall (waterfall.ts) carries the action out; no DOM here, so it is unit-tested in Node.
 *
 * - ArrowDown / ArrowUp: next / previous visible row; Home / End: first / last row;
 *   PageDown / PageUp: `pageRows` rows down / up (clamped to the rows there are).
 * - ArrowRight: expands a collapsed node, else moves to its first child.
 * - ArrowLeft: collapses an expanded node, else moves to its parent.
 * - Enter: selects the node again and activates it (Go to Source).
 * - Space: expands or collapses the node. `*`: expands the node and all its siblings.
 * - With nothing selected, every navigation key selects the first row.
 */
import type { TraceTree } from './tree';

/** What a key does to the tree (`node`s are pre-order indexes of `TraceTree.nodes`). */
export type TreeKeyAction =
  /** Select `node` (and scroll it into view). */
  | { kind: 'select'; node: number }
  /** Set `node`'s collapse state (`collapsed`), or flip it when left out. */
  | { kind: 'toggle'; node: number; collapsed?: boolean }
  /** Enter on the selected `node`. */
  | { kind: 'activate'; node: number }
  /** `*`: expand every child of `parent` (-1: every top-level row). */
  | { kind: 'expandSiblings'; parent: number }
  /** A navigation key with nothing to do here (the key is still consumed). */
  | { kind: 'none' };

/**
 * The action of `key` (a `KeyboardEvent.key`) with `selected` (a node index, or -1) selected;
 * `null` when the key is not a tree key or the tree shows no rows. `pageRows`: rows per page.
 */
export function treeKeyAction(tree: TraceTree, selected: number, key: string, pageRows: number): TreeKeyAction | null {
  if (tree.visibleCount === 0) return null;
  const row = selected >= 0 ? tree.rowOfNode(selected) : -1;
  const n = selected >= 0 ? tree.nodes[selected]! : null;
  const goRow = (r: number): TreeKeyAction => ({ kind: 'select', node: tree.nodeAtRow(Math.min(tree.visibleCount - 1, Math.max(0, r))) });
  switch (key) {
    case 'ArrowDown':
      return goRow(row < 0 ? 0 : row + 1);
    case 'ArrowUp':
      return goRow(row < 0 ? 0 : row - 1);
    case 'Home':
      return goRow(0);
    case 'End':
      return goRow(tree.visibleCount - 1);
    case 'PageDown':
      return goRow(row < 0 ? 0 : row + pageRows);
    case 'PageUp':
      return goRow(row < 0 ? 0 : row - pageRows);
    case 'ArrowRight':
      if (!n) return goRow(0);
      if (n.childCount > 0 && tree.isCollapsed(selected)) return { kind: 'toggle', node: selected, collapsed: false };
      if (n.childCount > 0) return goRow(row + 1);
      return { kind: 'none' };
    case 'ArrowLeft':
      if (!n) return goRow(0);
      if (n.childCount > 0 && !tree.isCollapsed(selected)) return { kind: 'toggle', node: selected, collapsed: true };
      if (n.parent >= 0) return { kind: 'select', node: n.parent };
      return { kind: 'none' };
    case 'Enter':
      return n ? { kind: 'activate', node: selected } : goRow(0);
    case ' ':
      if (n && n.childCount > 0) return { kind: 'toggle', node: selected };
      return n ? { kind: 'none' } : goRow(0);
    case '*':
      return n ? { kind: 'expandSiblings', parent: n.parent } : { kind: 'none' };
    default:
      return null;
  }
}
