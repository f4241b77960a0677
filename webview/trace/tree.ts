/**
 * The waterfall's tree model: built once per `traceLoaded` from `parentSpanId`, in one linear
 * pass plus a sort of siblings; collapse/expand recompute the visible rows in one pass that skips
 * collapsed subtrees (so the cost is O(visible rows), never O(spans × depth)).
 *
 * Invariants:
 * - `nodes` is in pre-order (a parent precedes its subtree; siblings by start time), so a node's
 *   subtree is the contiguous range `[index + 1, subtreeEnd)`, and `visible` is sorted ascending.
 * - A span whose parent is not in the trace (not arrived yet, or dropped) is top-level with
 *   `missingParent = true`. Parent cycles (malformed data) are broken the same way.
 * - Collapse state is kept by span id by the owner, so it survives a rebuild.
 */
import type { SkeletonSpan, SpanId, TraceSkeleton } from '../../src/model/trace';

export interface TreeNode {
  /** Position in `TraceTree.nodes` (pre-order). */
  readonly index: number;
  readonly span: SkeletonSpan;
  /** 0 for top-level rows. */
  readonly depth: number;
  /** Pre-order index of the parent row, or -1 at top level. */
  readonly parent: number;
  readonly childCount: number;
  /** One past the last pre-order index of this node's subtree. */
  readonly subtreeEnd: number;
  /** 1-based position among siblings, and the sibling count (for aria-posinset/setsize). */
  readonly posInSet: number;
  readonly setSize: number;
  /** The span names a parent that is not in this trace (or forms a cycle). */
  readonly missingParent: boolean;
  /** Index into the service palette, by first appearance in pre-order. */
  readonly serviceIndex: number;
  /** The service differs from the parent row's (or, at top level, from the first root's). */
  readonly showService: boolean;
  /** Some descendant (not the node itself) has status error: shown when collapsed. */
  readonly descendantError: boolean;
}

export class TraceTree {
  readonly nodes: TreeNode[];
  /** Span id → pre-order index (the first span when ids repeat). */
  readonly indexBySpanId: Map<SpanId, number>;
  /** Distinct service names, in palette order. */
  readonly services: string[];
  /** Time axis length in ms: the trace duration, stretched to cover every span. */
  readonly scaleMs: number;
  readonly errorCount: number;
  /** 1 = collapsed, per pre-order index. */
  private readonly collapsedFlags: Uint8Array;
  private visibleRows: Int32Array;
  private visibleLength = 0;

  constructor(readonly trace: TraceSkeleton, collapsedIds: ReadonlySet<SpanId>) {
    const spans = trace.spans;
    const n = spans.length;
    const firstIndexById = new Map<SpanId, number>();
    for (let i = 0; i < n; i++) if (!firstIndexById.has(spans[i]!.spanId)) firstIndexById.set(spans[i]!.spanId, i);

    // Children lists in input order; input is "ordered by start time" but sort defensively.
    const children: number[][] = new Array(n);
    const roots: number[] = [];
    const missing = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = spans[i]!.parentSpanId;
      const pi = p === null ? undefined : firstIndexById.get(p);
      if (pi === undefined || pi === i) {
        roots.push(i);
        if (p !== null) missing[i] = 1;
      } else {
        (children[pi] ??= []).push(i);
      }
    }
    const byStart = (a: number, b: number) => spans[a]!.startOffsetMs - spans[b]!.startOffsetMs || a - b;
    sortIfNeeded(roots, spans, byStart);
    for (const list of children) if (list) sortIfNeeded(list, spans, byStart);

    // Iterative pre-order DFS; anything unreached afterwards sits on a parent cycle.
    const order: number[] = [];
    const parentOf: number[] = [];
    const depthOf: number[] = [];
    const posOf: number[] = [];
    const sizeOf: number[] = [];
    const visited = new Uint8Array(n);
    const walk = (start: number, pos: number, setSize: number) => {
      const stack: Array<[span: number, parentOrder: number, depth: number, pos: number, setSize: number]> = [[start, -1, 0, pos, setSize]];
      while (stack.length) {
        const [s, parentOrder, depth, p, size] = stack.pop()!;
        if (visited[s]) continue;
        visited[s] = 1;
        const me = order.length;
        order.push(s);
        parentOf.push(parentOrder);
        depthOf.push(depth);
        posOf.push(p);
        sizeOf.push(size);
        const kids = children[s];
        if (kids) {
          const live = kids.filter((k) => !visited[k]);
          for (let k = live.length - 1; k >= 0; k--) stack.push([live[k]!, me, depth + 1, k + 1, live.length]);
        }
      }
    };
    const topLevel: number[] = [...roots];
    for (let r = 0; r < roots.length; r++) walk(roots[r]!, r + 1, roots.length);
    if (order.length < n) {
      for (let i = 0; i < n; i++) {
        if (visited[i]) continue;
        // Climb to a node on the cycle, so only the cycle is broken and chains below it stay.
        const seen = new Set<number>();
        let c = i;
        while (!seen.has(c)) {
          seen.add(c);
          const p = spans[c]!.parentSpanId;
          const pi = p === null ? undefined : firstIndexById.get(p);
          if (pi === undefined || visited[pi]) break;
          c = pi;
        }
        missing[c] = 1;
        topLevel.push(c);
        walk(c, topLevel.length, topLevel.length);
      }
    }

