/**
 * The compact form of a `TraceSkeleton` for the trace webview's `traceLoaded` message: columns
 * instead of one object per span, strings (span names, service names, GenAI model/agent/tool
 * names) stored once, parents as list indexes, times rounded to 0.1 µs. A 10,000-span trace is
 * ~0.5 MB of JSON instead of ~2.3 MB (the goal is ≤ 1 MB; VS Code serializes webview messages as
 * JSON). `unpackSkeleton(packSkeleton(s))` equals `s` except for the time rounding. The panel posts
 * it with its columns as typed arrays (`toTransferableSkeleton`), which VS Code carries as binary.
 */
import type { GenAiBadge, GenAiOperationKind } from './genai';
import type { SkeletonSpan, SpanKind, StatusCode, TraceSkeleton } from './trace';

export const PACKED_SKELETON_FORMAT = 'trace-lens/packed-skeleton@1';

/** Parent column values that are not list indexes. */
const ROOT = -1;
const MISSING = -2;

const KINDS: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly StatusCode[] = ['unset', 'ok', 'error'];
const GENAI_KINDS: readonly GenAiOperationKind[] = ['llm', 'embeddings', 'tool', 'agent', 'workflow', 'retriever', 'reranker', 'guardrail', 'evaluator', 'other'];

/**
 * One GenAI badge: `[spanIndex, kind, model, agentName, toolName, inputTokens, outputTokens,
 * usageIsAggregate]`; names are `strings` indexes, absent values -1 (booleans 0/1).
 */
export type PackedBadge = [number, number, number, number, number, number, number, number];

export interface PackedSkeleton {
  format: typeof PACKED_SKELETON_FORMAT;
  traceId: string;
  startTimeUnixNano: string;
  durationMs: number;
  /** Distinct strings referenced by the columns below. */
  strings: string[];
  /** Span ids, concatenated; span `i` is `ids.slice(i * idLength, (i + 1) * idLength)`. */
  ids: string;
  idLength: number;
  /** Index of each span's parent in this list; -1 for a root, -2 for a parent not in the trace. */
  parents: number[];
  /** Parent span ids of the spans whose parent is not in the trace, by span index. */
  missingParents: Record<number, string>;
  names: number[];
  services: number[];
  /** `kind | status << 3 | hasException << 5` (indexes into the kind and status lists above). */
  flags: number[];
  /** Milliseconds from the trace start, rounded to 0.0001 ms. */
  starts: number[];
  durations: number[];
  events: number[];
  genai: PackedBadge[];
  /** `[spanIndex, USD or null]` for spans with a cost (see `SkeletonSpan.cost`), `[…, 1]` when it is a sum (`costIsSum`). */
  costs: ([number, number | null] | [number, number | null, 1])[];
}

/**
 * A packed skeleton as the trace panel posts it to its webview: every per-span column as a typed
 * array, the GenAI badges and costs flattened into typed arrays too (`genai`: 6 integers per
 * badge, `[spanIndex, kind, model, agentName, toolName, usageIsAggregate]` as in `PackedBadge`;
 * `genaiTokens`: its input and output tokens, -1 when absent; `costs`: 3 numbers per cost,
 * `[spanIndex, USD or NaN for null, 1 when a sum]`). VS Code's `Webview.postMessage` sends typed
 * arrays as binary buffers beside the message's JSON (since VS Code 1.57), and once a message
 * has one buffer the workbench parses its JSON with a reviver that visits every value: only the
 * few remaining values (`strings`, the `ids` string) stay JSON. A plain `PackedSkeleton` is
 * accepted everywhere this one is.
 */
export interface TransferableSkeleton extends Omit<PackedSkeleton, 'parents' | 'names' | 'services' | 'flags' | 'starts' | 'durations' | 'events' | 'genai' | 'costs'> {
  parents: Int32Array | number[];
  names: Int32Array | number[];
  services: Int32Array | number[];
  flags: Uint8Array | number[];
  starts: Float64Array | number[];
  durations: Float64Array | number[];
  events: Int32Array | number[];
  genai: Int32Array | PackedBadge[];
  genaiTokens?: Float64Array;
  costs: Float64Array | PackedSkeleton['costs'];
}

/** Numbers per badge in a flat `genai` column (and in `genaiTokens`), and per cost in a flat `costs` column. */
const BADGE_WIDTH = 6;
const TOKENS_WIDTH = 2;
const COST_WIDTH = 3;

