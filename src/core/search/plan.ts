/**
 * Evaluation planning: a parsed `TraceQuery` → what runs where (pure; searchEngine.ts runs it).
 *
 * A trace matches when
 * - every trace-level condition holds for the trace: `service:` (root service), `session:`,
 *   `duration`, `last:`, `trace:` — SQL on the traces summary table (`TraceFilter`); `cost`,
 *   `tokens` — the usage cache, on the traces SQL left (`UsageBounds`); `user:` — some span of the
 *   trace carries that user id (an attribute of `USER_KEYS`: full-text index, then checked);
 * - the span-level conditions (`error`, `model:`, `tool:`, `agent:`, `kind:`, `attr:`) and the
 *   text words all hold on one span together, when there is a span-level condition; without one,
 *   each text word may be anywhere in the trace (not necessarily in one span);
 * - no excluded word (`-word`) occurs anywhere in the trace.
 *
 * How span-level conditions run without loading spans: `error` alone is
 * `error_count > 0` or a row of the `spans_errors` index; badge conditions (`model:`, `tool:`,
 * `agent:`, `kind:`) become the set of `trace_genai` keys (badge name id × kind) whose names and
 * kind satisfy all of them at once — one key is one span's badge, so "together" is exact; `error`
 * with badge conditions reads the error spans' badges. With text or `attr:`, candidate spans come
 * from the full-text index and each is checked against the span-level conditions.
 *
 * Find in a trace evaluates the same query per span (`FindPlan`): a span matches when it satisfies
 * the span-level conditions, contains every word and none of the excluded ones; `service:`,
 * `duration`, `cost` and `tokens` apply to the span itself there (its service, its duration, its
 * model call's cost and tokens), and `session:`, `user:`, `last:`, `trace:` to its trace.
 */
import type { TraceId } from '../../model/trace';
import { badgeKindCode, badgeNamesOf, genaiKey, genaiKeyOf } from '../store/codec';
import type { TraceFilter } from '../store/traceFilter';
import { GENAI_KINDS, type CompareOp, type QueryCondition, type TextTerm, type TraceQuery } from './queryLanguage';
import type { TokenTerm } from './textTokens';
import { searchTokens } from './textTokens';

/** Attribute keys that carry a user id (`user:`), as src/core/genai/fields.ts `USER_KEYS`. */
export { USER_KEYS } from '../genai/fields';

/** A `cost`/`tokens` condition: the value must compare `op` with `value`. */
export interface Bound {
  op: CompareOp;
  value: number;
}

/** `true` when `x` satisfies every bound. */
export function withinBounds(x: number, bounds: readonly Bound[]): boolean {
  for (const b of bounds) {
    switch (b.op) {
      case '>':
        if (!(x > b.value)) return false;
        break;
      case '<':
        if (!(x < b.value)) return false;
        break;
      case '>=':
        if (!(x >= b.value)) return false;
        break;
      case '<=':
        if (!(x <= b.value)) return false;
        break;
    }
  }
  return true;
}

/** `attr:` conditions with what the full-text index can narrow them by. */
export interface AttrCondition {
  key: string;
  value?: string;
  /** Words that must occur in the span's document (the key's tokens as a phrase; the value's too). */
  prefilter: TokenTerm[];
}

/** Conditions that must hold on one span together. */
export interface SpanPredicate {
  /** Error status or an exception event. */
  error: boolean;
  /** The span's badge key (`trace_genai` key) is in this set; `null`: no badge condition. */
  genaiKeys: ReadonlySet<number> | null;
  attrs: AttrCondition[];
}

/** Cost and token conditions, evaluated with the usage cache. */
export interface UsageBounds {
  /** USD of the trace (Find: of the span's model call). */
  cost: Bound[];
  /** Total tokens (Find: the span's input + output tokens). */
  tokens: Bound[];
}

/** The plan of a trace search or filter. */
export interface TracePlan {
  /** Nothing can match (a name no span has, contradictory conditions): skip every query. */
  empty: boolean;
  /** Trace-level SQL conditions (text-derived id sets are added when run). */
  filter: TraceFilter;
  /** Span-level conditions to check on candidate spans (text or `attr:` present), else `null`. */
  span: SpanPredicate | null;
  /** Words every matching trace contains (with `span`: in the matching span). */
  positive: TokenTerm[];
  /** Words no matching trace contains. */
  negative: TokenTerm[];
  /** `user:` ids: some span of the trace carries one of `USER_KEYS` with this exact value. */
  users: string[];
  /** `cost`/`tokens`, `null` when absent. */
  usage: UsageBounds | null;
  /** Span-level conditions are present (hits report the spans that satisfy them). */
  hasSpanConditions: boolean;
}