    // Subtree ends and descendant errors: one reverse pass over pre-order.
    const m = order.length;
    const subtreeSize = new Int32Array(m).fill(1);
    const descErr = new Uint8Array(m);
    for (let o = m - 1; o > 0; o--) {
      const p = parentOf[o]!;
      if (p >= 0) {
        subtreeSize[p]! += subtreeSize[o]!;
        if (descErr[o] || spans[order[o]!]!.statusCode === 'error') descErr[p] = 1;
      }
    }

    const serviceIndex = new Map<string, number>();
    const firstRootService = m ? spans[order[0]!]!.serviceName : '';
    this.indexBySpanId = new Map();
    this.nodes = new Array(m);
    let errorCount = 0;
    let scaleMs = Math.max(0, trace.durationMs || 0);
    for (let o = 0; o < m; o++) {
      const span = spans[order[o]!]!;
      if (!this.indexBySpanId.has(span.spanId)) this.indexBySpanId.set(span.spanId, o);
      let svc = serviceIndex.get(span.serviceName);
      if (svc === undefined) serviceIndex.set(span.serviceName, (svc = serviceIndex.size));
      const p = parentOf[o]!;
      const parentService = p >= 0 ? spans[order[p]!]!.serviceName : firstRootService;
      if (span.statusCode === 'error') errorCount++;
      const end = Math.max(0, span.startOffsetMs) + Math.max(0, span.durationMs);
      if (end > scaleMs) scaleMs = end;
      this.nodes[o] = {
        index: o,
        span,
        depth: depthOf[o]!,
        parent: p,
        childCount: 0,
        subtreeEnd: o + subtreeSize[o]!,
        posInSet: posOf[o]!,
        setSize: sizeOf[o]!,
        missingParent: missing[order[o]!] === 1,
        serviceIndex: svc,
        showService: span.serviceName !== '' && span.serviceName !== parentService,
        descendantError: descErr[o] === 1,
      };
    }
    for (let o = 0; o < m; o++) {
      const p = parentOf[o]!;
      if (p >= 0) (this.nodes[p] as { childCount: number }).childCount++;
    }
    this.services = [...serviceIndex.keys()];
    this.scaleMs = scaleMs;
    this.errorCount = errorCount;

    this.collapsedFlags = new Uint8Array(m);
    for (const id of collapsedIds) {
      const o = this.indexBySpanId.get(id);
      if (o !== undefined && this.nodes[o]!.childCount > 0) this.collapsedFlags[o] = 1;
    }
    this.visibleRows = new Int32Array(m);
    this.recomputeVisible();
  }

  get size(): number {
    return this.nodes.length;
  }

  /** Number of rows currently shown. */
  get visibleCount(): number {
    return this.visibleLength;
  }

  /** Pre-order node index shown at `row`. */
  nodeAtRow(row: number): number {
    return this.visibleRows[row]!;
  }

  /** Row of a node, or -1 when an ancestor is collapsed. Binary search: `visible` is ascending. */
  rowOfNode(node: number): number {
    let lo = 0;
    let hi = this.visibleLength - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.visibleRows[mid]!;
      if (v === node) return mid;
      if (v < node) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  isCollapsed(node: number): boolean {
    return this.collapsedFlags[node] === 1;
  }

  /** Span ids of collapsed nodes (for persistence). */
  collapsedSpanIds(): SpanId[] {
    const out: SpanId[] = [];
    for (let o = 0; o < this.collapsedFlags.length; o++) if (this.collapsedFlags[o]) out.push(this.nodes[o]!.span.spanId);
    return out;
  }

  /** Sets one node's collapse state; returns `true` when something changed. */
  setCollapsed(node: number, collapsed: boolean): boolean {
    const n = this.nodes[node];
    if (!n || n.childCount === 0 || this.isCollapsed(node) === collapsed) return false;
    this.collapsedFlags[node] = collapsed ? 1 : 0;
    this.recomputeVisible();
    return true;
  }

  /** Expands (`false`) or collapses (`true`) every node that has children. */
  setAllCollapsed(collapsed: boolean): void {
    for (let o = 0; o < this.nodes.length; o++) this.collapsedFlags[o] = collapsed && this.nodes[o]!.childCount > 0 ? 1 : 0;
    this.recomputeVisible();
  }

  /** Expands every ancestor of `node` so it becomes visible; returns `true` when something changed. */
  revealNode(node: number): boolean {
    let changed = false;
    for (let p = this.nodes[node]?.parent ?? -1; p >= 0; p = this.nodes[p]!.parent) {
      if (this.collapsedFlags[p]) {
        this.collapsedFlags[p] = 0;
        changed = true;
      }
    }
    if (changed) this.recomputeVisible();
    return changed;
  }

  /** One pass over pre-order, jumping over collapsed subtrees. */
  private recomputeVisible(): void {
    const nodes = this.nodes;
    const flags = this.collapsedFlags;
    const out = this.visibleRows;
    let len = 0;
    for (let o = 0; o < nodes.length; ) {
      out[len++] = o;
      o = flags[o] ? nodes[o]!.subtreeEnd : o + 1;
    }
    this.visibleLength = len;
  }
}

function sortIfNeeded(list: number[], spans: SkeletonSpan[], cmp: (a: number, b: number) => number): void {
  for (let i = 1; i < list.length; i++) {
    if (spans[list[i - 1]!]!.startOffsetMs > spans[list[i]!]!.startOffsetMs) {
      list.sort(cmp);
      return;
    }
  }
}