/** `p` with its columns as typed arrays (see `TransferableSkeleton`); the strings are shared, not copied. */
export function toTransferableSkeleton(p: PackedSkeleton): TransferableSkeleton {
  const genai = new Int32Array(p.genai.length * BADGE_WIDTH);
  const genaiTokens = new Float64Array(p.genai.length * TOKENS_WIDTH);
  p.genai.forEach(([span, kind, model, agent, tool, input, output, aggregate], i) => {
    genai.set([span, kind, model, agent, tool, aggregate], i * BADGE_WIDTH);
    genaiTokens[i * TOKENS_WIDTH] = input;
    genaiTokens[i * TOKENS_WIDTH + 1] = output;
  });
  const costs = new Float64Array(p.costs.length * COST_WIDTH);
  p.costs.forEach(([span, usd, sum], i) => costs.set([span, usd ?? Number.NaN, sum ?? 0], i * COST_WIDTH));
  return {
    ...p,
    parents: Int32Array.from(p.parents),
    names: Int32Array.from(p.names),
    services: Int32Array.from(p.services),
    flags: Uint8Array.from(p.flags),
    starts: Float64Array.from(p.starts),
    durations: Float64Array.from(p.durations),
    events: Int32Array.from(p.events),
    genai,
    genaiTokens,
    costs,
  };
}

const round = (ms: number): number => Math.round(ms * 10_000) / 10_000;

/** Packs a skeleton; span order is kept. Span ids share one width (the longest; shorter ones are padded with spaces). */
export function packSkeleton(skeleton: TraceSkeleton): PackedSkeleton {
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const str = (s: string | undefined): number => {
    if (s === undefined) return -1;
    let id = stringIds.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      stringIds.set(s, id);
    }
    return id;
  };
  const spans = skeleton.spans;
  const index = new Map<string, number>();
  let idLength = 0;
  spans.forEach((s, i) => {
    index.set(s.spanId, i);
    idLength = Math.max(idLength, s.spanId.length);
  });
  const out: PackedSkeleton = {
    format: PACKED_SKELETON_FORMAT,
    traceId: skeleton.traceId,
    startTimeUnixNano: skeleton.startTimeUnixNano,
    durationMs: skeleton.durationMs,
    strings,
    ids: spans.map((s) => s.spanId.padEnd(idLength, ' ')).join(''),
    idLength,
    parents: new Array<number>(spans.length),
    missingParents: {},
    names: new Array<number>(spans.length),
    services: new Array<number>(spans.length),
    flags: new Array<number>(spans.length),
    starts: new Array<number>(spans.length),
    durations: new Array<number>(spans.length),
    events: new Array<number>(spans.length),
    genai: [],
    costs: [],
  };
  spans.forEach((s, i) => {
    if (s.parentSpanId === null) out.parents[i] = ROOT;
    else {
      const p = index.get(s.parentSpanId);
      if (p === undefined) {
        out.parents[i] = MISSING;
        out.missingParents[i] = s.parentSpanId;
      } else out.parents[i] = p;
    }
    out.names[i] = str(s.name);
    out.services[i] = str(s.serviceName);
    out.flags[i] = Math.max(0, KINDS.indexOf(s.kind)) | (Math.max(0, STATUSES.indexOf(s.statusCode)) << 3) | ((s.hasException ? 1 : 0) << 5);
    out.starts[i] = round(s.startOffsetMs);
    out.durations[i] = round(s.durationMs);
    out.events[i] = s.eventCount;
    const g = s.genai;
    if (g) {
      out.genai.push([i, GENAI_KINDS.indexOf(g.kind), str(g.model), str(g.agentName), str(g.toolName), g.inputTokens ?? -1, g.outputTokens ?? -1, g.usageIsAggregate ? 1 : 0]);
    }
    if (s.cost !== undefined) out.costs.push(s.costIsSum ? [i, s.cost, 1] : [i, s.cost]);
  });
  return out;
}

/**
 * Rebuilds the skeleton's span objects from a packed one.
 * @throws Error when `p` is not a packed skeleton (wrong `format`) or its columns disagree in length.
 */
