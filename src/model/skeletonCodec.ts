/**
 * The compact form of a `TraceSkeleton` for the trace webview's `traceLoaded` message: columns
 * instead of one object per span, each a typed array of the narrowest type its values allow,
 * strings (span names, service names, GenAI model/agent/tool names) stored once in one joined
 * string, parents as list indexes, times rounded to 0.1 µs. `unpackSkeleton(packSkeleton(s))`
 * equals `s` except for the time rounding.
 *
 * Why typed arrays: the back end thread transfers their buffers to the extension host instead of
 * cloning them (`skeletonBuffers`, `withTransfer` in src/protocol/channel.ts), and VS Code's
 * `Webview.postMessage` sends typed arrays as binary buffers beside the message's JSON (since VS
 * Code 1.57; the JSON left is a few strings). A 10,000-span agent trace is ~0.5 MB in all.
 *
 * This module is the format's only definition: the store builds it column by column through
 * `SkeletonColumns` (src/core/store/skeletonRows.ts), `packSkeleton` through the same class.
 */
import type { GenAiBadge, GenAiOperationKind } from './genai';
import type { SkeletonSpan, SpanKind, StatusCode, TraceSkeleton } from './trace';

export const PACKED_SKELETON_FORMAT = 'trace-lens/packed-skeleton@2';

/**
 * Non-negative numbers in the narrowest array that holds them all exactly: `Uint8Array`,
 * `Uint16Array`, `Uint32Array`, or `Float64Array` (values above 2^32 − 1 or not integers).
 * Read as plain numbers whatever the type.
 */
export type UintColumn = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/**
 * Times in ms from the trace start, rounded to 0.0001 ms: a `Uint32Array` of 0.1 µs ticks
 * when every value fits (traces up to ~7 minutes), else a `Float64Array` of the rounded ms.
 */
export type TimeColumn = Uint32Array | Float64Array;

export interface PackedSkeleton {
  format: typeof PACKED_SKELETON_FORMAT;
  traceId: string;
  startTimeUnixNano: string;
  durationMs: number;
  /** The distinct strings the columns refer to, concatenated: string `k` is `strings.slice(stringEnds[k - 1] ?? 0, stringEnds[k])`. */
  strings: string;
  stringEnds: Uint32Array;
  /** Span ids, concatenated; span `i` is `ids.slice(i * idLength, (i + 1) * idLength)` (shorter ids padded with spaces). */
  ids: string;
  idLength: number;
  /** Each span's parent list index + 2; 1 for a root, 0 for a parent not in the trace (its id in `missingParents`). */
  parents: UintColumn;
  /** Parent span ids of the spans whose parent is not in the trace, by span index. */
  missingParents: Record<number, string>;
  /** String indexes (see `strings`). */
  names: UintColumn;
  services: UintColumn;
  /**
   * `kind | status << 3 | hasException << 5 | hasCost << 6 | costIsSum << 7 | (badge kind + 1) << 8
   * | usageIsAggregate << 12` (indexes into the kind, status and GenAI kind lists below; badge kind 0: no badge).
   */
  flags: UintColumn;
  starts: TimeColumn;
  durations: TimeColumn;
  /** Event counts. */
  events: UintColumn;
  /**
   * One entry per span with a GenAI badge (flags), in span order: model, agent and tool name as
   * string index + 1, input and output tokens as count + 1 (0: absent).
   */
  badgeModels: UintColumn;
  badgeAgents: UintColumn;
  badgeTools: UintColumn;
  badgeInputTokens: UintColumn;
  badgeOutputTokens: UintColumn;
  /** One entry per span with a cost (flags), in span order: USD, NaN when not known (`SkeletonSpan.cost` null). */
  costs: Float64Array;
}

const KINDS: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly StatusCode[] = ['unset', 'ok', 'error'];
/** GenAI kinds by their index in `flags` (minus 1); also the store's badge kind codes (src/core/store/codec.ts `BADGE_KINDS`). */
export const PACKED_GENAI_KINDS: readonly GenAiOperationKind[] = ['llm', 'embeddings', 'tool', 'agent', 'workflow', 'retriever', 'reranker', 'guardrail', 'evaluator', 'other'];

/** `flags` bits (see `PackedSkeleton.flags`). */
const HAS_COST = 1 << 6;
const COST_IS_SUM = 1 << 7;
const BADGE_SHIFT = 8;
const AGGREGATE = 1 << 12;

/** Parent values of `SkeletonColumns.parents` that are not list indexes. */
export const ROOT_PARENT = -1;
export const MISSING_PARENT = -2;

