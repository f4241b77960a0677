/**
 * Tool-use detectors: loops, retry storms, swallowed tool errors, expected tools missing, tool
 * skipping. Each is linear in the run's tool calls (plus one sort). Definitions: ./README.md.
 */
import type { BaselineStats, DiagnosticsConfig, Finding } from '../../model/diagnostics';
import type { SpanId } from '../../model/trace';
import { isFailed, type ModelCall, type RunAnalysis, type RunSpan, type ToolCall } from './analysis';
import { makeFinding, num, pct, plural } from './findings';
import { shorten } from './toolErrors';

/** Loop: one tool with the same canonical arguments `loopRepeats`+ times. Calls without captured arguments are not compared. */
export function detectLoops(a: RunAnalysis, config: DiagnosticsConfig): Finding[] {
  const useSpans = a.toolCalls.length > 0;
  const groups = new Map<string, { name: string; args: string; spans: SpanId[] }>();
  const add = (name: string, args: string | undefined, spanId: SpanId): void => {
    if (args === undefined) return;
    const key = `${name}\u0000${args}`;
    let g = groups.get(key);
    if (!g) {
      g = { name, args, spans: [] };
      groups.set(key, g);
    }
    g.spans.push(spanId);
  };
  if (useSpans) for (const c of a.toolCalls) add(c.name, c.argsKey, c.span.spanId);
  else for (const r of a.toolRequests) add(r.name, r.argsKey, r.span.spanId);

  const out: Finding[] = [];
  for (const g of groups.values()) {
    if (g.spans.length < config.loopRepeats) continue;
    const [first, ...rest] = g.spans;
    const args = shorten(g.args);
    out.push(
      makeFinding(
        a,
        {
          detector: 'loop',
          severity: 'warning',
          spanId: first!,
          message: `Possible loop: ${g.name} was called ${num(g.spans.length)} times with the same arguments ${args} (limit ${num(config.loopRepeats)})${useSpans ? '' : ' (from the model\'s tool-call requests)'}.`,
          detail: { toolName: g.name, count: g.spans.length, limit: config.loopRepeats, arguments: args, source: useSpans ? 'tool-span' : 'tool-call-request' },
        },
        rest,
        // Requests of one model call share its span id: tell the groups apart.
        useSpans ? undefined : String(hash(`${g.name}\u0000${g.args}`)),
      ),
    );
  }
  return out;
}

/** FNV-1a, for short stable id suffixes. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Retry storm: per tool name, in start order, a chain continues while the previous call of that
 * tool failed (status error, or an error in its result/events); a chain of `retryRepeats`+ calls
 * is a storm (the first call and at least `retryRepeats − 1` retries).
 */
export function detectRetryStorms(a: RunAnalysis, config: DiagnosticsConfig): Finding[] {
  const chains = new Map<string, ToolCall[]>();
  const out: Finding[] = [];
  const retryRate = a.toolCalls.length > 0 ? a.retries / a.toolCalls.length : 0;
  const close = (chain: ToolCall[] | undefined): void => {
    if (!chain || chain.length < config.retryRepeats) return;
    const failed = chain.filter(isFailed).length;
    const [first, ...rest] = chain;
    out.push(
      makeFinding(
        a,
        {
          detector: 'retry-storm',
          severity: 'warning',
          spanId: first!.span.spanId,
          message: `Retry storm: ${first!.name} was called ${num(chain.length)} times in a row after errors (${num(failed)} of ${num(chain.length)} failed; retry rate of the run ${pct(retryRate)}).`,
          detail: { toolName: first!.name, count: chain.length, failed, limit: config.retryRepeats, retryRate },
        },
        rest.map((c) => c.span.spanId),
      ),
    );
  };
  for (const call of a.toolCalls) {
    const chain = chains.get(call.name);
    if (chain && isFailed(chain[chain.length - 1]!)) {
      chain.push(call);
    } else {
      close(chain);
      chains.set(call.name, [call]);
    }
  }
  for (const chain of chains.values()) close(chain);
  return out;
}

/**
 * Swallowed tool error: a tool call with no status error on any of its spans, whose result or
 * events carry an error, followed by a model call (one that starts at or after the tool span's
 * end, or whose input carries the tool's result by call id).
 */