export function unpackSkeleton(p: PackedSkeleton | TransferableSkeleton): TraceSkeleton {
  if (p?.format !== PACKED_SKELETON_FORMAT) throw new Error(`not a packed skeleton (format ${JSON.stringify(p?.format)})`);
  const n = p.parents.length;
  for (const column of [p.names, p.services, p.flags, p.starts, p.durations, p.events]) {
    if (column.length !== n) throw new Error(`packed skeleton: columns of ${column.length} and ${n} spans`);
  }
  if (p.ids.length !== n * p.idLength) throw new Error('packed skeleton: span ids do not match the span count');
  const ids = new Array<string>(n);
  // Ids shorter than the longest are padded with spaces; usually all have one length.
  const padded = p.ids.includes(' ');
  for (let i = 0; i < n; i++) {
    const id = p.ids.slice(i * p.idLength, (i + 1) * p.idLength);
    ids[i] = padded ? id.trimEnd() : id;
  }
  const s = (i: number): string => p.strings[i] ?? '';
  // Badges and costs by span first, so every span object is made whole in one go (one shape).
  const badges = new Array<GenAiBadge | undefined>(n);
  forEachBadge(p.genai, 'genaiTokens' in p ? p.genaiTokens : undefined, (i, kind, model, agent, tool, input, output, aggregate) => {
    if (i < 0 || i >= n) return;
    const badge: GenAiBadge = { kind: GENAI_KINDS[kind] ?? 'other' };
    if (model >= 0) badge.model = s(model);
    if (agent >= 0) badge.agentName = s(agent);
    if (tool >= 0) badge.toolName = s(tool);
    if (input >= 0) badge.inputTokens = input;
    if (output >= 0) badge.outputTokens = output;
    if (aggregate) badge.usageIsAggregate = true;
    badges[i] = badge;
  });
  const costs = new Array<number | null | undefined>(n);
  const sums = new Uint8Array(n);
  forEachCost(p.costs, (i, usd, sum) => {
    if (i < 0 || i >= n) return;
    costs[i] = usd;
    sums[i] = sum === 1 ? 1 : 0;
  });
  const spans: SkeletonSpan[] = new Array<SkeletonSpan>(n);
  for (let i = 0; i < n; i++) {
    const parent = p.parents[i]!;
    const flags = p.flags[i]!;
    const span: SkeletonSpan = {
      spanId: ids[i]!,
      parentSpanId: parent === ROOT ? null : parent === MISSING ? (p.missingParents[i] ?? null) : (ids[parent] ?? null),
      name: s(p.names[i]!),
      kind: KINDS[flags & 7] ?? 'unspecified',
      statusCode: STATUSES[(flags >> 3) & 3] ?? 'unset',
      serviceName: s(p.services[i]!),
      startOffsetMs: p.starts[i]!,
      durationMs: p.durations[i]!,
      eventCount: p.events[i]!,
      hasException: ((flags >> 5) & 1) === 1,
    };
    const badge = badges[i];
    if (badge) span.genai = badge;
    const cost = costs[i];
    if (cost !== undefined) {
      span.cost = cost;
      if (sums[i]) span.costIsSum = true;
    }
    spans[i] = span;
  }
  return { traceId: p.traceId, startTimeUnixNano: p.startTimeUnixNano, durationMs: p.durationMs, spans };
}

/** Calls `f` with each badge of a `genai` column, plain or flat (`TransferableSkeleton`, with its `genaiTokens`). */
function forEachBadge(
  genai: TransferableSkeleton['genai'],
  tokens: Float64Array | undefined,
  f: (span: number, kind: number, model: number, agent: number, tool: number, input: number, output: number, aggregate: number) => void,
): void {
  if (Array.isArray(genai)) {
    for (const [i, kind, model, agent, tool, input, output, aggregate] of genai) f(i, kind, model, agent, tool, input, output, aggregate);
    return;
  }
  for (let b = 0; (b + 1) * BADGE_WIDTH <= genai.length; b++) {
    const k = b * BADGE_WIDTH;
    const t = b * TOKENS_WIDTH;
    f(genai[k]!, genai[k + 1]!, genai[k + 2]!, genai[k + 3]!, genai[k + 4]!, tokens?.[t] ?? -1, tokens?.[t + 1] ?? -1, genai[k + 5]!);
  }
}

/** Calls `f` with each cost of a `costs` column, plain or flat (NaN: a cost that is not known, `null`). */
function forEachCost(costs: TransferableSkeleton['costs'], f: (span: number, usd: number | null, sum: number | undefined) => void): void {
  if (Array.isArray(costs)) {
    for (const [i, usd, sum] of costs) f(i, usd, sum);
    return;
  }
  for (let k = 0; k + COST_WIDTH <= costs.length; k += COST_WIDTH) {
    const usd = costs[k + 1]!;
    f(costs[k]!, Number.isNaN(usd) ? null : usd, costs[k + 2]!);
  }
}