/**
 * A skeleton's columns while they are filled, in display order, then `pack`ed. Fill every span's
 * `ids`, `parents`, `names`, `services`, `flags` (kind | status << 3 | hasException << 5, from
 * `spanFlags`), `starts`, `durations` (ms, unrounded) and `events`; call `badge` and `cost` in
 * increasing span order.
 */
export class SkeletonColumns {
  readonly ids: string[];
  /** List index of each span's parent, `ROOT_PARENT`, or `MISSING_PARENT` (then its id in `missingParents`). */
  readonly parents: Float64Array;
  readonly missingParents: Record<number, string> = {};
  readonly names: Float64Array;
  readonly services: Float64Array;
  readonly flags: Float64Array;
  readonly starts: Float64Array;
  readonly durations: Float64Array;
  readonly events: Float64Array;
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly badges: number[][] = [[], [], [], [], []];
  private readonly costs: number[] = [];

  constructor(readonly n: number) {
    this.ids = new Array<string>(n);
    // Float64Array throughout: `uintColumn` sees one array type (and narrows it).
    this.parents = new Float64Array(n);
    this.names = new Float64Array(n);
    this.services = new Float64Array(n);
    this.flags = new Float64Array(n);
    this.starts = new Float64Array(n);
    this.durations = new Float64Array(n);
    this.events = new Float64Array(n);
  }

  /** The index of string `s` (added once). */
  string(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /**
   * Span `k`'s GenAI badge: `kind` an index of `PACKED_GENAI_KINDS`, names as `string` indexes
   * (-1: absent), token counts (-1: absent). Set `flags[k]` first.
   */
  badge(k: number, kind: number, aggregate: boolean, model: number, agent: number, tool: number, inputTokens: number, outputTokens: number): void {
    const code = kind >= 0 && kind < PACKED_GENAI_KINDS.length ? kind : PACKED_GENAI_KINDS.length - 1; // unknown: 'other'
    this.flags[k] = this.flags[k]! | ((code + 1) << BADGE_SHIFT) | (aggregate ? AGGREGATE : 0);
    const [m, a, t, i, o] = this.badges as [number[], number[], number[], number[], number[]];
    m.push(model + 1);
    a.push(agent + 1);
    t.push(tool + 1);
    i.push(inputTokens + 1);
    o.push(outputTokens + 1);
  }

  /** Span `k`'s cost (`SkeletonSpan.cost`, `costIsSum`). Set `flags[k]` first. */
  cost(k: number, usd: number | null, isSum: boolean): void {
    this.flags[k] = this.flags[k]! | HAS_COST | (isSum ? COST_IS_SUM : 0);
    this.costs.push(usd ?? Number.NaN);
  }

  /** The packed skeleton (new arrays: their buffers may be transferred). */
  pack(head: Pick<TraceSkeleton, 'traceId' | 'startTimeUnixNano' | 'durationMs'>): PackedSkeleton {
    const n = this.n;
    let idLength = 0;
    for (let i = 0; i < n; i++) if (this.ids[i]!.length > idLength) idLength = this.ids[i]!.length;
    let ids = this.ids;
    if (ids.some((id) => id.length !== idLength)) ids = ids.map((id) => id.padEnd(idLength, ' '));
    const stringEnds = new Uint32Array(this.strings.length);
    let end = 0;
    this.strings.forEach((s, k) => (stringEnds[k] = end += s.length));
    const parents = new Float64Array(n);
    for (let i = 0; i < n; i++) parents[i] = this.parents[i]! + 2;
    const [m, a, t, i, o] = this.badges as [number[], number[], number[], number[], number[]];
    return {
      format: PACKED_SKELETON_FORMAT,
      traceId: head.traceId,
      startTimeUnixNano: head.startTimeUnixNano,
      durationMs: head.durationMs,
      strings: this.strings.join(''),
      stringEnds,
      ids: ids.join(''),
      idLength,
      parents: uintColumn(parents),
      missingParents: { ...this.missingParents },
      names: uintColumn(this.names),
      services: uintColumn(this.services),
      flags: uintColumn(this.flags),
      starts: timeColumn(this.starts),
      durations: timeColumn(this.durations),
      events: uintColumn(this.events),
      badgeModels: uintColumn(Float64Array.from(m)),
      badgeAgents: uintColumn(Float64Array.from(a)),
      badgeTools: uintColumn(Float64Array.from(t)),
      badgeInputTokens: uintColumn(Float64Array.from(i)),
      badgeOutputTokens: uintColumn(Float64Array.from(o)),
      costs: Float64Array.from(this.costs),
    };
  }
}

/** `flags` of a span without its badge and cost: kind | status << 3 | hasException << 5 (unknown kinds and statuses as 0). */
export function spanFlags(kind: number, status: number, hasException: boolean): number {
  return (kind >= 0 && kind < KINDS.length ? kind : 0) | ((status >= 0 && status < STATUSES.length ? status : 0) << 3) | (hasException ? 32 : 0);
}

/** `values` in the narrowest `UintColumn` (itself when some value is not an integer in 0…2^32 − 1). */
function uintColumn(values: Float64Array): UintColumn {
  let max = 0;
  let integers = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > max) max = v;
    else if (!(v >= 0)) integers = false;
    if (Math.floor(v) !== v) integers = false;
  }
  if (!integers || max > 0xffffffff) return values.slice();
  const out = max > 0xffff ? new Uint32Array(values.length) : max > 0xff ? new Uint16Array(values.length) : new Uint8Array(values.length);
  out.set(values);
  return out;
}