export function detectSwallowedErrors(a: RunAnalysis): Finding[] {
  const out: Finding[] = [];
  const calls = a.modelCalls;
  const consumers = new Map<string, ModelCall>();
  for (const c of calls) {
    for (const m of c.view.inputMessages ?? []) {
      for (const p of m.parts) if (p.type === 'tool_call_response' && p.id !== undefined && !consumers.has(p.id)) consumers.set(p.id, c);
    }
  }
  const starts = calls.map((c) => c.span.startOffsetMs); // calls are in start order
  for (const call of a.toolCalls) {
    if (call.statusError || !call.evidence) continue;
    const i = lowerBound(starts, call.endMs);
    let next: ModelCall | undefined = calls[i];
    const consumer = call.callId !== undefined ? consumers.get(call.callId) : undefined;
    if (consumer && (!next || consumer.span.startOffsetMs < next.span.startOffsetMs)) next = consumer;
    if (!next) continue;
    const ev = call.evidence;
    const how = {
      'error-field': 'an error field',
      'is-error': 'isError: true',
      'python-traceback': 'a Python traceback',
      'js-stack': 'a JavaScript stack trace',
      'exception-event': 'an exception event',
    }[ev.evidence];
    out.push(
      makeFinding(
        a,
        {
          detector: 'swallowed-tool-error',
          severity: 'error',
          spanId: call.span.spanId,
          message: `Swallowed tool error: ${call.name} reported status ${call.span.statusCode.toUpperCase()} but its ${ev.evidence === 'exception-event' ? 'span has' : 'result has'} ${how} (${ev.excerpt}), and the run went on to the next model call.`,
          detail: { toolName: call.name, evidence: ev.evidence, excerpt: ev.excerpt, continuedBySpanId: next.span.spanId },
        },
        [...call.spans.map((s) => s.spanId), next.span.spanId],
      ),
    );
  }
  return out;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Expected tools (`expectedTools`, complete runs): each entry whose name matches (case-insensitive)
 * an agent span's agent name (tools below that span) or the root span name (tools of the run)
 * must have every listed tool called — as a tool span or a model's `tool_call` request.
 */
export function detectExpectedTools(a: RunAnalysis, config: DiagnosticsConfig): Finding[] {
  const entries = Object.entries(config.expectedTools).filter(([, tools]) => tools.length > 0);
  if (entries.length === 0) return [];
  const expected = new Map<string, { name: string; tools: string[] }>();
  for (const [name, tools] of entries) expected.set(name.toLowerCase(), { name, tools });

  const scopes: { span: RunSpan; by: 'agent' | 'root'; entry: { name: string; tools: string[] } }[] = [];
  const checked = new Set<SpanId>();
  for (const s of a.run.spans) {
    const agent = s.view?.kind === 'agent' ? s.view.agentName : undefined;
    const entry = agent !== undefined ? expected.get(agent.toLowerCase()) : undefined;
    if (entry && !checked.has(s.spanId)) {
      checked.add(s.spanId);
      scopes.push({ span: s, by: 'agent', entry });
    }
  }
  const rootEntry = expected.get(a.run.rootName.toLowerCase());
  if (a.root && rootEntry && !checked.has(a.root.spanId)) scopes.push({ span: a.root, by: 'root', entry: rootEntry });
  if (scopes.length === 0) return [];

  const below = (s: RunSpan, scope: (typeof scopes)[number]): boolean => {
    if (scope.by === 'root') return true; // the whole run, orphans included
    const top = scope.span;
    const seen = new Set<SpanId>();
    for (let p: RunSpan | undefined = s; p && !seen.has(p.spanId); p = a.parentOf(p)) {
      if (p.spanId === top.spanId) return true;
      seen.add(p.spanId);
    }
    return false;
  };
  const out: Finding[] = [];
  for (const scope of scopes) {
    const called = new Set<string>();
    for (const c of a.toolCalls) if (below(c.span, scope)) called.add(c.name.toLowerCase());
    for (const r of a.toolRequests) if (below(r.span, scope)) called.add(r.name.toLowerCase());
    const missing = scope.entry.tools.filter((t) => !called.has(t.toLowerCase()));
    if (missing.length === 0) continue;
    out.push(
      makeFinding(a, {
        detector: 'expected-tool-missing',
        severity: 'error',
        spanId: scope.span.spanId,
        message: `Expected tool${missing.length === 1 ? '' : 's'} not called: ${missing.join(', ')} (${scope.by === 'agent' ? 'agent' : 'root span'} ${scope.entry.name} expects ${scope.entry.tools.join(', ')}; ${plural(called.size, 'distinct tool')} called).`,
        detail: { expectedBy: scope.by, name: scope.entry.name, expectedTools: [...scope.entry.tools], missingTools: missing },
      }),
    );
  }
  return out;
}

/**
 * Tool skipping (complete runs, with a baseline): the run's model was offered tools and no tool
 * was called, while at least `toolSkipRate` of the baseline runs that were offered tools (at least
 * `baselineMinRuns` of them) called one. The finding points at the last model call (the answer).
 */
export function detectToolSkipped(a: RunAnalysis, config: DiagnosticsConfig, baseline: BaselineStats | undefined): Finding[] {
  if (!baseline || a.toolsOffered === 0 || a.calledTool || a.modelCalls.length === 0) return [];
  const { offeredRuns, calledRuns } = baseline.toolUse;
  if (offeredRuns < config.baselineMinRuns) return [];
  const rate = calledRuns / offeredRuns;
  if (rate < config.toolSkipRate) return [];
  const last = a.modelCalls[a.modelCalls.length - 1]!;
  return [
    makeFinding(
      a,
      {
        detector: 'tool-skipped',
        severity: 'warning',
        spanId: last.span.spanId,
        message: `Tool skipped: the model was offered ${plural(a.toolsOffered, 'tool')} and answered without calling any, but ${num(calledRuns)} of ${num(offeredRuns)} baseline runs of ${baseline.key.name} (${pct(rate)}) called one.`,
        detail: { toolsOffered: a.toolsOffered, baselineRuns: offeredRuns, baselineCallRate: rate, limit: config.toolSkipRate },
      },
      a.modelCalls.slice(0, -1).map((c) => c.span.spanId),
    ),
  ];
}
