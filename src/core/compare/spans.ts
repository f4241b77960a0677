/**
 * Spans of two runs compared by span name path (the names from the root down, `agent > chat > …`):
 * paths with more spans on one side are added or removed, and the spans of a path present on both
 * sides are paired in start order and compared by status. Pure.
 */
import { MAX_SPAN_CHANGES, type SpanChange } from '../../model/compare';
import type { SkeletonSpan, SpanId, StatusCode } from '../../model/trace';

/** Joins span names into a path. */
export const PATH_SEPARATOR = ' > ';

interface PathSpan {
  spanId: SpanId;
  status: StatusCode;
}

/** Span name path → the spans with that path, in start order (skeleton spans come in start order). */
export function spansByPath(spans: readonly SkeletonSpan[]): Map<string, PathSpan[]> {
  const byId = new Map<SpanId, SkeletonSpan>();
  for (const s of spans) byId.set(s.spanId, s);
  const paths = new Map<SpanId, string>();
  const pathOf = (s: SkeletonSpan): string => {
    const known = paths.get(s.spanId);
    if (known !== undefined) return known;
    // Walk up iteratively (deep traces), guarding against parent cycles.
    const chain: SkeletonSpan[] = [];
    const seen = new Set<SpanId>();
    let p: SkeletonSpan | undefined = s;
    let prefix = '';
    while (p && !seen.has(p.spanId)) {
      const cached = paths.get(p.spanId);
      if (cached !== undefined) {
        prefix = cached;
        break;
      }
      seen.add(p.spanId);
      chain.push(p);
      p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined;
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const c = chain[k]!;
      prefix = prefix === '' ? c.name : `${prefix}${PATH_SEPARATOR}${c.name}`;
      paths.set(c.spanId, prefix);
    }
    return prefix;
  };
  const out = new Map<string, PathSpan[]>();
  for (const s of spans) {
    const path = pathOf(s);
    const list = out.get(path) ?? [];
    list.push({ spanId: s.spanId, status: s.statusCode });
    out.set(path, list);
  }
  return out;
}

/**
 * Spans added, removed or with another status, by path, in the order of first appearance (left
 * run first, then paths only the right run has); at most `MAX_SPAN_CHANGES` (`truncated` then).
 */
export function compareSpans(left: readonly SkeletonSpan[], right: readonly SkeletonSpan[]): { changes: SpanChange[]; truncated: boolean } {
  const a = spansByPath(left);
  const b = spansByPath(right);
  const changes: SpanChange[] = [];
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  for (const path of paths) {
    const l = a.get(path) ?? [];
    const r = b.get(path) ?? [];
    const n = Math.min(l.length, r.length);
    for (let k = 0; k < n; k++) {
      if (l[k]!.status !== r[k]!.status) {
        changes.push({ path, change: 'status', count: 1, leftStatus: l[k]!.status, rightStatus: r[k]!.status, leftSpanId: l[k]!.spanId, rightSpanId: r[k]!.spanId });
      }
    }
    if (l.length > r.length) changes.push({ path, change: 'removed', count: l.length - r.length, leftSpanId: l[n]!.spanId });
    if (r.length > l.length) changes.push({ path, change: 'added', count: r.length - l.length, rightSpanId: r[n]!.spanId });
  }
  const truncated = changes.length > MAX_SPAN_CHANGES;
  if (truncated) changes.length = MAX_SPAN_CHANGES;
  return { changes, truncated };
}
