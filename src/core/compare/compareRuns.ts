/**
 * `compareRuns`: two runs (each its summary, normalized conversation, skeleton spans and model
 * call settings) → `TraceComparison` (src/model/compare.ts). The conversations are built by
 * `buildConversation` from normalized views, so runs from different conventions compare step by
 * step. Pure.
 */
import { MAX_COMPARE_ROWS, type CompareDelta, type CompareTotals, type TextDiff, type TraceComparison } from '../../model/compare';
import { roundUsd } from '../../model/cost';
import type { TraceConversation } from '../../model/genai';
import type { SkeletonSpan, TraceSummary } from '../../model/trace';
import { alignSteps, stepOf } from './align';
import { parameterChanges, runSettings, toolDefinitionChanges, type CallSettings } from './settings';
import { compareSpans } from './spans';
import { summaryLine } from './summary';
import { diffTexts, partText, partsText } from './textDiff';

/** One run as the comparison reads it. */
export interface CompareRunInput {
  summary: TraceSummary;
  conversation: TraceConversation;
  /** The skeleton's spans (every span, for the span path comparison). */
  spans: readonly SkeletonSpan[];
  /** Settings of the run's model calls, in start order (src/core/compare/settings.ts). */
  calls: readonly CallSettings[];
}

/** Totals of a run: tokens and cost from the summary's usage (each call counted once), steps from the conversation. */
export function runTotals(run: CompareRunInput): CompareTotals {
  const u = run.summary.usage;
  const items = run.conversation.items;
  return {
    tokens: u?.tokens.total ?? 0,
    inputTokens: u?.tokens.input ?? 0,
    outputTokens: u?.tokens.output ?? 0,
    costUsd: u?.cost.costUsd ?? 0,
    costIsLowerBound: u?.cost.isLowerBound ?? false,
    durationMs: run.summary.durationMs,
    modelCalls: u?.modelCalls ?? items.filter((i) => i.type === 'modelCall').length,
    toolCalls: items.filter((i) => i.type === 'toolCall').length,
    errors: run.summary.errorCount,
    spanCount: run.summary.spanCount,
  };
}

/**
 * Whole-run texts: `user input` (every user message's text parts of the model calls' new input,
 * in order), `system instructions` (the first call's instructions, or its system messages) and
 * `answer` (the text of the last model call's output).
 */
export function runTexts(conversation: TraceConversation): { userInput?: string; system?: string; answer?: string } {
  const user: string[] = [];
  let system: string | undefined;
  let answer: string | undefined;
  for (const item of conversation.items) {
    if (item.type !== 'modelCall') continue;
    for (const m of item.newInputMessages) {
      const text = m.parts.filter((p) => p.type === 'text').map(partText).filter((t) => t !== '').join('\n');
      if (m.role === 'user' && text) user.push(text);
      if (m.role === 'system' && text && system === undefined) system = text;
    }
    system ??= partsText(item.systemInstructions);
    const out = item.outputMessages.flatMap((m) => m.parts.filter((p) => p.type === 'text').map(partText)).filter((t) => t !== '');
    if (out.length) answer = out.join('\n');
  }
  const texts: { userInput?: string; system?: string; answer?: string } = {};
  if (user.length) texts.userInput = user.join('\n\n');
  if (system !== undefined) texts.system = system;
  if (answer !== undefined) texts.answer = answer;
  return texts;
}

/** Compares `left` (the older, base run) with `right`. */
export function compareRuns(left: CompareRunInput, right: CompareRunInput): TraceComparison {
  const leftTotals = runTotals(left);
  const rightTotals = runTotals(right);
  const lt = runTexts(left.conversation);
  const rt = runTexts(right.conversation);
  const texts: TextDiff[] = [
    diffTexts('user input', lt.userInput, rt.userInput),
    diffTexts('system instructions', lt.system, rt.system),
    diffTexts('answer', lt.answer, rt.answer),
  ].filter((t) => t.left !== undefined || t.right !== undefined);
  let rows = alignSteps(left.conversation.items.map(stepOf), right.conversation.items.map(stepOf));
  const rowsTruncated = rows.length > MAX_COMPARE_ROWS;
  if (rowsTruncated) rows = rows.slice(0, MAX_COMPARE_ROWS);
  const ls = runSettings(left.calls);
  const rs = runSettings(right.calls);
  const parameters = parameterChanges(ls, rs);
  const spans = compareSpans(left.spans, right.spans);
  const delta: CompareDelta = {
    tokens: rightTotals.tokens - leftTotals.tokens,
    costUsd: roundUsd(rightTotals.costUsd - leftTotals.costUsd),
    latencyMs: rightTotals.durationMs - leftTotals.durationMs,
    errors: rightTotals.errors - leftTotals.errors,
  };
  const comparison: TraceComparison = {
    left: left.summary,
    right: right.summary,
    leftTotals,
    rightTotals,
    summary: summaryLine(leftTotals, rightTotals, rows, texts, parameters),
    texts,
    rows,
    toolDefinitions: toolDefinitionChanges(ls, rs),
    parameters,
    spans: spans.changes,
    delta,
  };
  if (rowsTruncated) comparison.rowsTruncated = true;
  if (spans.truncated) comparison.spansTruncated = true;
  return comparison;
}
