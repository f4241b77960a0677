/**
 * A trace's `TraceUsage` kept by adding and removing calls as they start or stop counting
 * (usageMarks.ts), from their cost columns (schema.sql): the same figures as queries/traceUsage.sql
 * sums over the trace (src/core/usage/runMetrics.ts `addUsage`, src/model/cost.ts `sumCosts`).
 * Money is added in whole picodollars (calls are priced to 1e-12 USD, `roundUsd`, and stored so:
 * `spans.cost_pico`), so removing a call leaves no float residue and the sum equals the one
 * computed in one go.
 */
import type { TraceUsage } from '../../model/cost';

/** The cost columns of one call (spans.call … usage_more). */
export interface CallColumns {
  call: number | null;
  cost_pico: number | null;
  usage_input: number | null;
  usage_output: number | null;
  usage_more: string | null;
}

const CALL_MODEL = 2;
const PICO = 1e12;

/** `TraceUsage` of a trace with no counted call. */
export function emptyUsage(): TraceUsage {
  return {
    cost: { costUsd: 0, isLowerBound: false, unpricedModels: [], reportedCount: 0, pricedCount: 0, unpricedCount: 0 },
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 },
    modelCalls: 0,
  };
}

/** `true` when list rows show the usage: model calls, tokens, or a known cost (src/core/usage/traceUsage.ts). */
export function showsUsage(u: TraceUsage): boolean {
  return u.modelCalls > 0 || u.tokens.total > 0 || u.cost.reportedCount + u.cost.pricedCount > 0;
}

/**
 * Adds (`sign` 1) or removes (-1) one counted call. @returns `true` when the call is unpriced (the
 * caller then reads the trace's unpriced labels again).
 */
export function addCall(u: TraceUsage, c: CallColumns, sign: 1 | -1): boolean {
  const call = c.call ?? 0;
  const status = (call >> 2) & 3;
  const cost = u.cost;
  if (status === 0) cost.unpricedCount += sign;
  else {
    if (status === 1) cost.pricedCount += sign;
    else cost.reportedCount += sign;
    cost.costUsd = (Math.round(cost.costUsd * PICO) + sign * (c.cost_pico ?? 0)) / PICO;
  }
  cost.isLowerBound = cost.unpricedCount > 0;
  if (call & CALL_MODEL) u.modelCalls += sign;
  const t = u.tokens;
  const input = c.usage_input;
  const output = c.usage_output;
  t.input += sign * (input ?? 0);
  t.output += sign * (output ?? 0);
  let total: number;
  const moreText = c.usage_more;
  if (moreText !== null && (input !== null || output !== null) && moreText.startsWith('{"t":') && !moreText.includes(',')) {
    // Only a total (JSON without a comma has one key), which input and output stand for: no
    // cache or reasoning tokens to add, nothing to parse.
    total = (input ?? 0) + (output ?? 0);
  } else if (moreText !== null) {
    const more = JSON.parse(moreText) as { t?: number; r?: number; w?: number; z?: number };
    t.cacheRead += sign * (more.r ?? 0);
    t.cacheWrite += sign * (more.w ?? 0);
    t.reasoning += sign * (more.z ?? 0);
    total = input !== null || output !== null ? (input ?? 0) + (output ?? 0) : (more.t ?? 0);
  } else total = (input ?? 0) + (output ?? 0);
  t.total += sign * total;
  return status === 0;
}