/** Times in ms as a `TimeColumn` (rounded to 0.1 µs). */
function timeColumn(ms: Float64Array): TimeColumn {
  const ticks = new Float64Array(ms.length);
  let fits = true;
  for (let i = 0; i < ms.length; i++) {
    const t = Math.round(ms[i]! * 10_000);
    ticks[i] = t;
    if (!(t >= 0 && t <= 0xffffffff)) fits = false;
  }
  if (fits) return new Uint32Array(ticks);
  for (let i = 0; i < ticks.length; i++) ticks[i] = ticks[i]! / 10_000;
  return ticks;
}

/** The distinct array buffers of a packed skeleton's columns: the transfer list of a worker message. */
export function skeletonBuffers(p: PackedSkeleton): ArrayBuffer[] {
  const columns = [p.stringEnds, p.parents, p.names, p.services, p.flags, p.starts, p.durations, p.events, p.badgeModels, p.badgeAgents, p.badgeTools, p.badgeInputTokens, p.badgeOutputTokens, p.costs];
  return [...new Set(columns.map((c) => c.buffer as ArrayBuffer))];
}

/** Packs a skeleton; span order is kept. */
export function packSkeleton(skeleton: TraceSkeleton): PackedSkeleton {
  const spans = skeleton.spans;
  const c = new SkeletonColumns(spans.length);
  const index = new Map<string, number>();
  spans.forEach((s, i) => index.set(s.spanId, i));
  spans.forEach((s, k) => {
    c.ids[k] = s.spanId;
    if (s.parentSpanId === null) c.parents[k] = ROOT_PARENT;
    else {
      const p = index.get(s.parentSpanId);
      if (p === undefined) {
        c.parents[k] = MISSING_PARENT;
        c.missingParents[k] = s.parentSpanId;
      } else c.parents[k] = p;
    }
    c.names[k] = c.string(s.name);
    c.services[k] = c.string(s.serviceName);
    c.flags[k] = spanFlags(KINDS.indexOf(s.kind), STATUSES.indexOf(s.statusCode), s.hasException);
    c.starts[k] = s.startOffsetMs;
    c.durations[k] = s.durationMs;
    c.events[k] = s.eventCount;
    const g = s.genai;
    if (g) {
      const name = (v: string | undefined): number => (v === undefined ? -1 : c.string(v));
      c.badge(k, PACKED_GENAI_KINDS.indexOf(g.kind), g.usageIsAggregate === true, name(g.model), name(g.agentName), name(g.toolName), g.inputTokens ?? -1, g.outputTokens ?? -1);
    }
    if (s.cost !== undefined) c.cost(k, s.cost, s.costIsSum === true);
  });
  return c.pack(skeleton);
}

/**
 * Rebuilds the skeleton's span objects from a packed one.
 * @throws Error when `p` is not a packed skeleton (wrong `format`) or its columns disagree in length.
 */
