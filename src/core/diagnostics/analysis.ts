/**
 * What the detectors read from one run (one trace): its input shape (`RunInput`, assembled by the
 * back end thread) and one linear pass over it (`analyzeRun`) that reuses the run metrics'
 * definitions (src/core/usage/README.md): calls counted once, agent loop iterations, tool calls
 * without the duplicate views of a second instrumentation.
 */
import { repeatedToolCall } from '../genai/repeats';
import type { Attributes, SpanId, StatusCode, TraceId } from '../../model/trace';
import type { GenAiSpanView } from '../../model/genai';
import type { CallCost, RunMetrics } from '../../model/cost';
import type { BaselineKey } from '../../model/diagnostics';
import { computeRunMetrics, type MetricsSpan } from '../usage/runMetrics';
import { canonicalArguments, exceptionExcerpt, findErrorInResult, type ErrorEvidence } from './toolErrors';

/** One span of the run: a `SkeletonSpan` with its GenAI view, its cost and its events. */
export interface RunSpan extends MetricsSpan {
  spanId: SpanId;
  parentSpanId: SpanId | null;
  name: string;
  /** Milliseconds from the trace start. */
  startOffsetMs: number;
  durationMs: number;
  statusCode: StatusCode;
  statusMessage?: string;
  /** The span's events (only `exception` events are read; others may be left out). */
  events?: readonly { name: string; attributes: Attributes }[];
  /** `normalizeSpan(span, logs)`; `null` for a span that is not a GenAI span. */
  view: GenAiSpanView | null;
  /** The span's `CallCost` (`TraceUsageDetail.spanCosts`), for model calls and spans with usage. */
  cost?: CallCost;
}

/** What the back end thread assembles per trace for the detectors. */
export interface RunInput {
  traceId: TraceId;
  /** `TraceSummary.sessionId`; else the first span view's `sessionId`. */
  sessionId?: string;
  /** `TraceSummary.serviceName` ('' when unknown). */
  serviceName: string;
  /** `TraceSummary.rootName`. */
  rootName: string;
  /** `TraceSummary.agentName` (outermost agent); else derived from the spans. */
  agentName?: string;
  /** `TraceSummary.durationMs` (end-to-end, ms). */
  durationMs: number;
  /**
   * `true` once the trace is complete (the worker's "trace completed" signal: root ended and quiet).
   * Detectors that judge the whole run (tool skipping, expected tools, baseline anomalies) wait for it.
   */
  complete: boolean;
  /** Every span of the trace (GenAI or not: parents through plain spans matter), any order. */
  spans: readonly RunSpan[];
}

/** One tool call: a tool span plus the inner spans that are other instrumentations' views of it. */
export interface ToolCall {
  span: RunSpan;
  /** `span` and its duplicate views (src/core/usage/README.md "Tool calls"). */
  spans: RunSpan[];
  name: string;
  callId?: string;
  /** `canonicalArguments` of the first view with arguments; `undefined` when none captured. */
  argsKey?: string;
  /** The span, or one of its views, has status error. */
  statusError: boolean;
  /** An error carried by the result or an `exception` event (status not considered). */
  evidence?: ErrorEvidence & { spanId: SpanId };
  startMs: number;
  endMs: number;
}

/** A `tool_call` part in the output of a counted model call (for runs without tool spans). */
export interface ToolRequest {
  span: RunSpan;
  name: string;
  argsKey?: string;
}

/** A counted chat/completion call (kind `llm`). */
export interface ModelCall {
  span: RunSpan;
  view: GenAiSpanView;
  /** Response model, else request model, else `(unknown model)` (as in `ModelUsage.model`). */
  model: string;
  /** An agent loop iteration (src/core/usage/README.md). */
  iteration: boolean;
}

