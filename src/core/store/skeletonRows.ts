/**
 * A trace's skeleton from traceSkeleton.sql's rows, built column by column: the rows are read once
 * into arrays, put in display order (start time, then ancestors before descendants, then span id)
 * by sorting row indexes, and given their costs from the spans' cost columns (usageColumns.ts);
 * then either span objects (`TraceSkeleton`, for the back end's own readers) or the webview's
 * columnar `PackedSkeleton` straight from the arrays, without an object per span.
 *
 * Costs follow src/core/usage/traceUsage.ts exactly (same walks, same order of summing): a counted
 * call shows its price (`null` when unpriced), a call that does not count (an aggregate, or a call
 * with a usage candidate below it) the sum of the counted calls below it (`costIsSum`).
 */
import { MISSING_PARENT, ROOT_PARENT, SkeletonColumns, spanFlags, type PackedSkeleton } from '../../model/skeletonCodec';
import type { SkeletonSpan, TraceId, TraceSkeleton } from '../../model/trace';
import { roundUsd } from '../../model/cost';
import { badgeNamesOf, kindName, statusName, unpackBadge, unpackBadgeTokens } from './codec';
import type { PreparedQuery } from './statement';
import { CALL_CANDIDATE, CALL_IS } from './usageMarks';

/** traceSkeleton.sql's rows as columns, in the order SQL returned them (primary key). */
export interface SkeletonRows {
  n: number;
  ids: string[];
  parentIds: (string | null)[];
  names: string[];
  /** kind | status << 3 | has_exception << 5 | event_count << 6 */
  bits: number[];
  resourceIds: number[];
  /** Start offsets in ns (exact integers) and in ms. */
  startsNs: number[];
  starts: number[];
  durations: number[];
  genai: (number | null)[];
  tokens: (number | null)[];
  call: (number | null)[];
  /** The calls' cost in USD (from `cost_pico`: the same double as the priced `costUsd`). */
  costUsd: (number | null)[];
}

/** Reads a trace's rows (traceSkeleton.sql's one row of JSON columns, checked by readMappers.ts `readColumns`). */
export function readSkeletonRows(q: PreparedQuery, traceId: TraceId): SkeletonRows {
  const row = q.first({ trace_id: traceId });
  const col = <T>(i: number): T[] => (row ? (JSON.parse(row[i] as string) as T[]) : []);
  const ids = col<string>(0);
  const startsNs = col<number>(5);
  const starts = new Array<number>(startsNs.length);
  const durations = col<number>(6);
  for (let i = 0; i < startsNs.length; i++) {
    starts[i] = startsNs[i]! / 1e6;
    durations[i] = durations[i]! / 1e6;
  }
  const costUsd = col<number | null>(10);
  for (let i = 0; i < costUsd.length; i++) if (costUsd[i] !== null) costUsd[i] = costUsd[i]! / 1e12;
  return {
    n: ids.length,
    ids,
    parentIds: col<string | null>(1),
    names: col<string>(2),
    bits: col<number>(3),
    resourceIds: col<number>(4),
    startsNs,
    starts,
    durations,
    genai: col<number | null>(7),
    tokens: col<number | null>(8),
    call: col<number | null>(9),
    costUsd,
  };
}

/** Display order and parent links of the rows. */
export interface SkeletonOrder {
  /** Row index at each display position. */
  order: number[];
  /** Row of each row's parent span (its own row for a span that is its own parent), -1 when the parent is null or not stored. */
  parentRow: Int32Array;
}

/**
 * Orders the rows by start time; spans starting at the same instant put ancestors before
 * descendants (a parent and the child it starts at once often share a timestamp), then span id.
 * Depth is counted as readMappers.ts `sortSkeleton` counts it (also for parent cycles); it is
 * only needed for ties.
 */
export function orderRows(r: SkeletonRows): SkeletonOrder {
  const n = r.n;
  const parentRow = parentRows(r.ids, r.parentIds);
  const { starts, startsNs, ids } = r;
  let depth: Int32Array | undefined;
  const compare = (a: number, b: number): number => {
    depth ??= rowDepths(parentRow);
    return starts[a]! - starts[b]! || depth[a]! - depth[b]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0);
  };
  let order = sortedByStart(startsNs);
  if (!order) {
    order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(compare);
    return { order, parentRow };
  }
  // Runs of spans starting at the same instant: by depth, then id.
  for (let k = 0; k < n; ) {
    const start = startsNs[order[k]!];
    let end = k + 1;
    while (end < n && startsNs[order[end]!] === start) end++;
    if (end - k > 1) {
      const run = order.slice(k, end).sort(compare);
      for (let j = 0; j < run.length; j++) order[k + j] = run[j]!;
    }
    k = end;
  }
  return { order, parentRow };
}

