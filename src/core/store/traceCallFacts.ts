/**
 * The GenAI spans of one trace as the store keeps them in columns, without their details: each
 * span's badge (kind, model, agent or tool name) and, for a call, its cost facts (usageColumns.ts:
 * model call or not, aggregate or not, usage, price status and cost). Read by
 * queries/traceGenAiFacts.sql, one range scan that never touches `span_details` (attributes,
 * prompts, completions), so it covers every GenAI span of a trace of any size cheaply. Input of
 * the run metrics of traces with more GenAI spans than `traceGenAiSpans` loads
 * (src/core/usage/columnViews.ts).
 */
import type { GenAiBadge, GenAiUsage } from '../../model/genai';
import type { SpanId, TraceId } from '../../model/trace';
import { unpackBadge } from './codec';
import type { PreparedQuery } from './statement';
import { CALL_CANDIDATE, CALL_IS } from './usageMarks';

/** `spans.call` bit of a model call (usageColumns.ts). */
const CALL_MODEL = 2;
/** `spans.call` price status (bits 2-3, usageColumns.ts `STATUS_CODE`). */
const STATUS = ['unpriced', 'priced', 'reported'] as const;

/** The cost facts a call was stored with (schema.sql `spans.call` … `usage_more`). */
export interface StoredCallColumns {
  /** Kind `llm` or `embeddings` when written (`CallFacts.modelCall`). */
  modelCall: boolean;
  /** The span's usage repeats its descendants' (`CallFacts.aggregate`). */
  aggregate: boolean;
  usage?: GenAiUsage;
  /** How the store priced it (with the pricer it had then). */
  status: (typeof STATUS)[number];
  /** The priced or reported cost in USD (whole picodollars, as stored); absent when unpriced. */
  costUsd?: number;
}

/** One GenAI span of a trace from its columns. */
export interface StoredGenAiFacts {
  spanId: SpanId;
  badge: GenAiBadge;
  /** Present when the span is a call (a model call, or carries usage or a cost). */
  call?: StoredCallColumns;
}

/**
 * Reads every GenAI span of `traceId` (primary-key order) with traceGenAiFacts.sql (`q`); `names`
 * is the store's badge name dictionary. Empty when the trace is not stored or has no GenAI span.
 */
export function readTraceGenAiFacts(q: PreparedQuery, traceId: TraceId, names: readonly string[]): StoredGenAiFacts[] {
  const row = q.first({ trace_id: traceId });
  if (!row || row[0] === null) return [];
  const col = <T>(i: number): T[] => JSON.parse(row[i] as string) as T[];
  const ids = col<string>(0);
  const genai = col<number>(1);
  const tokens = col<number | null>(2);
  const calls = col<number | null>(3);
  const costs = col<number | null>(4);
  const inputs = col<number | null>(5);
  const outputs = col<number | null>(6);
  const more = col<{ t?: number; r?: number; w?: number; z?: number } | null>(7);
  const out: StoredGenAiFacts[] = [];
  for (let i = 0; i < ids.length; i++) {
    const facts: StoredGenAiFacts = { spanId: ids[i]!, badge: unpackBadge(genai[i]!, tokens[i]!, names) };
    const call = calls[i];
    if (call !== null && call !== undefined && call & CALL_IS) {
      const c: StoredCallColumns = {
        modelCall: (call & CALL_MODEL) !== 0,
        aggregate: (call & CALL_CANDIDATE) === 0,
        status: STATUS[(call >> 2) & 3] ?? 'unpriced',
      };
      const usage = usageOf(inputs[i] ?? null, outputs[i] ?? null, more[i] ?? null);
      if (usage) c.usage = usage;
      const pico = costs[i];
      if (c.status !== 'unpriced' && pico !== null && pico !== undefined) c.costUsd = pico / 1e12;
      facts.call = c;
    }
    out.push(facts);
  }
  return out;
}

/** A call's `GenAiUsage` from its usage columns (usageColumns.ts `params`); `undefined` when it has none. */
function usageOf(input: number | null, output: number | null, more: { t?: number; r?: number; w?: number; z?: number } | null): GenAiUsage | undefined {
  if (input === null && output === null && more === null) return undefined;
  const u: GenAiUsage = {};
  if (input !== null) u.inputTokens = input;
  if (output !== null) u.outputTokens = output;
  if (more?.t !== undefined && more.t !== null) u.totalTokens = more.t;
  if (more?.r !== undefined && more.r !== null) u.cacheReadTokens = more.r;
  if (more?.w !== undefined && more.w !== null) u.cacheWriteTokens = more.w;
  if (more?.z !== undefined && more.z !== null) u.reasoningTokens = more.z;
  return u;
}
