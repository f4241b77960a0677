/**
 * The `get_trace` answer (also the trace text the @tracelens prompts are built from): the run's
 * summary, cost and tokens, the diagnostics' findings, its errors with exception messages and
 * resolved stack frames, the conversation in compact text (the user's question, each model call's
 * new input and output, tool calls with arguments and results) and an outline of the span tree.
 * Long conversations keep their start and end (question and answer) and drop the middle. Pure.
 */
import type { ConversationItem, TraceConversation } from '../../model/genai';
import type { LocatedFinding } from '../../model/diagnostics';
import { formatCostUsd } from '../../model/cost';
import { formatDuration, formatOffset } from '../../model/format';
import { buildHierarchy } from '../../model/spanHierarchy';
import type { SkeletonSpan, SpanDetail, TraceSkeleton, TraceSummary } from '../../model/trace';
import { findingLine, isoTime, traceLabel, usageText } from './format';
import { errorLines, messageLines, partText, usageLine, type SourceResolver } from './spanText';
import { andMore, fitBlocks, fold, type ContentPolicy, type OutputBuilder } from './text';

/** Spans with errors described in detail (status, exceptions, frames); the rest are counted. */
export const MAX_ERROR_SPANS = 5;
/** Findings listed per trace. */
const MAX_TRACE_FINDINGS = 20;

/** Everything `writeTrace` needs, fetched by the caller (src/core/agents/tools.ts). */
export interface TraceParts {
  summary: TraceSummary;
  conversation: TraceConversation | null;
  skeleton: TraceSkeleton | null;
  findings: LocatedFinding[];
  /** Details of the first `MAX_ERROR_SPANS` spans with an error status or an exception. */
  errorDetails: SpanDetail[];
}

/** Spans of a skeleton with an error status or an exception event, in start order. */
export function errorSpans(skeleton: TraceSkeleton | null): SkeletonSpan[] {
  return (skeleton?.spans ?? []).filter((s) => s.statusCode === 'error' || s.hasException);
}

/** Resolves a finding's primary location to `file:line` (workspace-relative when possible). */
async function findingWhere(f: LocatedFinding, resolve: SourceResolver | undefined): Promise<string | null> {
  const loc = f.locations[0];
  if (!loc) return null;
  try {
    const resolved = resolve ? await resolve(loc.path, loc.line, loc.hints) : null;
    return resolved ?? `${loc.path}${loc.line ? `:${loc.line}` : ''}`;
  } catch {
    return `${loc.path}${loc.line ? `:${loc.line}` : ''}`;
  }
}

/** Writes the `get_trace` answer into `out`. */
export async function writeTrace(out: OutputBuilder, parts: TraceParts, policy: ContentPolicy, resolve: SourceResolver | undefined): Promise<void> {
  const s = parts.summary;
  out.line(`# Trace ${s.traceId}: ${traceLabel(s, policy, 300)}`);
  out.line(
    [
      s.serviceName ? `service ${policy.text(s.serviceName)}` : '',
      s.agentName ? `agent ${policy.text(s.agentName)}` : '',
      s.sessionId ? `session ${policy.text(s.sessionId)}` : '',
      `root span "${policy.text(s.rootName)}"`,
      `started ${isoTime(s.startTimeUnixNano)}`,
      `duration ${formatDuration(s.durationMs)}`,
      `${s.spanCount} spans`,
      `${s.errorCount} with errors`,
      s.hasRoot ? '' : 'incomplete (root span not received yet)',
    ]
      .filter(Boolean)
      .join('; '),
  );
  out.line(s.usage ? `usage: ${usageText(s.usage)}` : 'usage: no model calls with token usage');

  if (parts.findings.length) {
    out.line(`## Findings (${parts.findings.length})`);
    for (const f of parts.findings.slice(0, MAX_TRACE_FINDINGS)) out.line(findingLine(f, policy, await findingWhere(f, resolve), false));
    if (parts.findings.length > MAX_TRACE_FINDINGS) out.line(andMore(parts.findings.length - MAX_TRACE_FINDINGS, 'findings (list_findings)'));
  }

  const failing = errorSpans(parts.skeleton);
  if (failing.length) {
    out.line(`## Errors (${failing.length} span${failing.length === 1 ? '' : 's'})`);
    for (const d of parts.errorDetails) {
      out.line(`- span ${d.span.spanId} "${policy.text(d.span.name)}"`);
      out.lines(await errorLines(d, policy, resolve));
    }
    if (failing.length > parts.errorDetails.length) {
      const rest = failing.slice(parts.errorDetails.length);
      out.line(`${andMore(rest.length, 'spans with errors')}: ${rest.slice(0, 20).map((x) => x.spanId).join(', ')} (get_span for details)`);
    }
  }

  const items = parts.conversation?.items ?? [];
  const spans = parts.skeleton?.spans ?? [];
  const outline = spans.length ? outlineLines(parts.skeleton!, policy) : [];
  if (items.length) {
    const outlineShare = Math.min(outline.reduce((n, l) => n + l.length + 1, 0), Math.floor(out.remaining * 0.2));
    const valueMax = Math.max(300, Math.floor(out.budget / 10));
    const blocks = mergeAgentLines(items.map((item) => ({ item, text: conversationBlock(item, policy, valueMax) })));
    const room = Math.max(400, out.remaining - outlineShare - 200);
    const fitted = fitBlocks(blocks, room, (n) => `…${n} steps omitted here to fit the budget (get_span on their spans, or raise traceLens.agents.outputBudgetCharacters)`);
    out.line(`## Conversation (${items.length} steps${parts.conversation?.truncated ? ', stopped early: the trace has more GenAI spans than are loaded' : ''})`);
    if (parts.conversation && parts.conversation.contentMissingCount > 0) out.line(`(${parts.conversation.contentMissingCount} model calls without captured content)`);
    out.line(fitted.text);
  } else {
    out.line('## Conversation: none (no GenAI model or tool spans in this trace)');
  }

  if (outline.length) {
    out.line(`## Spans (${spans.length}; depth by indentation)`);
    const fitted = fitBlocks(outline, Math.max(200, out.remaining - 50), (n) => `…${n} spans omitted (get_span with a span id)`);
    out.line(fitted.text);
  }
}

