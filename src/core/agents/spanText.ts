/**
 * The `get_span` answer and the pieces `get_trace` shares with it: a span's facts, attributes,
 * events, correlated log records, its GenAI view (model, tokens, messages, tool call), and its
 * errors with exception messages and app stack frames resolved to workspace `file:line`. Pure;
 * content goes through the `ContentPolicy` (src/core/agents/text.ts).
 */
import { describeCost } from '../../model/cost';
import { formatDuration, nanoDiffMs, severityName } from '../../model/format';
import type { GenAiMessage, GenAiMessagePart, GenAiSpanView, GenAiUsage } from '../../model/genai';
import { formatTokensInOut } from '../../model/genaiFormat';
import type { AttributeValue, SpanDetail } from '../../model/trace';
import { codeLocationOf, workingDirectoryOf } from '../source/codeLocation';
import { describeException } from '../source/codeIndex';
import { spanStacks } from '../source/spanSource';
import { isLibraryFrame, parseStackTrace } from '../source/stackTrace';
import { isoTime } from './format';
import { andMore, fold, valueText, type ContentPolicy, type OutputBuilder } from './text';

/** Hints that help resolve a path from a trace (as `ResolveHints`, src/core/source/resolve.ts). */
export interface SourceHints {
  workingDirectory?: string | null;
  format?: string | null;
  functionName?: string | null;
}

/** Resolves a path and 1-based line from a trace to workspace-relative `file:line`, `null` when not in the workspace. */
export type SourceResolver = (path: string, line: number | null, hints?: SourceHints) => Promise<string | null>;

/** App frames listed per stack trace. */
export const MAX_FRAMES_PER_STACK = 5;
/** Exceptions (events and log records) described per span. */
const MAX_EXCEPTIONS_PER_SPAN = 3;

/** `file:line` of a location: resolved (workspace-relative) when possible, else as sent. */
async function where(path: string, line: number | null, hints: SourceHints, resolve: SourceResolver | undefined, policy: ContentPolicy): Promise<string> {
  let resolved: string | null = null;
  if (resolve) {
    try {
      resolved = await resolve(path, line, hints);
    } catch {
      resolved = null;
    }
  }
  return policy.text(resolved ?? `${path}${line ? `:${line}` : ''}`);
}

/**
 * Lines describing a span's errors: status message, each exception (`exception.type: message`,
 * from span events and correlated log records) with up to `MAX_FRAMES_PER_STACK` app frames,
 * innermost first, resolved to `file:line`. Empty when the span has no error and no exception.
 */
export async function errorLines(detail: SpanDetail, policy: ContentPolicy, resolve: SourceResolver | undefined, indent = '  '): Promise<string[]> {
  const lines: string[] = [];
  const span = detail.span;
  if (span.status.code === 'error') lines.push(`${indent}status: error${span.status.message ? ` "${fold(policy.text(span.status.message), 500)}"` : ''}`);
  const workingDirectory = workingDirectoryOf(span.resource.attributes);
  const exceptions: { attributes: Record<string, AttributeValue>; from: string }[] = [];
  for (const e of span.events) if (e.name === 'exception') exceptions.push({ attributes: e.attributes, from: 'event' });
  for (const l of detail.logs) if (typeof l.attributes['exception.type'] === 'string' || typeof l.attributes['exception.message'] === 'string') exceptions.push({ attributes: l.attributes, from: 'log record' });
  for (const ex of exceptions.slice(0, MAX_EXCEPTIONS_PER_SPAN)) {
    const text = describeException(ex.attributes) || '(no type or message)';
    lines.push(`${indent}exception${ex.from === 'log record' ? ' (log record)' : ''}: ${fold(policy.text(text), 800)}`);
    const stack = ex.attributes['exception.stacktrace'];
    if (typeof stack === 'string' && stack.trim()) lines.push(...(await frameLines(stack, workingDirectory, policy, resolve, `${indent}  `)));
  }
  if (exceptions.length > MAX_EXCEPTIONS_PER_SPAN) lines.push(`${indent}${andMore(exceptions.length - MAX_EXCEPTIONS_PER_SPAN, 'exceptions')}`);
  if (lines.length === 0 && spanStacks(detail).length === 0) return lines;
  const code = codeLocationOf(span.attributes);
  if (code && lines.length > 0) {
    lines.push(`${indent}made at ${await where(code.filePath, code.line, { workingDirectory, functionName: code.functionName }, resolve, policy)}${code.functionName ? ` in ${policy.text(code.functionName)}` : ''}`);
  }
  return lines;
}

