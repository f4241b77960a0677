/**
 * The list answers of the agent tools: `search_traces`, `list_traces`, `list_sessions`,
 * `get_usage`, `list_findings` and `check_run`. One line per item with the ids the next tool
 * takes; lists cut with "…and N more". Pure.
 */
import { formatRatio, formatUsd, type UsageReport } from '../../model/cost';
import { BASELINE_METRICS, type LocatedFinding, type RunCheck } from '../../model/diagnostics';
import { formatDuration } from '../../model/format';
import { formatTokenCount } from '../../model/genaiFormat';
import { SNIPPET_MATCH_END, SNIPPET_MATCH_START, type TraceSearchResult } from '../../model/search';
import type { SessionSummary, TraceSummary } from '../../model/trace';
import { costText, findingLine, sessionLine, tokensText, toolSuccessText, traceLine } from './format';
import type { SourceResolver } from './spanText';
import { andMore, CONTENT_HIDDEN, fold, type ContentPolicy, type OutputBuilder } from './text';

/** Writes a list of lines, stopping with "…and N more <what>" when the budget runs out. */
function writeList(out: OutputBuilder, lines: readonly string[], what: string): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length + 1 > out.remaining - 80) {
      out.line(andMore(lines.length - i, what));
      return;
    }
    out.line(line);
  }
}

/** `search_traces`: the hits with their matching-span count, first matching span and snippet. */
export function writeSearch(out: OutputBuilder, query: string, result: TraceSearchResult, policy: ContentPolicy): void {
  if (!result.ok) {
    out.line(`The query does not parse: ${result.error} (at character ${result.offset} of "${policy.text(query)}"). Query language: words and "phrases"; error; model:, tool:, agent:, service:, session:, user:, kind:, attr:key=value, trace:HEX; cost>0.01, tokens>10000, duration>2s; last:15m; -word excludes.`);
    return;
  }
  out.line(`# ${result.hits.length}${result.truncated ? '+' : ''} trace${result.hits.length === 1 ? '' : 's'} match "${policy.text(query)}" (newest first)`);
  if (result.index.pendingSpans > 0) out.line(`(the full-text index is still catching up: ${result.index.pendingSpans} spans not indexed yet)`);
  const lines = result.hits.map((h) => {
    const snippet = h.snippet && policy.includeContent ? `\n    match: ${fold(policy.text(h.snippet.replaceAll(SNIPPET_MATCH_START, '«').replaceAll(SNIPPET_MATCH_END, '»')), 300)}` : '';
    const first = h.firstSpanId ? `; first matching span ${h.firstSpanId}` : '';
    return `${traceLine(h.summary, policy)}\n    ${h.matchCount} matching span${h.matchCount === 1 ? '' : 's'}${first}${snippet}`;
  });
  writeList(out, lines, 'traces');
  if (result.truncated) out.line('(more traces match: raise "limit" or narrow the query)');
}

/** `list_traces`: newest first. */
export function writeTraceList(out: OutputBuilder, traces: readonly TraceSummary[], policy: ContentPolicy, heading: string, more: boolean): void {
  out.line(`# ${heading}`);
  if (traces.length === 0) {
    out.line('No traces stored yet. Run the app with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 (OTLP/HTTP) to send traces to Trace Lens.');
    return;
  }
  writeList(out, traces.map((t) => traceLine(t, policy)), 'traces');
  if (more) out.line('(older traces exist: use "offset" to page)');
}

/** `list_sessions`. */
export function writeSessions(out: OutputBuilder, sessions: readonly SessionSummary[], policy: ContentPolicy, more: boolean): void {
  out.line(`# ${sessions.length} session${sessions.length === 1 ? '' : 's'} (most recently active first)`);
  if (sessions.length === 0) {
    out.line('No sessions: no stored trace carries a session id (gen_ai.conversation.id, session.id, …).');
    return;
  }
  writeList(out, sessions.map((s) => sessionLine(s, policy)), 'sessions');
  if (more) out.line('(more sessions exist: raise "limit")');
}

