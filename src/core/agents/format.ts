/**
 * One-line descriptions shared by the agent tools' answers (src/core/agents): a trace, a
 * session, a cost, tokens, a finding. Compact plain text with the ids an agent passes to the
 * next tool. Pure.
 */
import { formatCostUsd, formatRatio, type CostTotal, type TokenTotals, type TraceUsage } from '../../model/cost';
import type { Finding, LocatedFinding } from '../../model/diagnostics';
import { formatDuration } from '../../model/format';
import { formatTokenCount, shortenText } from '../../model/genaiFormat';
import type { SessionSummary, TraceSummary } from '../../model/trace';
import { CONTENT_HIDDEN, fold, type ContentPolicy } from './text';

/** A Unix-nanosecond decimal string as an ISO 8601 UTC time (`2026-01-02T03:04:05.678Z`), or `?`. */
export function isoTime(unixNano: string): string {
  try {
    const ms = Number(BigInt(unixNano) / 1_000_000n);
    return ms > 0 ? new Date(ms).toISOString() : '?';
  } catch {
    return '?';
  }
}

/**
 * What a trace is called for an agent: its first user message (content: hidden when content is
 * off), else its agent name, else its root span name.
 */
export function traceLabel(summary: Pick<TraceSummary, 'firstUserMessage' | 'agentName' | 'rootName'>, policy: ContentPolicy, max = 120): string {
  if (summary.firstUserMessage && policy.includeContent) return `"${shortenText(policy.text(summary.firstUserMessage), max)}"`;
  return policy.text(summary.agentName || summary.rootName || '(unnamed span)');
}

/** `$0.0123` / `≥ $0.0123 (unpriced: m1, m2)` / `unknown (no price for …)`. */
export function costText(cost: CostTotal): string {
  const amount = formatCostUsd(cost);
  if (cost.reportedCount + cost.pricedCount === 0) {
    return cost.unpricedCount > 0 ? `unknown (no price for ${cost.unpricedModels.join(', ')})` : 'none';
  }
  return cost.isLowerBound ? `${amount} (lower bound: no price for ${cost.unpricedModels.join(', ')})` : amount;
}

/** `1,234 in (200 cached) / 56 out (10 reasoning), 1,290 total`. */
export function tokensText(t: TokenTotals): string {
  const input = `${formatTokenCount(t.input)} in${t.cacheRead > 0 ? ` (${formatTokenCount(t.cacheRead)} cached)` : ''}${t.cacheWrite > 0 ? ` (${formatTokenCount(t.cacheWrite)} cache write)` : ''}`;
  const output = `${formatTokenCount(t.output)} out${t.reasoning > 0 ? ` (${formatTokenCount(t.reasoning)} reasoning)` : ''}`;
  return `${input} / ${output}, ${formatTokenCount(t.total)} total`;
}

/** `cost $0.0123, tokens …, 3 model calls` for a run's usage; '' without. */
export function usageText(usage: TraceUsage | undefined): string {
  if (!usage) return '';
  return `cost ${costText(usage.cost)}; tokens ${tokensText(usage.tokens)}; ${usage.modelCalls} model call${usage.modelCalls === 1 ? '' : 's'}`;
}

/** One line per trace for lists: id, label, service/agent, start, duration, spans, errors, cost, findings, session. */
export function traceLine(s: TraceSummary, policy: ContentPolicy): string {
  const parts = [
    `trace ${s.traceId}`,
    traceLabel(s, policy),
    s.serviceName ? `service ${policy.text(s.serviceName)}` : '',
    s.agentName ? `agent ${policy.text(s.agentName)}` : '',
    isoTime(s.startTimeUnixNano),
    formatDuration(s.durationMs),
    `${s.spanCount} span${s.spanCount === 1 ? '' : 's'}`,
    s.errorCount > 0 ? `${s.errorCount} error${s.errorCount === 1 ? '' : 's'}` : '',
    s.usage ? `cost ${costText(s.usage.cost)}, ${formatTokenCount(s.usage.tokens.total)} tokens` : '',
    s.findings ? `${s.findings.count} finding${s.findings.count === 1 ? '' : 's'} (worst: ${s.findings.worst})` : '',
    s.sessionId ? `session ${policy.text(s.sessionId)}` : '',
    s.hasRoot ? '' : 'incomplete: root span not received yet',
  ];
  return `- ${parts.filter(Boolean).join(' · ')}`;
}

/** One line per session. */
export function sessionLine(s: SessionSummary, policy: ContentPolicy): string {
  const label = policy.includeContent ? `"${shortenText(policy.text(s.firstTraceLabel), 100)}"` : '';
  const parts = [
    `session ${policy.text(s.sessionId)}`,
    label,
    `${s.traceCount} trace${s.traceCount === 1 ? '' : 's'}`,
    `${isoTime(s.startTimeUnixNano)} → ${isoTime(s.endTimeUnixNano)}`,
    s.errorCount > 0 ? `${s.errorCount} error${s.errorCount === 1 ? '' : 's'}` : '',
    s.usage ? `cost ${costText(s.usage.cost)}, ${formatTokenCount(s.usage.tokens.total)} tokens` : '',
  ];
  return `- ${parts.filter(Boolean).join(' · ')}`;
}

/**
 * A finding's sentence. Two detectors quote content (a loop's arguments, a swallowed error's
 * excerpt): with content off they are described without it.
 */
export function findingSentence(f: Finding, policy: ContentPolicy): string {
  if (!policy.includeContent) {
    if (f.detector === 'loop') return `Possible loop: ${policy.text(f.detail.toolName)} was called ${f.detail.count} times with the same arguments ${CONTENT_HIDDEN} (limit ${f.detail.limit}).`;
    if (f.detector === 'swallowed-tool-error') {
      return `Swallowed tool error: ${policy.text(f.detail.toolName ?? 'a tool')} reported success but its result shows an error (${f.detail.evidence}, ${CONTENT_HIDDEN}), and the run went on to the next model call.`;
    }
  }
  return policy.text(f.message);
}

/**
 * `- [warning] loop: … (trace …, span …) at src/agent.py:42`: a finding with its ids and, when
 * resolved, where its span was made.
 */
export function findingLine(f: LocatedFinding, policy: ContentPolicy, where: string | null, withTrace: boolean): string {
  const ids = withTrace ? `trace ${f.traceId}, span ${f.spanId}` : `span ${f.spanId}`;
  return `- [${f.severity}] ${f.detector}: ${fold(findingSentence(f, policy), 600)} (${ids})${where ? ` at ${where}` : ''}`;
}

/** Tool success rate as text: `90% (9 of 10 succeeded)`, or `no tool calls`. */
export function toolSuccessText(toolCalls: number, toolErrors: number, rate: number | null): string {
  if (toolCalls === 0) return 'no tool calls';
  return `${formatRatio(rate)} (${toolCalls - toolErrors} of ${toolCalls} succeeded)`;
}