/** The plan of Find in one trace. */
export interface FindPlan {
  empty: boolean;
  /** Trace-level checks. */
  sessionIds: string[];
  users: string[];
  sinceMs: number | null;
  tracePrefixes: string[];
  /** Per-span checks. */
  error: boolean;
  genaiKeys: ReadonlySet<number> | null;
  servicePrefixes: string[];
  minDurationNs: number | null;
  maxDurationNs: number | null;
  attrs: AttrCondition[];
  usage: UsageBounds | null;
  positive: TokenTerm[];
  negative: TokenTerm[];
}

/** What planning needs from the store: its dictionaries, and the clock. */
export interface PlanContext {
  /** Distinct root/resource service names of the store. */
  serviceNames: readonly string[];
  /** The badge name dictionary (codec.ts `badgeNamesKey` by name id). */
  genaiNameKeys: readonly string[];
  /** Now, Unix milliseconds. */
  nowMs: number;
}

/** `TextTerm` → `TokenTerm` (the matcher's and the index's view). */
export function tokenTerm(t: TextTerm): TokenTerm {
  return { tokens: t.tokens, prefix: t.prefix };
}

/**
 * The badge keys that satisfy every badge condition (`model:`, `tool:`, `agent:`, `kind:`) at once,
 * or `null` without badge conditions. Names compare case-insensitively by prefix.
 */
export function badgeKeys(conditions: readonly QueryCondition[], nameKeys: readonly string[]): Set<number> | null {
  const names: Array<{ field: 'model' | 'toolName' | 'agentName'; prefix: string }> = [];
  const kinds = new Set<number>(GENAI_KINDS.map(badgeKindCode));
  let any = false;
  for (const c of conditions) {
    if (c.kind === 'model') names.push({ field: 'model', prefix: c.prefix });
    else if (c.kind === 'tool') names.push({ field: 'toolName', prefix: c.prefix });
    else if (c.kind === 'agent') names.push({ field: 'agentName', prefix: c.prefix });
    else if (c.kind === 'genaiKind') {
      const code = badgeKindCode(c.genaiKind);
      for (const k of [...kinds]) if (k !== code) kinds.delete(k);
    } else continue;
    any = true;
  }
  if (!any) return null;
  const keys = new Set<number>();
  for (let id = 0; id < nameKeys.length; id++) {
    const key = nameKeys[id];
    if (key === undefined) continue;
    if (names.length > 0) {
      const n = badgeNamesOf(key);
      if (!names.every((c) => n[c.field] !== '' && n[c.field].toLowerCase().startsWith(c.prefix))) continue;
    }
    for (const k of kinds) keys.add(genaiKey(id, k));
  }
  return keys;
}

/**
 * The trace_genai keys for the trace-level narrowing of badge conditions: `badgeKeys`, except that
 * `kind:` conditions without a name condition read the kind-only keys (codec.ts `kindOnlyKey`): one
 * key per kind instead of one per name. `null` without badge conditions.
 */
export function traceBadgeKeys(conditions: readonly QueryCondition[], nameKeys: readonly string[]): Set<number> | null {
  const hasNames = conditions.some((c) => c.kind === 'model' || c.kind === 'tool' || c.kind === 'agent');
  const keys = badgeKeys(conditions, hasNames ? nameKeys : ['']);
  return keys;
}

/** `true` when a span's badge (`spans.genai`, or null) has one of `keys` (`null`: no condition). */
export function badgeMatches(genai: number | null, keys: ReadonlySet<number> | null): boolean {
  if (keys === null) return true;
  return genai !== null && keys.has(genaiKeyOf(genai));
}