/** `get_usage`: cost, tokens, models, calls, tool success, latency, context use, duration, findings. */
export function writeUsage(out: OutputBuilder, label: string, report: UsageReport, policy: ContentPolicy): void {
  const m = report.metrics;
  out.line(`# Usage of ${label}: ${report.traceCount} trace${report.traceCount === 1 ? '' : 's'}${report.truncated ? ' (the newest only: the scope has more)' : ''}`);
  out.line(`cost: ${costText(m.cost)}`);
  out.line(`tokens: ${tokensText(m.tokens)}`);
  out.line(`model calls: ${m.modelCalls} (${m.modelCallErrors} failed); agent loop iterations: ${m.agentIterations}`);
  out.line(`tool calls: ${m.toolCalls}; success: ${toolSuccessText(m.toolCalls, m.toolErrors, m.toolSuccessRate)}`);
  if (m.modelLatency) {
    const l = m.modelLatency;
    out.line(`model latency over ${l.count} calls: p50 ${formatDuration(l.p50Ms)}, p95 ${formatDuration(l.p95Ms)}, p99 ${formatDuration(l.p99Ms)}, max ${formatDuration(l.maxMs)}, mean ${formatDuration(l.meanMs)}`);
  }
  if (m.maxContextUtilization !== null) out.line(`largest context-window use: ${formatRatio(m.maxContextUtilization)}`);
  out.line(`duration: ${formatDuration(m.durationMs)}${m.traceCount > 1 ? ' (sum of the runs)' : ''}`);
  if (m.models.length) {
    out.line('## By model (most expensive first)');
    writeList(
      out,
      m.models.map((x) => `- ${policy.text(x.model)}${x.provider ? ` (${policy.text(x.provider)})` : ''}: ${x.calls} call${x.calls === 1 ? '' : 's'}, cost ${costText(x.cost)}, tokens ${tokensText(x.tokens)}`),
      'models',
    );
  }
  if (report.findings?.length) {
    out.line(`## Findings (${report.findingCount ?? report.findings.length})`);
    const quotesContent = (detector: string): boolean => !policy.includeContent && (detector === 'loop' || detector === 'swallowed-tool-error');
    writeList(
      out,
      report.findings.map((f) => `- [${f.severity}] ${f.detector}: ${quotesContent(f.detector) ? `(${CONTENT_HIDDEN}; list_findings describes it without content)` : fold(policy.text(f.message), 400)} (trace ${f.traceId}, span ${f.spanId})`),
      'findings',
    );
  }
  if (report.scope.kind !== 'trace' && report.points.length) {
    out.line('## Most expensive traces');
    const top = [...report.points].filter((p) => p.costUsd !== null).sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0)).slice(0, 10);
    writeList(out, top.map((p) => `- trace ${p.traceId}: ${formatUsd(p.costUsd ?? 0)}${p.costIsLowerBound ? ' (lower bound)' : ''}, ${formatTokenCount(p.inputTokens)} in / ${formatTokenCount(p.outputTokens)} out, ${formatDuration(p.durationMs)}`), 'traces');
  }
  out.line(`(prices: ${report.priceData})`);
}

/** Resolves a finding's primary span location (`file:line`). */
async function findingWhere(f: LocatedFinding, resolve: SourceResolver | undefined, policy: ContentPolicy): Promise<string | null> {
  const loc = f.locations[0];
  if (!loc) return null;
  let resolved: string | null = null;
  try {
    resolved = resolve ? await resolve(loc.path, loc.line, loc.hints) : null;
  } catch {
    resolved = null;
  }
  return policy.text(resolved ?? `${loc.path}${loc.line ? `:${loc.line}` : ''}`);
}

/** `list_findings`: worst first, with the trace, the span and the source line. */
export async function writeFindings(out: OutputBuilder, findings: readonly LocatedFinding[], limit: number, policy: ContentPolicy, resolve: SourceResolver | undefined, heading = '#'): Promise<void> {
  out.line(`${heading} ${findings.length} finding${findings.length === 1 ? '' : 's'} (worst first)`);
  if (findings.length === 0) {
    out.line('The diagnostics found no loops, retry storms, swallowed tool errors, token spikes or other problems in the stored runs.');
    return;
  }
  const lines: string[] = [];
  for (const f of findings.slice(0, limit)) lines.push(findingLine(f, policy, await findingWhere(f, resolve, policy), true));
  writeList(out, lines, 'findings');
  if (findings.length > limit) out.line(andMore(findings.length - limit, 'findings (raise "limit")'));
}

/** `check_run`: the run's values against its baseline, and its findings. */
export async function writeRunCheck(out: OutputBuilder, check: RunCheck, policy: ContentPolicy, resolve: SourceResolver | undefined): Promise<void> {
  out.line(`# Run ${check.traceId} against its baseline${check.complete ? '' : ' (the run is still receiving spans)'}`);
  const b = check.baseline;
  if (!b) out.line('No baseline yet: too few completed runs of this agent (or root span) to compare with.');
  else out.line(`baseline ${policy.text(b.keyId)}: ${b.runs} runs`);
  for (const metric of BASELINE_METRICS) {
    const value = check.values[metric];
    if (value === undefined) continue;
    const stats = b?.metrics[metric];
    const z = stats && stats.stdDev > 0 ? ` (z = ${((value - stats.mean) / stats.stdDev).toFixed(2)})` : '';
    out.line(`- ${metric}: ${round(value)}${stats ? ` vs mean ${round(stats.mean)} ± ${round(stats.stdDev)} over ${stats.n} runs${z}` : ''}`);
  }
  await writeFindings(out, check.findings, 50, policy, resolve, '##');
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}
