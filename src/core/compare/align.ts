/**
 * Step alignment of two runs: each conversation item becomes a step with a key (kind and tool
 * name, agent name or model), the two key sequences are aligned by jsdiff's `diffArrays` (Myers'
 * O(ND) shortest edit script, i.e. a longest common subsequence of keys), and then, inside each
 * run of removed steps followed by added steps, steps of the same kind are paired in order as
 * `changed` (a model swapped, a tool renamed, a call with other arguments). Pure.
 */
import { diffArrays } from 'diff';
import type { CompareDelta, CompareRow, CompareStep, TextDiff } from '../../model/compare';
import { roundUsd } from '../../model/cost';
import type { ConversationItem } from '../../model/genai';
import { canonicalText, diffTexts, messagesText, partsText } from './textDiff';

/** A step and the texts compared for it (label → text; absent texts are left out). */
export interface StepWithTexts {
  step: CompareStep;
  texts: Map<string, string>;
}

/** Lower-case model name without a trailing date snapshot (`gpt-4o-2024-08-06` → `gpt-4o`). */
export function modelFamily(model: string | undefined): string {
  return (model ?? '').toLowerCase().replace(/-\d{4}-?\d{2}-?\d{2}$/, '');
}

/** A conversation item as a step with its compared texts. */
export function stepOf(item: ConversationItem): StepWithTexts {
  const texts = new Map<string, string>();
  const put = (label: string, text: string | undefined): void => {
    if (text !== undefined && text !== '') texts.set(label, text);
  };
  const base = { spanId: item.spanId, startOffsetMs: item.startOffsetMs, durationMs: item.durationMs };
  let step: CompareStep;
  switch (item.type) {
    case 'modelCall': {
      step = { ...base, kind: 'modelCall', name: item.model ?? 'model call', key: `modelCall:${modelFamily(item.model)}` };
      const u = item.usage;
      if (u) {
        const tokens = u.inputTokens !== undefined || u.outputTokens !== undefined ? (u.inputTokens ?? 0) + (u.outputTokens ?? 0) : u.totalTokens;
        if (tokens !== undefined) step.tokens = tokens;
      }
      if (item.cost && item.cost.status !== 'unpriced') step.costUsd = item.cost.costUsd;
      put('system instructions', partsText(item.systemInstructions));
      put('input', messagesText(item.newInputMessages));
      put('output', messagesText(item.outputMessages));
      break;
    }
    case 'toolCall':
      step = { ...base, kind: 'toolCall', name: item.name, key: `toolCall:${item.name}` };
      put('arguments', canonicalText(item.arguments));
      put('result', canonicalText(item.result));
      break;
    case 'agent':
      step = { ...base, kind: 'agent', name: item.agentName, key: `agent:${item.agentName}` };
      break;
    case 'guardrail': {
      step = { ...base, kind: 'guardrail', name: item.name, key: `guardrail:${item.guardrail.componentName ?? item.name}` };
      const g = item.guardrail;
      put('result', [g.resultType, g.resultValue, g.reason].filter((v) => v !== undefined && v !== '').join(' ') || undefined);
      break;
    }
  }
  if (item.error !== undefined) {
    step.error = item.error;
    put('error', item.error);
  }
  return { step, texts };
}

/** Right minus left of one step's tokens, cost, latency and errors (absent measures count as 0). */
export function stepDelta(left: CompareStep | undefined, right: CompareStep | undefined): CompareDelta {
  return {
    tokens: (right?.tokens ?? 0) - (left?.tokens ?? 0),
    costUsd: roundUsd((right?.costUsd ?? 0) - (left?.costUsd ?? 0)),
    latencyMs: (right?.durationMs ?? 0) - (left?.durationMs ?? 0),
    errors: (right?.error !== undefined ? 1 : 0) - (left?.error !== undefined ? 1 : 0),
  };
}

/** The text diffs of two steps, in the label order of the left step then new labels of the right. */
function textDiffs(left: StepWithTexts | undefined, right: StepWithTexts | undefined, changedOnly: boolean): TextDiff[] {
  const labels = [...new Set([...(left?.texts.keys() ?? []), ...(right?.texts.keys() ?? [])])];
  const diffs = labels.map((label) => diffTexts(label, left?.texts.get(label), right?.texts.get(label)));
  return changedOnly ? diffs.filter((d) => d.changed) : diffs;
}

function row(left: StepWithTexts | undefined, right: StepWithTexts | undefined): CompareRow {
  if (left && right) {
    const diffs = textDiffs(left, right, true);
    const sameName = left.step.name === right.step.name;
    const r: CompareRow = { status: diffs.length || !sameName ? 'changed' : 'same', left: left.step, right: right.step, diffs, delta: stepDelta(left.step, right.step) };
    return r;
  }
  const r: CompareRow = { status: left ? 'removed' : 'added', diffs: textDiffs(left, right, false), delta: stepDelta(left?.step, right?.step) };
  if (left) r.left = left.step;
  if (right) r.right = right.step;
  return r;
}

/**
 * Aligns two step sequences (left = older run): rows in order, each `same` (same key, same texts),
 * `changed` (same key with other texts, or a removed and an added step of the same kind paired),
 * `removed` (left only) or `added` (right only). Every step appears in exactly one row, in its
 * run's order.
 */
export function alignSteps(left: readonly StepWithTexts[], right: readonly StepWithTexts[]): CompareRow[] {
  const changes = diffArrays(
    left.map((s) => s.step.key),
    right.map((s) => s.step.key),
  );
  const rows: CompareRow[] = [];
  let i = 0;
  let j = 0;
  let removed: StepWithTexts[] = [];
  let added: StepWithTexts[] = [];
  const flush = (): void => {
    // Pair steps of the same kind, in order; the rest stay removed (first) and added.
    const pairs: CompareRow[] = [];
    const usedAdded = new Set<number>();
    let from = 0;
    for (const l of removed) {
      const k = added.findIndex((a, index) => index >= from && !usedAdded.has(index) && a.step.kind === l.step.kind);
      if (k < 0) {
        pairs.push(row(l, undefined));
        continue;
      }
      // Added steps before the match have no partner on the left.
      for (let x = from; x < k; x++) {
        if (!usedAdded.has(x)) {
          usedAdded.add(x);
          pairs.push(row(undefined, added[x]));
        }
      }
      usedAdded.add(k);
      from = k + 1;
      pairs.push(row(l, added[k]));
    }
    added.forEach((a, index) => {
      if (!usedAdded.has(index)) pairs.push(row(undefined, a));
    });
    rows.push(...pairs);
    removed = [];
    added = [];
  };
  for (const c of changes) {
    if (c.removed) {
      removed.push(...left.slice(i, i + c.count));
      i += c.count;
    } else if (c.added) {
      added.push(...right.slice(j, j + c.count));
      j += c.count;
    } else {
      flush();
      for (let n = 0; n < c.count; n++) rows.push(row(left[i + n], right[j + n]));
      i += c.count;
      j += c.count;
    }
  }
  flush();
  return rows;
}