/** App frames of one stack trace, innermost first (`at file:line in fn`), and how many library frames were left out. */
async function frameLines(stack: string, workingDirectory: string | null, policy: ContentPolicy, resolve: SourceResolver | undefined, indent: string): Promise<string[]> {
  const parsed = parseStackTrace(stack);
  const ordered = parsed.format === 'python' ? [...parsed.frames].reverse() : parsed.frames;
  const app = ordered.filter((f) => !isLibraryFrame(f));
  const out: string[] = [];
  for (const f of app.slice(0, MAX_FRAMES_PER_STACK)) {
    const at = await where(f.file, f.line, { workingDirectory, format: f.format, functionName: f.function ?? null }, resolve, policy);
    out.push(`${indent}at ${at}${f.function ? ` in ${policy.text(f.function)}` : ''}`);
  }
  const libraryCount = ordered.length - app.length;
  const more = app.length - Math.min(app.length, MAX_FRAMES_PER_STACK);
  if (more > 0 || libraryCount > 0) out.push(`${indent}(${[more > 0 ? `${more} more app frames` : '', libraryCount > 0 ? `${libraryCount} library frames` : ''].filter(Boolean).join(', ')} not shown)`);
  if (parsed.frames.length === 0) out.push(`${indent}stack: ${fold(policy.text(stack.trim()), 600)}`);
  return out;
}

/** `1,234 in · 56 out (200 cached, 10 reasoning)`; '' without counts. */
export function usageLine(usage: GenAiUsage | undefined): string {
  if (!usage) return '';
  const base = formatTokensInOut(usage.inputTokens, usage.outputTokens);
  const extra = [
    usage.cacheReadTokens ? `${usage.cacheReadTokens} cached` : '',
    usage.cacheWriteTokens ? `${usage.cacheWriteTokens} cache write` : '',
    usage.reasoningTokens ? `${usage.reasoningTokens} reasoning` : '',
  ].filter(Boolean);
  const text = base || (usage.totalTokens !== undefined ? `${usage.totalTokens} total` : '');
  return text && extra.length ? `${text} (${extra.join(', ')})` : text;
}

/** One message part as text (content hidden or redacted and folded to `max`). */
export function partText(part: GenAiMessagePart, policy: ContentPolicy, max: number): string {
  switch (part.type) {
    case 'text':
      return policy.content(part.content, max);
    case 'reasoning':
      return `(reasoning) ${policy.content(part.content, max)}`;
    case 'tool_call':
      return `→ tool call ${policy.text(part.name)}${part.id ? ` (call id ${policy.text(part.id)})` : ''} arguments: ${policy.content(part.arguments ?? '', max)}`;
    case 'tool_call_response':
      return `← tool result${part.id ? ` (call id ${policy.text(part.id)})` : ''}: ${policy.content(part.response, max)}`;
    case 'media':
      return `[${[part.modality, part.mimeType].filter(Boolean).join(' ') || 'media'}${part.uri && policy.includeContent ? ` ${fold(policy.text(part.uri), 200)}` : ''}${part.sizeBytes ? `, ${part.sizeBytes} bytes` : ''}]`;
    case 'other':
      return policy.content(part.raw, max);
  }
}