/**
 * Agent steps are one line each: they go into the block of the step after them, so the first
 * block a long conversation keeps is the first model call (the user's question), not a bare
 * agent line.
 */
function mergeAgentLines(blocks: readonly { item: ConversationItem; text: string }[]): string[] {
  const out: string[] = [];
  let pending: string[] = [];
  for (const b of blocks) {
    if (b.item.type === 'agent' && !b.item.error) {
      pending.push(b.text);
      continue;
    }
    out.push([...pending, b.text].join('\n'));
    pending = [];
  }
  if (pending.length) out.push(pending.join('\n'));
  return out;
}

/** One conversation step as a block of lines. */
export function conversationBlock(item: ConversationItem, policy: ContentPolicy, max: number): string {
  const at = `[${formatOffset(item.startOffsetMs)}]`;
  const lines: string[] = [];
  switch (item.type) {
    case 'modelCall': {
      const facts = [
        `span ${item.spanId}`,
        formatDuration(item.durationMs),
        usageLine(item.usage),
        item.cost ? `cost ${formatCostUsd(item.cost)}` : '',
      ].filter(Boolean);
      lines.push(`${at} model call${item.model ? ` ${policy.text(item.model)}` : ''} (${facts.join('; ')})`);
      if (item.systemInstructions?.length) lines.push(`  system: ${item.systemInstructions.map((p) => partText(p, policy, max)).join(' ')}`);
      if (item.newInputMessages.length) lines.push(...messageLines(item.newInputMessages, policy, max));
      if (item.outputMessages.length) lines.push(...messageLines(item.outputMessages, policy, max).map((l) => l.replace(/^ {2}/, '  ⇒ ')));
      if (item.contentMissing) lines.push(`  (content not captured${item.contentCaptureHint ? `: ${item.contentCaptureHint}` : ''})`);
      if (item.error) lines.push(`  ERROR: ${fold(policy.text(item.error), 800)}`);
      break;
    }
    case 'toolCall': {
      const facts = [`span ${item.spanId}`, formatDuration(item.durationMs), item.callId ? `call id ${policy.text(item.callId)}` : '', item.mcp?.server ? `MCP server ${policy.text(item.mcp.server)}` : ''].filter(Boolean);
      lines.push(`${at} tool call ${policy.text(item.name)} (${facts.join('; ')})`);
      if (item.arguments !== undefined) lines.push(`  arguments: ${policy.content(item.arguments, max)}`);
      if (item.result !== undefined) lines.push(`  result: ${policy.content(item.result, max)}`);
      if (item.error) lines.push(`  ERROR: ${fold(policy.text(item.error), 800)}`);
      break;
    }
    case 'agent':
      lines.push(`${at} agent ${policy.text(item.agentName)} (span ${item.spanId}; ${formatDuration(item.durationMs)})${item.error ? ` ERROR: ${fold(policy.text(item.error), 800)}` : ''}`);
      break;
    case 'guardrail': {
      const g = item.guardrail;
      const verdict = [g.resultType, g.resultValue, g.reason].filter(Boolean).map((v) => policy.text(String(v))).join(' ');
      lines.push(`${at} guardrail ${policy.text(item.name)} (span ${item.spanId})${verdict ? `: ${verdict}` : ''}${item.error ? ` ERROR: ${fold(policy.text(item.error), 800)}` : ''}`);
      break;
    }
  }
  for (const e of ('evaluations' in item ? item.evaluations : undefined) ?? []) {
    lines.push(`  evaluation ${policy.text(e.name)}: ${[e.scoreLabel, e.scoreValue].filter((v) => v !== undefined).join(' ')}`);
  }
  return lines.join('\n');
}

/** The span tree as indented lines: name, GenAI kind and model/tool, status, duration, span id. */
export function outlineLines(skeleton: TraceSkeleton, policy: ContentPolicy): string[] {
  const h = buildHierarchy(skeleton.spans);
  const lines: string[] = [];
  const visit = (span: SkeletonSpan, depth: number): void => {
    const g = span.genai;
    const what = g ? [g.kind, g.model, g.toolName, g.agentName].filter(Boolean).map((v) => policy.text(String(v))).join(' ') : '';
    const flags = [span.statusCode === 'error' ? 'ERROR' : '', span.hasException ? 'exception' : ''].filter(Boolean).join(', ');
    lines.push(`${'  '.repeat(Math.min(depth, 20))}- ${fold(policy.text(span.name), 120)}${what ? ` [${what}]` : ''} ${formatDuration(span.durationMs)} (span ${span.spanId})${flags ? ` ${flags}` : ''}`);
    for (const c of h.children.get(span.spanId) ?? []) visit(c, depth + 1);
  };
  for (const m of h.missingParents) {
    lines.push(`- (missing parent span ${m.spanId})`);
    for (const c of h.children.get(m.spanId) ?? []) visit(c, 1);
  }
  for (const r of h.roots) visit(r, 0);
  return lines;
}