/**
 * Each row's parent row (-1: no parent, or not stored). traceSkeleton.sql returns a trace's rows in
 * primary-key order, i.e. by span id in byte order, which for ASCII ids is JS string order: then a
 * binary search finds a parent (10k-span trace: ~2 ms, vs ~5 ms for a Map of fresh id strings).
 * Rows in any other order fall back to a Map.
 */
function parentRows(ids: readonly string[], parentIds: readonly (string | null)[]): Int32Array {
  const n = ids.length;
  const parentRow = new Int32Array(n);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (!(ids[i - 1]! < ids[i]!)) sorted = false;
  if (!sorted) {
    const rowOf = new Map<string, number>();
    for (let i = 0; i < n; i++) rowOf.set(ids[i]!, i);
    for (let i = 0; i < n; i++) {
      const p = parentIds[i];
      parentRow[i] = p ? (rowOf.get(p) ?? -1) : -1;
    }
    return parentRow;
  }
  for (let i = 0; i < n; i++) {
    const p = parentIds[i];
    let found = -1;
    if (p) {
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const id = ids[mid]!;
        if (id < p) lo = mid + 1;
        else if (id > p) hi = mid - 1;
        else {
          found = mid;
          break;
        }
      }
    }
    parentRow[i] = found;
  }
  return parentRow;
}

/**
 * Row indexes sorted by start (ns), ties in row order, by a native sort of `start * 2^b + row`
 * (2^b ≥ the row count): several times faster than a comparator sort. `null` when a start is not
 * a non-negative integer or the keys would pass 2^53 (a 10,000-span trace longer than ~9 minutes).
 */
function sortedByStart(startsNs: readonly number[]): number[] | null {
  const n = startsNs.length;
  let span = 1;
  while (span < n) span *= 2;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const s = startsNs[i]!;
    if (!(s >= 0) || s % 1 !== 0) return null;
    if (s > max) max = s;
  }
  if (max * span + span > Number.MAX_SAFE_INTEGER) return null;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = startsNs[i]! * span + i;
  keys.sort();
  const order = new Array<number>(n);
  for (let k = 0; k < n; k++) order[k] = keys[k]! % span;
  return order;
}

/** Depth of each row in its parent chain (0: no stored parent), counted as readMappers.ts `sortSkeleton` counts it (also for parent cycles). */
function rowDepths(parentRow: Int32Array): Int32Array {
  const n = parentRow.length;
  const depth = new Int32Array(n).fill(-1);
  const chain: number[] = [];
  for (let i = 0; i < n; i++) {
    if (depth[i]! >= 0) continue;
    chain.length = 0;
    let cur = i;
    // Walk up (bounded by the span count, so a parent cycle cannot loop forever).
    while (cur >= 0 && depth[cur]! < 0 && chain.length <= n) {
      chain.push(cur);
      cur = parentRow[cur]!;
    }
    let d = cur >= 0 && depth[cur]! >= 0 ? depth[cur]! : -1;
    for (let k = chain.length - 1; k >= 0; k--) depth[chain[k]!] = ++d;
  }
  return depth;
}

/** Each row's `SkeletonSpan.cost` (`undefined`: none) and `costIsSum`. */
export interface RowCosts {
  cost: (number | null | undefined)[];
  isSum: Uint8Array;
}

/**
 * The rows' costs from their cost columns (see the module comment): counted calls by the
 * "counted once" walk of src/core/usage/runMetrics.ts, sums as traceUsage.ts `rollUpCosts`
 * (counted calls in display order, each added to every uncounted call above it).
 */
export function rowCosts(r: SkeletonRows, { order, parentRow }: SkeletonOrder): RowCosts {
  const n = r.n;
  const cost = new Array<number | null | undefined>(n);
  const isSum = new Uint8Array(n);
  let anyCall = false;
  const isCall = (i: number): boolean => ((r.call[i] ?? 0) & CALL_IS) === CALL_IS;
  for (let i = 0; i < n && !anyCall; i++) anyCall = isCall(i);
  if (!anyCall) return { cost, isSum };
  // Parents as the metrics see them: a span is not its own parent.
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = parentRow[i] === i ? -1 : parentRow[i]!;
  const candidate = (i: number): boolean => ((r.call[i] ?? 0) & (CALL_IS | CALL_CANDIDATE)) === (CALL_IS | CALL_CANDIDATE);
  const stamp = new Int32Array(n);
  let walk = 0;
  const below = new Uint8Array(n);
  for (const i of order) {
    if (!candidate(i)) continue;
    stamp[i] = ++walk;
    for (let p = parent[i]!; p >= 0 && stamp[p] !== walk; p = parent[p]!) {
      stamp[p] = walk;
      if (below[p]) break;
      below[p] = 1;
    }
  }
  const sum = new Float64Array(n);
  const known = new Int32Array(n);
  for (const i of order) {
    if (!isCall(i)) continue;
    const call = r.call[i]!;
    if (!candidate(i) || below[i]) {
      isSum[i] = 1; // a roll-up; its amount below
      continue;
    }
    const status = (call >> 2) & 3;
    const usd = status === 0 ? null : (r.costUsd[i] ?? 0);
    cost[i] = usd;
    stamp[i] = ++walk;
    for (let p = parent[i]!; p >= 0 && stamp[p] !== walk; p = parent[p]!) {
      stamp[p] = walk;
      if (!isCall(p) || (candidate(p) && !below[p])) continue;
      if (usd !== null) {
        sum[p] += usd;
        known[p]++;
      }
    }
  }
  for (let i = 0; i < n; i++) if (isSum[i]) cost[i] = known[i]! > 0 ? roundUsd(sum[i]!) : null;
  return { cost, isSum };
}