/** Messages as `role: text` lines, one per part (`max` characters per part). */
export function messageLines(messages: readonly GenAiMessage[], policy: ContentPolicy, max: number, indent = '  '): string[] {
  const lines: string[] = [];
  for (const m of messages) {
    const role = `${policy.text(m.role)}${m.name ? ` (${policy.text(m.name)})` : ''}`;
    if (m.parts.length === 0) lines.push(`${indent}${role}: (empty)`);
    for (const p of m.parts) lines.push(`${indent}${role}: ${partText(p, policy, max)}`);
    if (m.finishReason) lines.push(`${indent}  (finish reason: ${policy.text(m.finishReason)})`);
  }
  return lines;
}

/** The GenAI view of a span as lines (model, tokens, cost, messages, tool call, agent, evaluations). */
export function genaiLines(g: GenAiSpanView, detail: SpanDetail, policy: ContentPolicy, max: number): string[] {
  const lines: string[] = [];
  const model = g.responseModel ?? g.requestModel;
  lines.push(
    `kind: ${g.kind}${g.provider ? `; provider ${policy.text(g.provider)}` : ''}${model ? `; model ${policy.text(model)}` : ''}${g.requestModel && g.responseModel && g.requestModel !== g.responseModel ? ` (requested ${policy.text(g.requestModel)})` : ''}`,
  );
  const tokens = usageLine(g.usage);
  if (tokens) lines.push(`tokens: ${tokens}${g.usageIsAggregate ? ' (repeats the calls under this span; not counted twice)' : ''}`);
  if (detail.cost) lines.push(`cost: ${describeCost(detail.cost)}`);
  if (g.finishReasons?.length) lines.push(`finish reasons: ${g.finishReasons.map((r) => policy.text(r)).join(', ')}`);
  if (g.agentName) lines.push(`agent: ${policy.text(g.agentName)}`);
  if (g.sessionId) lines.push(`session: ${policy.text(g.sessionId)}`);
  if (g.systemInstructions?.length) lines.push(`system instructions: ${g.systemInstructions.map((p) => partText(p, policy, max)).join(' ')}`);
  if (g.inputMessages?.length) lines.push('input messages:', ...messageLines(g.inputMessages, policy, max));
  if (g.outputMessages?.length) lines.push('output messages:', ...messageLines(g.outputMessages, policy, max));
  if (g.tool) {
    const t = g.tool;
    lines.push(`tool: ${policy.text(t.name ?? '(unnamed)')}${t.callId ? ` (call id ${policy.text(t.callId)})` : ''}${t.type ? `, type ${policy.text(t.type)}` : ''}`);
    if (t.arguments !== undefined) lines.push(`  arguments: ${policy.content(t.arguments, max)}`);
    if (t.result !== undefined) lines.push(`  result: ${policy.content(t.result, max)}`);
  }
  if (g.toolDefinitions?.length) lines.push(`tools offered: ${g.toolDefinitions.length} (${toolNames(g.toolDefinitions).map((n) => policy.text(n)).join(', ')})`);
  if (g.mcp) lines.push(`mcp: ${Object.entries(g.mcp).map(([k, v]) => `${k}=${policy.text(String(v))}`).join(', ')}`);
  for (const e of g.evaluations ?? []) {
    lines.push(`evaluation ${policy.text(e.name)}: ${[e.scoreLabel, e.scoreValue].filter((v) => v !== undefined).join(' ')}${e.explanation ? ` — ${policy.content(e.explanation, 300)}` : ''}`);
  }
  if (g.contentMissing) lines.push(`content not captured${g.contentCaptureHint ? `: ${g.contentCaptureHint}` : ''}`);
  return lines;
}

function toolNames(defs: readonly unknown[]): string[] {
  const names = defs.map((d) => {
    if (!d || typeof d !== 'object') return '?';
    const o = d as { name?: unknown; function?: { name?: unknown } };
    return typeof o.name === 'string' ? o.name : typeof o.function?.name === 'string' ? o.function.name : '?';
  });
  return names.length > 20 ? [...names.slice(0, 20), andMore(names.length - 20, 'tools')] : names;
}

