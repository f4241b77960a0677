/**
 * Where Find, F8 and the model-call keys go, as pure functions of the tree (no DOM, unit-tested in
 * Node): the matching spans of a Find in display order, the next or previous one from a position
 * (wrapping), and the next or previous span that satisfies a predicate (an error span, a model call).
 *
 * Display order is the tree's pre-order (`TraceTree.nodes`): the order of the rows with every
 * subtree expanded, so stepping visits spans hidden under collapsed rows too (the waterfall then
 * expands their ancestors, `TraceTree.revealNode`). Missing-parent placeholders never match.
 */
import type { SpanId } from '../../src/model/trace';
import type { TraceTree, TreeNode } from './tree';

/** `FindMatches.flags` bit: the node itself matches. */
export const FIND_MATCH = 1;
/** `FindMatches.flags` bit: some descendant (not the node itself) matches (shown on collapsed rows). */
export const FIND_INSIDE = 2;

/** Longest query the find bar takes, in characters. */
export const FIND_MAX_QUERY_LENGTH = 1000;

/** Which way to step: 1 = next (down the rows), -1 = previous. */
export type Direction = 1 | -1;

/**
 * The spans a Find matched, mapped onto one tree: `nodes` are pre-order node indexes, ascending
 * and distinct; `flags[node]` has `FIND_MATCH` and/or `FIND_INSIDE`. Build a new one for every
 * tree (node indexes change when the trace grows); `spanIds` keeps what the back end answered.
 */
export class FindMatches {
  readonly nodes: readonly number[];
  readonly flags: Uint8Array;

  /**
   * `spanIds`: matching span ids in any order (the back end answers in start-time order); ids not
   * in `tree` (spans that arrived after the tree was built, or were evicted) and placeholders are
   * left out, repeated ids count once. O(matches × depth).
   */
  constructor(
    /** The tree the node indexes refer to. */
    readonly tree: TraceTree,
    readonly spanIds: readonly SpanId[],
  ) {
    const flags = new Uint8Array(tree.size);
    const nodes: number[] = [];
    for (const id of spanIds) {
      const node = tree.indexBySpanId.get(id);
      if (node === undefined || tree.nodes[node]!.placeholder || flags[node]! & FIND_MATCH) continue;
      flags[node]! |= FIND_MATCH;
      nodes.push(node);
      for (let p = tree.nodes[node]!.parent; p >= 0 && !(flags[p]! & FIND_INSIDE); p = tree.nodes[p]!.parent) flags[p]! |= FIND_INSIDE;
    }
    nodes.sort((a, b) => a - b);
    this.nodes = nodes;
    this.flags = flags;
  }

  get count(): number {
    return this.nodes.length;
  }

  isMatch(node: number): boolean {
    return node >= 0 && ((this.flags[node] ?? 0) & FIND_MATCH) !== 0;
  }

  /** 1-based position of `node` among the matches (display order), 0 when it is not a match. */
  positionOf(node: number): number {
    if (!this.isMatch(node)) return 0;
    return lowerBound(this.nodes, node) + 1;
  }

  /**
   * The match after (`direction` 1) or before (-1) `from` (a node index, -1 for none: then the
   * first or the last match), wrapping around at either end; -1 when nothing matches. `from`
   * itself is never the answer unless it is the only match.
   */
  step(from: number, direction: Direction): number {
    const n = this.nodes.length;
    if (n === 0) return -1;
    if (from < 0) return direction === 1 ? this.nodes[0]! : this.nodes[n - 1]!;
    if (direction === 1) {
      const i = lowerBound(this.nodes, from + 1);
      return this.nodes[i < n ? i : 0]!;
    }
    const i = lowerBound(this.nodes, from) - 1;
    return this.nodes[i >= 0 ? i : n - 1]!;
  }
}

/**
 * The next (`direction` 1) or previous (-1) node in display order after `from` (-1: start from the
 * top, or from the bottom going back) that satisfies `test`, wrapping around; `from` itself comes
 * last (it is the answer only when it is the only such node); -1 when there is none. O(nodes).
 */
export function stepWhere(tree: TraceTree, from: number, direction: Direction, test: (node: TreeNode) => boolean): number {
  const n = tree.size;
  if (n === 0) return -1;
  const start = from < 0 || from >= n ? (direction === 1 ? n - 1 : 0) : from;
  for (let k = 1; k <= n; k++) {
    const i = (((start + direction * k) % n) + n) % n;
    if (test(tree.nodes[i]!)) return i;
  }
  return -1;
}

/**
 * `node`'s 1-based position among the nodes that satisfy `test` (display order) and how many do:
 * for "Error span 2 of 5". `position` is 0 when `node` does not satisfy `test`.
 */
export function positionWhere(tree: TraceTree, node: number, test: (node: TreeNode) => boolean): { position: number; total: number } {
  let total = 0;
  let position = 0;
  for (let i = 0; i < tree.size; i++) {
    if (!test(tree.nodes[i]!)) continue;
    total++;
    if (i === node) position = total;
  }
  return { position, total };
}

/** An error span (F8): status error, or an `exception` event. Never a missing-parent placeholder. */
export function isErrorSpan(node: TreeNode): boolean {
  return !node.placeholder && (node.span.statusCode === 'error' || node.span.hasException);
}

/**
 * A model call (`]` / `[`): a span whose GenAI badge is an LLM call, leaving out wrappers whose
 * usage repeats their child calls' (`usageIsAggregate`), as the Conversation tab does.
 */
export function isModelCall(node: TreeNode): boolean {
  const g = node.span.genai;
  return !node.placeholder && g?.kind === 'llm' && !g.usageIsAggregate;
}

/** First index of `sorted` (ascending) whose value is ≥ `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
