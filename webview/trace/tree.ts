/**
 * The waterfall's tree model: built once per `traceLoaded` from `parentSpanId`, in one linear
 * pass plus a sort of siblings; collapse/expand recompute the visible rows in one pass that skips
 * collapsed subtrees (so the cost is O(visible rows), never O(spans × depth)).
 *
 * Invariants:
 * - `nodes` is in pre-order (a parent precedes its subtree; siblings by start time), so a node's
 *   subtree is the contiguous range `[index + 1, subtreeEnd)`, and `visible` is sorted ascending.
 * - A span whose parent is not in the trace (not arrived yet, or dropped) hangs under a
 *   placeholder row for that parent (`placeholder = true`, one per missing parent id, spanning its
 *   children's time), so orphans stay grouped and the gap is explicit. Parent cycles (malformed
 *   data) are broken at one span, which becomes top-level with `missingParent = true`.
 * - Collapse state is kept by span id by the owner, so it survives a rebuild.
 */
import type { SkeletonSpan, SpanId, TraceSkeleton } from '../../src/model/trace';
import { missingParentPlaceholders } from '../../src/model/spanHierarchy';
import { MISSING_PARENT } from '../../src/model/skeletonCodec';

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
  /** The span's parent chain forms a cycle (malformed data): it was made top-level. */
  readonly missingParent: boolean;
  /**
   * Not a span: the placeholder for a parent span that is not in the trace (`span.spanId` is the
   * missing id); its children are the spans that name it. Has no details to load.
   */
  readonly placeholder: boolean;
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
  /** Spans in the trace (placeholders not counted). */
  readonly spanCount: number;
  /** 1 = collapsed, per pre-order index. */
  private readonly collapsedFlags: Uint8Array;
  private visibleRows: Int32Array;
  private visibleLength = 0;

  /**
   * @param trace the spans, in any order (sorted by start here when they are not).
   * @param collapsedIds spans to show collapsed.
   * @param parentIndexes each span's parent as an index into `trace.spans`, `ROOT_PARENT` or
   *   `MISSING_PARENT` (not in the trace), as the packed skeleton carries them (`packedParentIndexes`);
   *   span ids are then unique (the store's primary key). Without them parents are found by id.
   */
  constructor(readonly trace: TraceSkeleton, collapsedIds: ReadonlySet<SpanId>, parentIndexes?: Int32Array) {
    const realCount = trace.spans.length;
    const given = parentIndexes?.length === realCount ? parentIndexes : undefined;
    // Span id → array index: of the placeholders only when the parents are given (an index of 10k
    // fresh id strings costs ~10 ms in a fresh page), else of every span (the first when ids repeat).
    const firstIndexById = new Map<SpanId, number>();
    let placeholders: SkeletonSpan[];
    if (given) {
      const missingIds = new Set<SpanId>();
      for (let i = 0; i < realCount; i++) {
        const p = trace.spans[i]!.parentSpanId;
        if (given[i] === MISSING_PARENT && p !== null) missingIds.add(p);
      }
      placeholders = missingIds.size > 0 ? missingParentPlaceholders(trace.spans, { has: (id) => !missingIds.has(id) }) : [];
    } else {
      for (let i = 0; i < realCount; i++) {
        const id = trace.spans[i]!.spanId;
        if (!firstIndexById.has(id)) firstIndexById.set(id, i);
      }
      placeholders = missingParentPlaceholders(trace.spans, firstIndexById);
    }
    for (let j = 0; j < placeholders.length; j++) firstIndexById.set(placeholders[j]!.spanId, realCount + j);
    const spans = placeholders.length > 0 ? [...trace.spans, ...placeholders] : trace.spans;
    this.spanCount = realCount;
    const n = spans.length;

    // Visit spans by start time (the skeleton promises that order; sort only when it is broken),
    // so children and roots come out sorted without per-list sorts.
    let byStart: Int32Array | null = null;
    for (let i = 1; i < n; i++) {
      if (spans[i - 1]!.startOffsetMs > spans[i]!.startOffsetMs) {
        byStart = Int32Array.from({ length: n }, (_, k) => k).sort(
          (a, b) => spans[a]!.startOffsetMs - spans[b]!.startOffsetMs || a - b,
        );
        break;
      }
    }
    const at = (k: number) => (byStart ? byStart[k]! : k);

    // Parent per span (-1 = top level); children as one flat list per parent (CSR layout).
    const parentOf = new Int32Array(n);
    const missing = new Uint8Array(n);
    const kidCount = new Int32Array(n);
    let rootCount = 0;
    for (let i = 0; i < n; i++) {
      const p = spans[i]!.parentSpanId;
      const g = given && i < realCount ? given[i]! : MISSING_PARENT;
      const pi = g >= 0 ? g : p === null ? undefined : firstIndexById.get(p);
      if (pi === undefined || pi === i) {
        parentOf[i] = -1;
        rootCount++;
        if (p !== null) missing[i] = 1;
      } else {
        parentOf[i] = pi;
        kidCount[pi]!++;
      }
    }
    const kidStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) kidStart[i + 1] = kidStart[i]! + kidCount[i]!;
    const kids = new Int32Array(kidStart[n]!);
    const fill = kidStart.slice(0, n);
    const posBySpan = new Int32Array(n);
    const topLevel: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = at(k);
      const p = parentOf[i]!;
      if (p < 0) {
        topLevel.push(i);
        posBySpan[i] = topLevel.length;
      } else {
        posBySpan[i] = fill[p]! - kidStart[p]! + 1;
        kids[fill[p]!++] = i;
      }
    }

    // Iterative pre-order DFS. `order[o]` is the span at pre-order position `o`.
    const order = new Int32Array(n);
    const orderOf = new Int32Array(n).fill(-1);
    const parentOrder = new Int32Array(n);
    const depthOf = new Int32Array(n);
    const setSizeOf = new Int32Array(n);
    const stack = new Int32Array(n);
    let m = 0;
    const walk = (start: number, setSize: number) => {
      let sp = 0;
      stack[sp++] = start;
      setSizeOf[start] = setSize;
      while (sp > 0) {
        const s = stack[--sp]!;
        if (orderOf[s]! >= 0) continue;
        const o = m++;
        order[o] = s;
        orderOf[s] = o;
        const p = parentOf[s]!;
        const po = p >= 0 && s !== start ? orderOf[p]! : -1;
        parentOrder[o] = po;
        depthOf[o] = po >= 0 ? depthOf[po]! + 1 : 0;
        const from = kidStart[s]!;
        const to = kidStart[s + 1]!;
        for (let c = to - 1; c >= from; c--) {
          const kid = kids[c]!;
          if (orderOf[kid]! < 0) {
            setSizeOf[kid] = to - from;
            stack[sp++] = kid;
          }
        }
      }
    };
    for (const r of topLevel) walk(r, rootCount);
    if (m < n) {
      // Whatever is left hangs off a parent cycle (malformed data): break each cycle at one
      // span, so chains below it keep their shape.
      for (let i = 0; i < n; i++) {
        if (orderOf[i]! >= 0) continue;
        const seen = new Set<number>();
        let c = i;
        while (!seen.has(c)) {
          seen.add(c);
          const p = parentOf[c]!;
          if (p < 0 || orderOf[p]! >= 0) break;
          c = p;
        }
        missing[c] = 1;
        topLevel.push(c);
        posBySpan[c] = topLevel.length;
        walk(c, topLevel.length);
      }
    }

    // Subtree sizes and descendant errors: one reverse pass over pre-order.
    const subtreeSize = new Int32Array(m).fill(1);
    const descErr = new Uint8Array(m);
    for (let o = m - 1; o > 0; o--) {
      const p = parentOrder[o]!;
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
      const si = order[o]!;
      const span = spans[si]!;
      if (given || firstIndexById.get(span.spanId) === si) this.indexBySpanId.set(span.spanId, o);
      let svc = serviceIndex.get(span.serviceName);
      if (svc === undefined) serviceIndex.set(span.serviceName, (svc = serviceIndex.size));
      const p = parentOrder[o]!;
      const parentService = p >= 0 ? spans[order[p]!]!.serviceName : firstRootService;
      if (span.statusCode === 'error' && si < realCount) errorCount++;
      const end = Math.max(0, span.startOffsetMs) + Math.max(0, span.durationMs);
      if (end > scaleMs) scaleMs = end;
      this.nodes[o] = {
        index: o,
        span,
        depth: depthOf[o]!,
        parent: p,
        childCount: 0,
        subtreeEnd: o + subtreeSize[o]!,
        posInSet: posBySpan[si]!,
        setSize: setSizeOf[si]!,
        missingParent: missing[si] === 1,
        placeholder: si >= realCount,
        serviceIndex: svc,
        showService: span.serviceName !== '' && span.serviceName !== parentService,
        descendantError: descErr[o] === 1,
      };
    }
    for (let o = 0; o < m; o++) {
      const p = parentOrder[o]!;
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

  /** Rows in the tree: spans plus missing-parent placeholders. */
  get size(): number {
    return this.nodes.length;
  }

  /** Is `spanId` a missing-parent placeholder (no span to load)? */
  isPlaceholder(spanId: SpanId): boolean {
    const o = this.indexBySpanId.get(spanId);
    return o !== undefined && this.nodes[o]!.placeholder;
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