/** Attributes as `key: value` lines, content keys hidden when content is off, values folded to `max`. */
function attributeLines(attributes: Record<string, AttributeValue>, policy: ContentPolicy, max: number, indent: string, onEvent: boolean): string[] {
  return Object.entries(attributes).map(([k, v]) => `${indent}${k}: ${policy.attribute(k, v, max, onEvent)}`);
}

/** Most events and log records listed by `get_span`. */
const MAX_EVENTS = 30;
const MAX_LOGS = 30;

/** Writes the `get_span` answer for one span into `out`. */
export async function writeSpan(out: OutputBuilder, detail: SpanDetail, policy: ContentPolicy, resolve: SourceResolver | undefined): Promise<void> {
  const span = detail.span;
  const valueMax = Math.max(200, Math.floor(out.budget / 8));
  out.line(`# Span ${span.spanId} "${policy.text(span.name)}" (trace ${span.traceId})`);
  out.line(
    `kind ${span.kind}; status ${span.status.code}; parent ${span.parentSpanId ?? 'none (root)'}; service ${policy.text(valueText(span.resource.attributes['service.name']) || '?')}; scope ${policy.text(span.scope.name || '?')}${span.scope.version ? ` ${policy.text(span.scope.version)}` : ''}`,
  );
  out.line(`start ${isoTime(span.startTimeUnixNano)}; duration ${formatDuration(nanoDiffMs(span.startTimeUnixNano, span.endTimeUnixNano))}`);
  const code = codeLocationOf(span.attributes);
  if (code) {
    const workingDirectory = workingDirectoryOf(span.resource.attributes);
    out.line(`code: ${await where(code.filePath, code.line, { workingDirectory, functionName: code.functionName }, resolve, policy)}${code.functionName ? ` in ${policy.text(code.functionName)}` : ''}`);
  }
  const errors = await errorLines(detail, policy, resolve);
  if (errors.length) out.line('## Errors').lines(errors);
  if (detail.genai) out.line('## GenAI').lines(genaiLines(detail.genai, detail, policy, valueMax));
  out.line(`## Attributes (${Object.keys(span.attributes).length})`).lines(attributeLines(span.attributes, policy, valueMax, '', false));
  if (span.events.length) {
    out.line(`## Events (${span.events.length})`);
    for (const e of span.events.slice(0, MAX_EVENTS)) {
      out.line(`- ${policy.text(e.name)} at +${formatDuration(nanoDiffMs(span.startTimeUnixNano, e.timeUnixNano))}`);
      out.lines(attributeLines(e.attributes, policy, valueMax, '    ', true));
    }
    if (span.events.length > MAX_EVENTS) out.line(andMore(span.events.length - MAX_EVENTS, 'events'));
  }
  if (detail.logs.length) {
    out.line(`## Log records (${detail.logs.length})`);
    for (const l of detail.logs.slice(0, MAX_LOGS)) {
      const name = l.eventName ? ` ${policy.text(l.eventName)}` : '';
      const body = l.body === null || l.body === '' ? '' : `: ${l.eventName.startsWith('gen_ai.') ? policy.content(l.body, valueMax) : fold(policy.text(valueText(l.body)), valueMax)}`;
      out.line(`- ${isoTime(l.timeUnixNano)} ${severityName(l.severityNumber, l.severityText)}${name}${body}`);
      out.lines(attributeLines(l.attributes, policy, valueMax, '    ', true));
    }
    if (detail.logs.length > MAX_LOGS) out.line(andMore(detail.logs.length - MAX_LOGS, 'log records'));
  }
  const resource = Object.entries(span.resource.attributes).filter(([k]) => !k.startsWith('telemetry.') && k !== 'service.name');
  if (resource.length) out.line('## Resource').line(resource.map(([k, v]) => `${k}=${fold(policy.text(valueText(v)), 200)}`).join('; '));
}