export interface RunAnalysis {
  run: RunInput;
  metrics: RunMetrics;
  sessionId?: string;
  /** The root span (no parent, or parent not in the trace; earliest). */
  root: RunSpan | undefined;
  /** Agent spans without an agent ancestor, in start order. */
  outerAgents: RunSpan[];
  agentName?: string;
  /** Counted `llm` calls in start order. */
  modelCalls: ModelCall[];
  /** Every span whose usage and cost the run counts (`computeRunMetrics` onCounted), in start order. */
  countedSpans: RunSpan[];
  /** Tool calls (duplicates folded) in start order; `length === metrics.toolCalls`. */
  toolCalls: ToolCall[];
  /** `tool_call` parts of the counted model calls' outputs, in order. */
  toolRequests: ToolRequest[];
  /** Most tool definitions offered to one model call (0: none seen). */
  toolsOffered: number;
  /** A tool span exists or a model call requested a tool. */
  calledTool: boolean;
  /** Tool calls made right after a failed call of the same tool (`isFailed`). */
  retries: number;
  parentOf(span: RunSpan): RunSpan | undefined;
}

/** A tool call failed: status error on it or a view, or an error in its result or events. */
export function isFailed(call: ToolCall): boolean {
  return call.statusError || call.evidence !== undefined;
}

/** Deepest parent chain walked (a guard against parent cycles in malformed traces). */
const MAX_DEPTH = 10_000;

function toolName(s: RunSpan): string {
  return s.view?.tool?.name?.trim() || s.name;
}

/**
 * One pass over the run. O(n · depth) for n spans (the same walks as `computeRunMetrics`, which
 * it calls once to get the metrics and the counted calls).
 */