/** Inclusive nanosecond bounds of `duration` conditions (ms values); `null` members: unbounded. */
function durationBounds(conditions: readonly QueryCondition[]): { min: number | null; max: number | null } {
  let min: number | null = null;
  let max: number | null = null;
  for (const c of conditions) {
    if (c.kind !== 'duration') continue;
    const ns = c.value * 1e6;
    let lo: number | null = null;
    let hi: number | null = null;
    if (c.op === '>') lo = Math.floor(ns) + 1;
    else if (c.op === '>=') lo = Math.ceil(ns);
    else if (c.op === '<') hi = Math.ceil(ns) - 1;
    else hi = Math.floor(ns);
    if (lo !== null) min = min === null ? lo : Math.max(min, lo);
    if (hi !== null) max = max === null ? hi : Math.min(max, hi);
  }
  return { min, max };
}

/** `attr:` conditions with their full-text prefilter words. */
function attrConditions(conditions: readonly QueryCondition[]): AttrCondition[] {
  const out: AttrCondition[] = [];
  for (const c of conditions) {
    if (c.kind !== 'attr') continue;
    const prefilter: TokenTerm[] = [{ tokens: searchTokens(c.key), prefix: false }];
    if (c.value !== undefined) {
      const tokens = searchTokens(c.value);
      if (tokens.length > 0) prefilter.push({ tokens, prefix: false });
    }
    out.push(c.value === undefined ? { key: c.key, prefilter } : { key: c.key, value: c.value, prefilter });
  }
  return out;
}

/** The text of an attribute value as `attr:key=value` compares it. */
export function attributeValueText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return JSON.stringify(value);
}

/** `true` when the attributes satisfy every `attr:` condition. */
export function attributesMatch(attributes: Readonly<Record<string, unknown>>, attrs: readonly AttrCondition[]): boolean {
  for (const a of attrs) {
    if (!Object.prototype.hasOwnProperty.call(attributes, a.key)) return false;
    if (a.value !== undefined && attributeValueText(attributes[a.key]) !== a.value) return false;
  }
  return true;
}

/** Lower-case prefixes of the conditions of one kind. */
function prefixes(conditions: readonly QueryCondition[], kind: 'service'): string[] {
  const out: string[] = [];
  for (const c of conditions) if (c.kind === kind) out.push(c.prefix);
  return out;
}

/** The longest of several trace id prefixes if each is a prefix of it; `null` when they contradict. */
function tracePrefix(list: readonly string[]): string | null | undefined {
  if (list.length === 0) return undefined;
  const longest = list.reduce((a, b) => (b.length > a.length ? b : a));
  return list.every((p) => longest.startsWith(p)) ? longest : null;
}

/** Unix ms → Unix ns as a decimal string. */
function msToNanos(ms: number): string {
  return (BigInt(Math.max(0, Math.floor(ms))) * 1_000_000n).toString();
}

/** Cost and token bounds, or `null` without them. */
function usageBounds(conditions: readonly QueryCondition[]): UsageBounds | null {
  const cost: Bound[] = [];
  const tokens: Bound[] = [];
  for (const c of conditions) {
    if (c.kind === 'cost') cost.push({ op: c.op, value: c.value });
    else if (c.kind === 'tokens') tokens.push({ op: c.op, value: c.value });
  }
  return cost.length > 0 || tokens.length > 0 ? { cost, tokens } : null;
}

/**
 * Plans a trace search or filter (module comment). `sessionId` restricts to one session (the
 * Traces view grouped by session) like `session:`.
 */
