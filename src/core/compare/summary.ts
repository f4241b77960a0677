/**
 * The one-line summary of a comparison (`cost +32%, 2 more tool calls, new error in get_weather`).
 * Pure.
 */
import type { CompareRow, CompareTotals, ParameterChange, TextDiff } from '../../model/compare';
import { formatUsd } from '../../model/cost';

/** Durations that moved less than this (percent) are left out of the summary (timing noise). */
export const DURATION_SUMMARY_MIN_PERCENT = 10;

/** `+32%` / `-8%`: the change from `a` to `b` in whole percent (rounded half away from zero); `undefined` when `a` is 0. */
export function percentChange(a: number, b: number): string | undefined {
  if (a === 0) return undefined;
  const pct = ((b - a) / a) * 100;
  const rounded = Math.sign(pct) * Math.round(Math.abs(pct));
  return rounded === 0 ? undefined : `${rounded > 0 ? '+' : ''}${rounded}%`;
}

function countChange(n: number, singular: string, plural: string): string | undefined {
  if (n === 0) return undefined;
  return `${Math.abs(n)} ${n > 0 ? 'more' : 'fewer'} ${Math.abs(n) === 1 ? singular : plural}`;
}

/** `get_weather`, `a, b`, `a, b and 2 more`. */
function names(list: readonly string[]): string {
  const unique = [...new Set(list)];
  return unique.length <= 3 ? unique.join(', ') : `${unique.slice(0, 3).join(', ')} and ${unique.length - 3} more`;
}

/**
 * The summary, in this order, each part only when it applies: `different user input`; `model A → B`;
 * `cost ±N%` (or `cost +$x` from zero); `tokens ±N%`; `duration ±N%` (only past
 * `DURATION_SUMMARY_MIN_PERCENT`); `N more/fewer model calls`; `N more/fewer tool calls`;
 * `new error(s) in <steps>` (a step with an error on the right whose left partner had none, or an
 * added step with an error); `error(s) gone in <steps>` (the reverse). `no change in cost, tokens,
 * steps or errors` when nothing applies.
 */
export function summaryLine(left: CompareTotals, right: CompareTotals, rows: readonly CompareRow[], texts: readonly TextDiff[], parameters: readonly ParameterChange[]): string {
  const parts: string[] = [];
  if (texts.find((t) => t.label === 'user input')?.changed) parts.push('different user input');
  const model = parameters.find((p) => p.name === 'model');
  if (model) parts.push(`model ${model.left ?? '(none)'} → ${model.right ?? '(none)'}`);
  const cost = percentChange(left.costUsd, right.costUsd);
  if (cost) parts.push(`cost ${cost}`);
  else if (left.costUsd === 0 && right.costUsd > 0) parts.push(`cost +${formatUsd(right.costUsd)}`);
  const tokens = percentChange(left.tokens, right.tokens);
  if (tokens) parts.push(`tokens ${tokens}`);
  if (left.durationMs > 0 && Math.abs((right.durationMs - left.durationMs) / left.durationMs) * 100 >= DURATION_SUMMARY_MIN_PERCENT) {
    const d = percentChange(left.durationMs, right.durationMs);
    if (d) parts.push(`duration ${d}`);
  }
  const modelCalls = countChange(right.modelCalls - left.modelCalls, 'model call', 'model calls');
  if (modelCalls) parts.push(modelCalls);
  const toolCalls = countChange(right.toolCalls - left.toolCalls, 'tool call', 'tool calls');
  if (toolCalls) parts.push(toolCalls);
  const newErrors: string[] = [];
  const goneErrors: string[] = [];
  for (const r of rows) {
    const le = r.left?.error !== undefined;
    const re = r.right?.error !== undefined;
    if (re && !le && r.right) newErrors.push(r.right.name);
    if (le && !re && r.left) goneErrors.push(r.left.name);
  }
  if (newErrors.length) parts.push(`new ${new Set(newErrors).size === 1 ? 'error' : 'errors'} in ${names(newErrors)}`);
  if (goneErrors.length) parts.push(`${new Set(goneErrors).size === 1 ? 'error' : 'errors'} gone in ${names(goneErrors)}`);
  return parts.length ? parts.join(', ') : 'no change in cost, tokens, steps or errors';
}