export function analyzeRun(run: RunInput): RunAnalysis {
  const byId = new Map<SpanId, RunSpan>();
  for (const s of run.spans) byId.set(s.spanId, s);
  const parentOf = (s: RunSpan): RunSpan | undefined =>
    s.parentSpanId !== null && s.parentSpanId !== s.spanId ? byId.get(s.parentSpanId) : undefined;
  // Memo: does a span have an agent span above it (linear over the run).
  const agentAbove = new Map<SpanId, boolean>();
  const hasAgentAbove = (s: RunSpan): boolean => {
    const chain: RunSpan[] = [];
    let answer = false;
    for (let p = parentOf(s), depth = 0; p && depth < MAX_DEPTH; p = parentOf(p), depth++) {
      const known = agentAbove.get(p.spanId);
      if (known !== undefined) {
        answer = known || p.view?.kind === 'agent';
        break;
      }
      if (p.view?.kind === 'agent') {
        answer = true;
        break;
      }
      chain.push(p);
    }
    // Every span on the walked chain has the same answer as `s` (no agent among them).
    agentAbove.set(s.spanId, answer);
    for (const c of chain) agentAbove.set(c.spanId, answer);
    return answer;
  };
  const ordered = [...run.spans].sort((a, b) => a.startOffsetMs - b.startOffsetMs || (a.spanId < b.spanId ? -1 : 1));

  const counted: RunSpan[] = [];
  const metrics = computeRunMetrics(run.spans, run.durationMs, (s) => counted.push(s as RunSpan));

  let root: RunSpan | undefined;
  const outerAgents: RunSpan[] = [];
  const traceHasAgent = run.spans.some((s) => s.view?.kind === 'agent');
  for (const s of ordered) {
    if (!root && parentOf(s) === undefined) root = s;
    if (s.view?.kind === 'agent' && !hasAgentAbove(s)) outerAgents.push(s);
  }

  // Model calls: counted `llm` spans; iterations as in computeRunMetrics.
  const modelCalls: ModelCall[] = [];
  const toolRequests: ToolRequest[] = [];
  let toolsOffered = 0;
  for (const s of counted) {
    const view = s.view;
    if (!view || view.kind !== 'llm') continue;
    const iteration = !traceHasAgent || hasAgentAbove(s);
    modelCalls.push({ span: s, view, model: view.responseModel?.trim() || view.requestModel?.trim() || '(unknown model)', iteration });
    toolsOffered = Math.max(toolsOffered, view.toolDefinitions?.length ?? 0);
    for (const m of view.outputMessages ?? []) {
      for (const p of m.parts) if (p.type === 'tool_call') toolRequests.push({ span: s, name: p.name, argsKey: canonicalArguments(p.arguments) });
    }
  }

  // Results the model calls received, by tool call id (for tool spans without a recorded result).
  const responses = new Map<string, unknown>();
  for (const c of modelCalls) {
    for (const m of c.view.inputMessages ?? []) {
      for (const p of m.parts) if (p.type === 'tool_call_response' && p.id !== undefined && !responses.has(p.id)) responses.set(p.id, p.response);
    }
  }

  // Tool calls: a tool span whose nearest tool ancestor (no model call or agent in between) has
  // the same call id or name is a duplicate view of that ancestor's call (runMetrics.ts).
  const duplicateParent = new Map<SpanId, RunSpan>();
  const toolSpans = ordered.filter((s) => s.view?.kind === 'tool');
  for (const s of toolSpans) {
    const owner = repeatedToolCall(s, s.view!, (x) => x.view, parentOf);
    if (owner) duplicateParent.set(s.spanId, owner);
  }
  const calls = new Map<SpanId, ToolCall>();
  const toolCalls: ToolCall[] = [];
  for (const s of toolSpans) {
    if (duplicateParent.has(s.spanId)) continue;
    const call: ToolCall = { span: s, spans: [s], name: toolName(s), statusError: false, startMs: s.startOffsetMs, endMs: s.startOffsetMs + s.durationMs };
    calls.set(s.spanId, call);
    toolCalls.push(call);
  }
  for (const s of toolSpans) {
    let rep = duplicateParent.get(s.spanId);
    for (let depth = 0; rep && duplicateParent.has(rep.spanId) && depth < MAX_DEPTH; depth++) rep = duplicateParent.get(rep.spanId);
    if (rep) calls.get(rep.spanId)?.spans.push(s);
  }
  for (const call of toolCalls) {
    for (const s of call.spans) {
      const tool = s.view?.tool;
      call.callId ??= tool?.callId;
      if (call.argsKey === undefined && tool?.arguments !== undefined) call.argsKey = canonicalArguments(tool.arguments);
      if (s.statusCode === 'error') call.statusError = true;
      if (!call.evidence) {
        const exception = s.events?.find((e) => e.name === 'exception');
        if (exception) call.evidence = { evidence: 'exception-event', excerpt: exceptionExcerpt(exception.attributes), spanId: s.spanId };
      }
      if (!call.evidence && tool?.result !== undefined) {
        const hit = findErrorInResult(tool.result);
        if (hit) call.evidence = { ...hit, spanId: s.spanId };
      }
    }
    if (!call.evidence && call.callId !== undefined && call.spans.every((s) => s.view?.tool?.result === undefined) && responses.has(call.callId)) {
      const hit = findErrorInResult(responses.get(call.callId));
      if (hit) call.evidence = { ...hit, spanId: call.span.spanId };
    }
  }

  // Retries: a call whose previous call of the same tool failed.
  let retries = 0;
  const lastByName = new Map<string, ToolCall>();
  for (const call of toolCalls) {
    const prev = lastByName.get(call.name);
    if (prev && isFailed(prev)) retries++;
    lastByName.set(call.name, call);
  }

  const agentName = run.agentName ?? outerAgents.map((a) => a.view?.agentName).find((n) => n !== undefined && n !== '');
  const sessionId = run.sessionId ?? run.spans.map((s) => s.view?.sessionId).find((id) => id !== undefined && id !== '');
  const out: RunAnalysis = {
    run,
    metrics,
    root,
    outerAgents,
    modelCalls,
    countedSpans: counted,
    toolCalls,
    toolRequests,
    toolsOffered,
    calledTool: toolCalls.length > 0 || toolRequests.length > 0,
    retries,
    parentOf,
  };
  if (agentName !== undefined) out.agentName = agentName;
  if (sessionId !== undefined) out.sessionId = sessionId;
  return out;
}

/** The baseline a run belongs to: service + outermost agent name, else root span name. */
export function baselineKeyOf(a: RunAnalysis): BaselineKey {
  return a.agentName !== undefined
    ? { serviceName: a.run.serviceName, name: a.agentName, by: 'agent' }
    : { serviceName: a.run.serviceName, name: a.run.rootName, by: 'root' };
}