export function planTraceQuery(query: TraceQuery, ctx: PlanContext, sessionId?: string): TracePlan {
  const cs = query.conditions;
  const filter: TraceFilter = {};
  let empty = false;

  const services = prefixes(cs, 'service');
  if (services.length > 0) {
    filter.services = ctx.serviceNames.filter((name) => services.every((p) => name.toLowerCase().startsWith(p)));
    if (filter.services.length === 0) empty = true;
  }
  const sessions = new Set<string>(cs.flatMap((c) => (c.kind === 'session' ? [c.id] : [])));
  if (sessionId !== undefined) sessions.add(sessionId);
  if (sessions.size > 1) empty = true;
  if (sessions.size === 1) filter.sessionId = [...sessions][0]!;
  const d = durationBounds(cs);
  if (d.min !== null) filter.minDurationNs = d.min;
  if (d.max !== null) filter.maxDurationNs = d.max;
  if (d.min !== null && d.max !== null && d.min > d.max) empty = true;
  const windows = cs.flatMap((c) => (c.kind === 'last' ? [c.windowMs] : []));
  if (windows.length > 0) filter.sinceNs = msToNanos(ctx.nowMs - Math.min(...windows));
  const prefix = tracePrefix(cs.flatMap((c) => (c.kind === 'trace' ? [c.prefix] : [])));
  if (prefix === null) empty = true;
  else if (prefix !== undefined) filter.traceIdPrefix = prefix;

  const error = cs.some((c) => c.kind === 'error');
  const keys = badgeKeys(cs, ctx.genaiNameKeys);
  if (keys !== null && keys.size === 0) empty = true;
  const attrs = attrConditions(cs);
  const positive = query.terms.filter((t) => !t.exclude).map(tokenTerm);
  const negative = query.terms.filter((t) => t.exclude).map(tokenTerm);
  const hasSpanConditions = error || keys !== null || attrs.length > 0;
  // Necessary trace-level conditions of the span-level ones: narrow in SQL (exact when alone).
  if (error && keys !== null) filter.errorGenaiKeys = [...keys];
  else if (error) filter.error = true;
  else if (keys !== null) filter.genaiKeys = [...traceBadgeKeys(cs, ctx.genaiNameKeys)!];
  const usage = usageBounds(cs);
  if (usage) filter.hasGenai = true;
  // Span-level conditions are checked per candidate span only when the index supplies candidates.
  const span: SpanPredicate | null = hasSpanConditions && (positive.length > 0 || attrs.length > 0) ? { error, genaiKeys: keys, attrs } : null;
  const users = [...new Set(cs.flatMap((c) => (c.kind === 'user' ? [c.id] : [])))];
  return { empty, filter, span, positive, negative, users, usage, hasSpanConditions };
}

/** The span-level conditions of a trace plan, for reporting which spans of a hit match (no text). */
export function spanConditions(query: TraceQuery, ctx: PlanContext): SpanPredicate {
  return { error: query.conditions.some((c) => c.kind === 'error'), genaiKeys: badgeKeys(query.conditions, ctx.genaiNameKeys), attrs: attrConditions(query.conditions) };
}

/** Plans Find in a trace (module comment). */
export function planFind(query: TraceQuery, ctx: PlanContext): FindPlan {
  const cs = query.conditions;
  const keys = badgeKeys(cs, ctx.genaiNameKeys);
  const d = durationBounds(cs);
  const windows = cs.flatMap((c) => (c.kind === 'last' ? [c.windowMs] : []));
  const prefixesOfTrace = cs.flatMap((c) => (c.kind === 'trace' ? [c.prefix] : []));
  return {
    empty: (keys !== null && keys.size === 0) || (d.min !== null && d.max !== null && d.min > d.max),
    sessionIds: [...new Set(cs.flatMap((c) => (c.kind === 'session' ? [c.id] : [])))],
    users: [...new Set(cs.flatMap((c) => (c.kind === 'user' ? [c.id] : [])))],
    sinceMs: windows.length > 0 ? ctx.nowMs - Math.min(...windows) : null,
    tracePrefixes: prefixesOfTrace,
    error: cs.some((c) => c.kind === 'error'),
    genaiKeys: keys,
    servicePrefixes: prefixes(cs, 'service'),
    minDurationNs: d.min,
    maxDurationNs: d.max,
    attrs: attrConditions(cs),
    usage: usageBounds(cs),
    positive: query.terms.filter((t) => !t.exclude).map(tokenTerm),
    negative: query.terms.filter((t) => t.exclude).map(tokenTerm),
  };
}

/**
 * Positive words in the order to query them: phrases and longer words first (usually rarer, so
 * the candidate set shrinks early), prefix words last (a prefix reads many words' postings).
 */
export function termOrder(terms: readonly TokenTerm[]): TokenTerm[] {
  const weight = (t: TokenTerm) => (t.prefix ? -1e6 : 0) + t.tokens.length * 100 + t.tokens.join('').length;
  return [...terms].sort((a, b) => weight(b) - weight(a));
}

/** Trace ids as a set (helper for the engine's intersections). */
export function intersect(a: ReadonlySet<TraceId> | null, b: ReadonlySet<TraceId>): Set<TraceId> {
  if (a === null) return new Set(b);
  const out = new Set<TraceId>();
  for (const id of b) if (a.has(id)) out.add(id);
  return out;
}