export function unpackSkeleton(p: PackedSkeleton): TraceSkeleton {
  if (p?.format !== PACKED_SKELETON_FORMAT) throw new Error(`not a packed skeleton (format ${JSON.stringify(p?.format)})`);
  const n = p.parents.length;
  for (const column of [p.names, p.services, p.flags, p.starts, p.durations, p.events]) {
    if (column.length !== n) throw new Error(`packed skeleton: columns of ${column.length} and ${n} spans`);
  }
  const badgeCount = p.badgeModels.length;
  for (const column of [p.badgeAgents, p.badgeTools, p.badgeInputTokens, p.badgeOutputTokens]) {
    if (column.length !== badgeCount) throw new Error(`packed skeleton: badge columns of ${column.length} and ${badgeCount} entries`);
  }
  if (p.ids.length !== n * p.idLength) throw new Error('packed skeleton: span ids do not match the span count');
  const strings = new Array<string>(p.stringEnds.length);
  for (let k = 0, start = 0; k < strings.length; k++) {
    const end = p.stringEnds[k]!;
    strings[k] = p.strings.slice(start, end);
    start = end;
  }
  // One regular-expression match cuts the ids: its strings are copies, where `slice` makes views
  // of the long string whose first hash (every id goes into a Map in the view) costs several times
  // more (10k ids in a fresh page: 0.7 + 2.6 ms to cut and index, vs 2–8 + 9 ms).
  const ids: string[] = n > 0 && p.idLength > 0 ? (p.ids.match(new RegExp(`[^]{${p.idLength}}`, 'g')) ?? []) : [];
  if (ids.length !== n) throw new Error('packed skeleton: span ids do not match the span count');
  // Ids shorter than the longest are padded with spaces; usually all have one length.
  if (p.ids.includes(' ')) for (let i = 0; i < n; i++) ids[i] = ids[i]!.trimEnd();
  const s = (i: number): string => strings[i] ?? '';
  // Ticks of 0.1 µs, or ms already.
  const startScale = p.starts instanceof Uint32Array ? 10_000 : 1;
  const durationScale = p.durations instanceof Uint32Array ? 10_000 : 1;
  const spans: SkeletonSpan[] = new Array<SkeletonSpan>(n);
  let badge = 0;
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const parent = p.parents[i]! - 2;
    const flags = p.flags[i]!;
    const span: SkeletonSpan = {
      spanId: ids[i]!,
      parentSpanId: parent === ROOT_PARENT ? null : parent === MISSING_PARENT ? (p.missingParents[i] ?? null) : (ids[parent] ?? null),
      name: s(p.names[i]!),
      kind: KINDS[flags & 7] ?? 'unspecified',
      statusCode: STATUSES[(flags >> 3) & 3] ?? 'unset',
      serviceName: s(p.services[i]!),
      startOffsetMs: p.starts[i]! / startScale,
      durationMs: p.durations[i]! / durationScale,
      eventCount: p.events[i]!,
      hasException: (flags & 32) !== 0,
    };
    const kind = (flags >> BADGE_SHIFT) & 15;
    if (kind > 0 && badge < badgeCount) span.genai = unpackBadge(p, badge++, kind - 1, (flags & AGGREGATE) !== 0, s);
    if (flags & HAS_COST) {
      const usd = p.costs[cost++];
      span.cost = usd === undefined || Number.isNaN(usd) ? null : usd;
      if (flags & COST_IS_SUM) span.costIsSum = true;
    }
    spans[i] = span;
  }
  return { traceId: p.traceId, startTimeUnixNano: p.startTimeUnixNano, durationMs: p.durationMs, spans };
}

/**
 * Each span's parent as a list index of `unpackSkeleton(p).spans`, `ROOT_PARENT` (no parent) or
 * `MISSING_PARENT` (a parent not in the trace, whose id is in `missingParents`), from the packed
 * `parents` column: the view links parents without indexing 10k span ids. An index out of range
 * reads as `ROOT_PARENT`, as `unpackSkeleton` reads it.
 */
export function packedParentIndexes(p: PackedSkeleton): Int32Array {
  const n = p.parents.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const parent = p.parents[i]! - 2;
    out[i] = parent === MISSING_PARENT || (parent >= 0 && parent < n) ? parent : ROOT_PARENT;
  }
  return out;
}

/** Badge `b` of the badge columns. */
function unpackBadge(p: PackedSkeleton, b: number, kind: number, aggregate: boolean, s: (i: number) => string): GenAiBadge {
  const badge: GenAiBadge = { kind: PACKED_GENAI_KINDS[kind] ?? 'other' };
  const model = p.badgeModels[b]!;
  const agent = p.badgeAgents[b]!;
  const tool = p.badgeTools[b]!;
  const input = p.badgeInputTokens[b]!;
  const output = p.badgeOutputTokens[b]!;
  if (model > 0) badge.model = s(model - 1);
  if (agent > 0) badge.agentName = s(agent - 1);
  if (tool > 0) badge.toolName = s(tool - 1);
  if (input > 0) badge.inputTokens = input - 1;
  if (output > 0) badge.outputTokens = output - 1;
  if (aggregate) badge.usageIsAggregate = true;
  return badge;
}
