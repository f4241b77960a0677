/**
 * The span hierarchy of a trace skeleton as both views show it (the Traces tree in the extension
 * host, the waterfall in the webview). Pure and JSON-safe.
 *
 * Spans may arrive in any order and a parent may never arrive (still in flight, dropped by
 * sampling or an exporter limit, or its process crashed). A span whose parent is not in the trace
 * is not shown as a root: it hangs under a **missing-parent placeholder**, one per missing parent
 * id, so the gap is explicit and siblings stay together. When the parent arrives later, the
 * placeholder disappears and its children move under the real span.
 */
import type { SkeletonSpan, SpanId } from './trace';

/** Name shown for a missing-parent placeholder. */
export const MISSING_PARENT_NAME = 'Missing parent span';

/** Why a parent can be missing (tooltips and details). */
export const MISSING_PARENT_EXPLANATION =
  'Spans name this span as their parent, but it has not been received. It may still be in flight (SDKs export a span when it ends), ' +
  'or it was never exported (sampling, an exporter limit, a process that exited before flushing).';

/**
 * One synthetic span per distinct parent id that spans of `spans` refer to but that is not among
 * them, spanning its children's time (earliest child start to latest child end). Placeholders
 * have `parentSpanId: null`, kind `unspecified`, status `unset`, no service, no events; they are
 * ordered by start. A span naming itself as its parent gets none (it is a cycle, not a gap).
 * `present`: the span ids of `spans` when the caller has them indexed already (else a set is built).
 */
export function missingParentPlaceholders(spans: readonly SkeletonSpan[], present?: { has(spanId: SpanId): boolean }): SkeletonSpan[] {
  if (!present) {
    const ids = new Set<SpanId>();
    for (const s of spans) ids.add(s.spanId);
    present = ids;
  }
  const byId = new Map<SpanId, { start: number; end: number }>();
  for (const s of spans) {
    const p = s.parentSpanId;
    if (p === null || present.has(p)) continue;
    const start = s.startOffsetMs;
    const end = s.startOffsetMs + Math.max(0, s.durationMs);
    const known = byId.get(p);
    if (known) {
      if (start < known.start) known.start = start;
      if (end > known.end) known.end = end;
    } else {
      byId.set(p, { start, end });
    }
  }
  const out: SkeletonSpan[] = [];
  for (const [spanId, t] of byId) {
    out.push({
      spanId,
      parentSpanId: null,
      name: MISSING_PARENT_NAME,
      kind: 'unspecified',
      statusCode: 'unset',
      serviceName: '',
      startOffsetMs: t.start,
      durationMs: t.end - t.start,
      eventCount: 0,
      hasException: false,
    });
  }
  out.sort((a, b) => a.startOffsetMs - b.startOffsetMs || (a.spanId < b.spanId ? -1 : 1));
  return out;
}

/** Parent → children index of a skeleton, with missing parents made explicit. */
export interface SpanHierarchy {
  /** Spans without a parent (and spans made top-level to break a parent cycle), by start. */
  roots: SkeletonSpan[];
  /** Missing-parent placeholders (see `missingParentPlaceholders`), by start. */
  missingParents: SkeletonSpan[];
  /** Children by parent span id (real or missing), in start order. */
  children: Map<SpanId, SkeletonSpan[]>;
}

/**
 * Builds the hierarchy in linear time; children keep the skeleton's (start-time) order. Every
 * span appears exactly once: under its parent, under its missing parent's placeholder, or as a
 * root. Parent cycles (malformed data, e.g. a→b→a or a span that is its own parent) are broken
 * by making one span of each cycle a root.
 */
export function buildHierarchy(spans: readonly SkeletonSpan[]): SpanHierarchy {
  const missingParents = missingParentPlaceholders(spans);
  const missing = new Set(missingParents.map((m) => m.spanId));
  const present = new Set(spans.map((s) => s.spanId));
  const roots: SkeletonSpan[] = [];
  const children = new Map<SpanId, SkeletonSpan[]>();
  const add = (parent: SpanId, span: SkeletonSpan) => {
    const list = children.get(parent);
    if (list) list.push(span);
    else children.set(parent, [span]);
  };
  for (const span of spans) {
    const p = span.parentSpanId;
    if (p === null || p === span.spanId) roots.push(span);
    else if (present.has(p) || missing.has(p)) add(p, span);
    else roots.push(span);
  }
  // Spans not reachable from a root or a placeholder sit on a parent cycle: cut each cycle once.
  const reached = new Set<SpanId>();
  const walk = (start: SpanId) => {
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (reached.has(id)) continue;
      reached.add(id);
      for (const c of children.get(id) ?? []) stack.push(c.spanId);
    }
  };
  for (const r of roots) walk(r.spanId);
  for (const m of missingParents) walk(m.spanId);
  if (reached.size < present.size + missingParents.length) {
    const bySpanId = new Map(spans.map((s) => [s.spanId, s]));
    for (const span of spans) {
      if (reached.has(span.spanId)) continue;
      // Climb to a span on the cycle, detach it from its parent, make it a root.
      const seen = new Set<SpanId>();
      let cur = span;
      while (!seen.has(cur.spanId)) {
        seen.add(cur.spanId);
        const parent = cur.parentSpanId === null ? undefined : bySpanId.get(cur.parentSpanId);
        if (!parent || reached.has(parent.spanId)) break;
        cur = parent;
      }
      const siblings = children.get(cur.parentSpanId!);
      if (siblings) {
        const i = siblings.indexOf(cur);
        if (i >= 0) siblings.splice(i, 1);
        if (siblings.length === 0) children.delete(cur.parentSpanId!);
      }
      roots.push(cur);
      walk(cur.spanId);
    }
    roots.sort((a, b) => a.startOffsetMs - b.startOffsetMs);
  }
  return { roots, missingParents, children };
}