/** The rows as span objects in display order (the `TraceSkeleton` of the back end's readers). */
export function skeletonSpans(r: SkeletonRows, { order }: SkeletonOrder, costs: RowCosts, services: readonly string[], genaiNames: readonly string[]): SkeletonSpan[] {
  const spans = new Array<SkeletonSpan>(r.n);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const bits = r.bits[i]!;
    const span: SkeletonSpan = {
      spanId: r.ids[i]!,
      parentSpanId: r.parentIds[i]!,
      name: r.names[i]!,
      kind: kindName(bits & 7),
      statusCode: statusName((bits >> 3) & 3),
      serviceName: services[r.resourceIds[i]!] ?? '',
      startOffsetMs: r.starts[i]!,
      durationMs: r.durations[i]!,
      eventCount: Math.floor(bits / 64),
      hasException: ((bits >> 5) & 1) === 1,
    };
    const genai = r.genai[i];
    if (typeof genai === 'number') span.genai = unpackBadge(genai, r.tokens[i] ?? null, genaiNames);
    const c = costs.cost[i];
    if (c !== undefined) {
      span.cost = c;
      if (costs.isSum[i]) span.costIsSum = true;
    }
    spans[k] = span;
  }
  return spans;
}

/**
 * The rows as the webview's `PackedSkeleton` (src/model/skeletonCodec.ts), in display order:
 * equal to `packSkeleton` of the span objects, built from the columns (no object per span).
 * Badge kind codes of `spans.genai` (codec.ts `packBadge`) are `PACKED_GENAI_KINDS` indexes.
 */
export function packedSkeleton(
  head: Pick<TraceSkeleton, 'traceId' | 'startTimeUnixNano' | 'durationMs'>,
  r: SkeletonRows,
  { order, parentRow }: SkeletonOrder,
  costs: RowCosts,
  services: readonly string[],
  genaiNames: readonly string[],
): PackedSkeleton {
  const n = r.n;
  const c = new SkeletonColumns(n);
  const positionOf = new Int32Array(n);
  for (let k = 0; k < n; k++) positionOf[order[k]!] = k;
  const serviceStr = new Map<number, number>();
  const nameStrs = new Map<number, [number, number, number]>();
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    c.ids[k] = r.ids[i]!;
    const parentId = r.parentIds[i];
    if (parentId === null) c.parents[k] = ROOT_PARENT;
    else {
      const p = parentRow[i]!;
      if (p < 0) {
        c.parents[k] = MISSING_PARENT;
        c.missingParents[k] = parentId;
      } else c.parents[k] = positionOf[p]!;
    }
    c.names[k] = c.string(r.names[i]!);
    const resource = r.resourceIds[i]!;
    let service = serviceStr.get(resource);
    if (service === undefined) {
      service = c.string(services[resource] ?? '');
      serviceStr.set(resource, service);
    }
    c.services[k] = service;
    const bits = r.bits[i]!;
    c.flags[k] = spanFlags(bits & 7, (bits >> 3) & 3, (bits & 32) !== 0);
    c.starts[k] = r.starts[i]!;
    c.durations[k] = r.durations[i]!;
    c.events[k] = Math.floor(bits / 64);
    const genai = r.genai[i];
    if (typeof genai === 'number') {
      const nameId = Math.floor(genai / 32);
      let names = nameStrs.get(nameId);
      if (names === undefined) {
        const { model, agentName, toolName } = badgeNamesOf(genaiNames[nameId] ?? '');
        names = [model ? c.string(model) : -1, agentName ? c.string(agentName) : -1, toolName ? c.string(toolName) : -1];
        nameStrs.set(nameId, names);
      }
      const [input, output] = unpackBadgeTokens(r.tokens[i] ?? null);
      c.badge(k, (genai >> 1) & 15, (genai & 1) === 1, names[0], names[1], names[2], input, output);
    }
    const cost = costs.cost[i];
    if (cost !== undefined) c.cost(k, cost, costs.isSum[i] === 1);
  }
  return c.pack(head);
}
