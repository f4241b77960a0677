/**
 * Pure presentation helpers for GenAI facts, shared by the Traces tree (extension host) and the
 * trace webview, so both show the same icons, labels and token counts.
 * Icons are codicon names (`$(name)` / `codicon-name`).
 */
import { describeCost, formatCostUsd, type TraceUsage } from './cost';
import type { TraceSummary } from './trace';
import type { GenAiBadge, GenAiOperationKind, GenAiUsage } from './genai';
import { formatInteger } from './format';

/** Codicon per GenAI operation kind. */
export function genaiKindIcon(kind: GenAiOperationKind): string {
  switch (kind) {
    case 'llm':
      return 'sparkle';
    case 'embeddings':
      return 'symbol-array';
    case 'tool':
      return 'tools';
    case 'agent':
      return 'robot';
    case 'workflow':
      return 'type-hierarchy';
    case 'retriever':
      return 'search';
    case 'reranker':
      return 'list-ordered';
    case 'guardrail':
      return 'shield';
    case 'evaluator':
      return 'checklist';
    case 'other':
      return 'symbol-misc';
    default:
      return 'symbol-misc';
  }
}

/** Human label per GenAI operation kind. */
export function genaiKindLabel(kind: GenAiOperationKind): string {
  switch (kind) {
    case 'llm':
      return 'Model call';
    case 'embeddings':
      return 'Embeddings';
    case 'tool':
      return 'Tool call';
    case 'agent':
      return 'Agent';
    case 'workflow':
      return 'Workflow';
    case 'retriever':
      return 'Retriever';
    case 'reranker':
      return 'Reranker';
    case 'guardrail':
      return 'Guardrail';
    case 'evaluator':
      return 'Evaluator';
    case 'other':
      return 'GenAI operation';
    default:
      return 'GenAI operation';
  }
}

/**
 * A compact token count: `412`, `9,876`, `12.3k`, `1.2M` (below 10,000 as `toLocaleString('en-US')`
 * writes it, by `formatInteger`: no locale data loaded while the waterfall's first rows are built).
 */
export function formatTokenCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  if (n < 10_000) return formatInteger(n);
  if (n < 1_000_000) return `${Number((n / 1000).toFixed(n < 100_000 ? 1 : 0))}k`;
  return `${Number((n / 1_000_000).toFixed(1))}M`;
}

/** `412 in · 61 out`, `9 in`, or '' when neither count is known. */
export function formatTokensInOut(inputTokens: number | undefined, outputTokens: number | undefined): string {
  const parts: string[] = [];
  if (inputTokens !== undefined) parts.push(`${formatTokenCount(inputTokens)} in`);
  if (outputTokens !== undefined) parts.push(`${formatTokenCount(outputTokens)} out`);
  return parts.join(' · ');
}

/** Total tokens of a usage: the reported total, else input + output when both are known. */
export function usageTotal(usage: GenAiUsage | undefined): number | undefined {
  if (!usage) return undefined;
  if (usage.totalTokens !== undefined) return usage.totalTokens;
  if (usage.inputTokens !== undefined && usage.outputTokens !== undefined) return usage.inputTokens + usage.outputTokens;
  return undefined;
}

/**
 * The subtle suffix of a waterfall or tree row: the model and token counts of a model call, the
 * agent or tool name when the span name does not already say it. '' when there is nothing to add.
 */
export function genaiRowSuffix(badge: GenAiBadge, spanName: string): string {
  const parts: string[] = [];
  const has = (s: string | undefined): s is string => !!s && !spanName.includes(s);
  switch (badge.kind) {
    case 'agent':
      if (has(badge.agentName)) parts.push(badge.agentName);
      break;
    case 'tool':
      if (has(badge.toolName)) parts.push(badge.toolName);
      break;
    default:
      // `chat gpt-4o-mini` answered by `gpt-4o-mini-2024-07-18` needs no repetition.
      if (has(badge.model) && !spanName.split(/\s+/).some((w) => w.length >= 4 && badge.model!.startsWith(w))) parts.push(badge.model);
  }
  const tokens = formatTokensInOut(badge.inputTokens, badge.outputTokens);
  // Σ: the span reports its descendants' usage again (not counted twice in totals).
  if (tokens) parts.push(badge.usageIsAggregate ? `Σ ${tokens}` : tokens);
  return parts.join(' · ');
}

/** `text` on one line, cut to `max` characters with an ellipsis. */
export function shortenText(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, Math.max(1, max - 1)).trimEnd()}…` : oneLine;
}

/**
 * A run's cost and tokens for a list row: `$0.0123 · 1,272 tok`, `≥ $0.0123 · 1,272 tok` (some
 * calls unpriced), `— · 1,272 tok` (none priced); '' without usage.
 */
export function formatUsageShort(usage: TraceUsage | undefined): string {
  if (!usage) return '';
  const tokens = usage.tokens.total > 0 ? `${formatTokenCount(usage.tokens.total)} tok` : '';
  return [formatCostUsd(usage.cost), tokens].filter(Boolean).join(' · ');
}

/** Multi-line hover text for a run's usage: cost (how it was priced), tokens by type, model calls. */
export function describeUsage(usage: TraceUsage): string {
  const t = usage.tokens;
  const tokenParts = [`${formatInteger(t.input)} input`, `${formatInteger(t.output)} output`];
  if (t.cacheRead > 0) tokenParts.push(`${formatInteger(t.cacheRead)} cached`);
  if (t.cacheWrite > 0) tokenParts.push(`${formatInteger(t.cacheWrite)} cache write`);
  if (t.reasoning > 0) tokenParts.push(`${formatInteger(t.reasoning)} reasoning`);
  return [`Cost: ${formatCostUsd(usage.cost)} (${describeCost(usage.cost)})`, `Tokens: ${tokenParts.join(', ')}`, `Model calls: ${usage.modelCalls}`].join('\n');
}

/**
 * What a trace is called wherever it is listed (Traces view rows, Usage view points, the cost
 * status bar, the Usage view's scope): its first user message when captured, else its outermost
 * agent's name, else its root span name. Not shortened.
 */
export function traceTitle(summary: Pick<TraceSummary, 'firstUserMessage' | 'agentName' | 'rootName'>): string {
  return summary.firstUserMessage || summary.agentName || summary.rootName || '(unnamed span)';
}
