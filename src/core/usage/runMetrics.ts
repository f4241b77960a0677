/**
 * Run metrics of one trace from its normalized spans, and their merge per session.
 * Definitions (what counts once, iterations, tool success, percentiles): ./README.md.
 */
import type { StatusCode } from '../../model/trace';
import type { GenAiSpanView, GenAiUsage } from '../../model/genai';
import {
  MAX_CONTEXT_SAMPLES,
  emptyCostTotal,
  mergeCostTotals,
  sumCosts,
  type CallCost,
  type ContextUse,
  type CostTotal,
  type ModelUsage,
  type RunMetrics,
  type TokenTotals,
} from '../../model/cost';
import { repeatedToolCall } from '../genai/repeats';
import { latencyStats, mergeLatencyStats } from './percentiles';

/** One span as the metrics need it (a `SkeletonSpan` plus its GenAI view and priced cost). */
export interface MetricsSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startOffsetMs: number;
  durationMs: number;
  statusCode: StatusCode;
  view: GenAiSpanView | null;
  /** The span's `priceCall` result; expected on every span that carries usage or is a model call. */
  cost?: CallCost;
}

const UNKNOWN_MODEL = '(unknown model)';

export function emptyTokenTotals(): TokenTotals {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 };
}

function isModelCall(view: GenAiSpanView): boolean {
  return view.kind === 'llm' || view.kind === 'embeddings';
}

function hasUsage(u: GenAiUsage | undefined): u is GenAiUsage {
  return !!u && (u.inputTokens !== undefined || u.outputTokens !== undefined || u.totalTokens !== undefined);
}

/**
 * A span that may carry usage or cost of its own: a model call, or any span with usage or a
 * reported cost — unless it declares its usage an aggregate of descendants.
 */
function isUsageCandidate(view: GenAiSpanView | null): view is GenAiSpanView {
  if (!view || view.usageIsAggregate) return false;
  return isModelCall(view) || hasUsage(view.usage) || view.reportedCostUsd !== undefined;
}

function addUsage(t: TokenTotals, u: GenAiUsage): void {
  const input = u.inputTokens ?? 0;
  const output = u.outputTokens ?? 0;
  t.input += input;
  t.output += output;
  t.cacheRead += u.cacheReadTokens ?? 0;
  t.cacheWrite += u.cacheWriteTokens ?? 0;
  t.reasoning += u.reasoningTokens ?? 0;
  t.total += u.inputTokens !== undefined || u.outputTokens !== undefined ? input + output : (u.totalTokens ?? 0);
}

function addTokens(t: TokenTotals, o: TokenTotals): void {
  t.input += o.input;
  t.output += o.output;
  t.cacheRead += o.cacheRead;
  t.cacheWrite += o.cacheWrite;
  t.reasoning += o.reasoning;
  t.total += o.total;
}

function modelLabel(view: GenAiSpanView): string {
  return view.responseModel?.trim() || view.requestModel?.trim() || UNKNOWN_MODEL;
}

function modelKey(model: string, provider: string | undefined): string {
  return `${provider ?? ''}\u0000${model}`;
}

/** The cost to count for a span the worker did not price. */
function missingCost(view: GenAiSpanView): CallCost {
  const out: CallCost = {
    status: 'unpriced',
    reason: hasUsage(view.usage) ? 'unknown-model' : 'no-usage',
    detail: 'This call was not priced.',
    model: modelLabel(view),
  };
  if (view.provider !== undefined) out.provider = view.provider;
  return out;
}

function sortModels(models: ModelUsage[]): ModelUsage[] {
  return models.sort(
    (a, b) => b.cost.costUsd - a.cost.costUsd || b.calls - a.calls || a.model.localeCompare(b.model),
  );
}

/**
 * Metrics of one trace.
 *
 * Usage and cost are counted once: a span counts when it may carry usage (see
 * `isUsageCandidate`) and no descendant does — so a wrapper span over the real provider call
 * (LangChain over OpenAI, Vercel `ai.generateText` over `doGenerate`, an agent span with rolled-up
 * usage) never adds its copy, flagged `usageIsAggregate` or not.
 */
export function computeRunMetrics(
  spans: readonly MetricsSpan[],
  traceDurationMs: number,
  /** Called, in start order, for every span whose usage and cost the run counts. */
  onCounted?: (span: MetricsSpan, cost: CallCost) => void,
): RunMetrics {
  const byId = new Map<string, MetricsSpan>();
  for (const s of spans) byId.set(s.spanId, s);
  const parentOf = (s: MetricsSpan): MetricsSpan | undefined =>
    s.parentSpanId !== null && s.parentSpanId !== s.spanId ? byId.get(s.parentSpanId) : undefined;

  // Spans with a usage candidate below them: walk up from each candidate (stops at already-marked
  // ancestors, so the whole pass is linear; the `seen` guard protects against parent cycles).
  const hasCandidateBelow = new Set<string>();
  for (const s of spans) {
    if (!isUsageCandidate(s.view)) continue;
    const seen = new Set<string>([s.spanId]);
    for (let p = parentOf(s); p && !seen.has(p.spanId); p = parentOf(p)) {
      seen.add(p.spanId);
      if (hasCandidateBelow.has(p.spanId)) break;
      hasCandidateBelow.add(p.spanId);
    }
  }
  const hasAncestor = (s: MetricsSpan, pred: (a: MetricsSpan) => boolean): boolean => {
    const seen = new Set<string>([s.spanId]);
    for (let p = parentOf(s); p && !seen.has(p.spanId); p = parentOf(p)) {
      seen.add(p.spanId);
      if (pred(p)) return true;
    }
    return false;
  };
  const traceHasAgent = spans.some((s) => s.view?.kind === 'agent');

  const ordered = [...spans].sort((a, b) => a.startOffsetMs - b.startOffsetMs);
  const tokens = emptyTokenTotals();
  const costs: CallCost[] = [];
  const latencies: number[] = [];
  const contextUse: ContextUse[] = [];
  let maxContextUtilization: number | null = null;
  let modelCalls = 0;
  let modelCallErrors = 0;
  let agentIterations = 0;
  let toolCalls = 0;
  let toolErrors = 0;
  const models = new Map<string, { row: ModelUsage; costs: CallCost[] }>();

  for (const s of ordered) {
    const view = s.view;
    if (!view) continue;

    if (view.kind === 'tool' && !isDuplicateToolSpan(s, view, parentOf)) {
      toolCalls++;
      if (s.statusCode === 'error') toolErrors++;
    }

    if (!isUsageCandidate(view) || hasCandidateBelow.has(s.spanId)) continue;

    const cost = s.cost ?? missingCost(view);
    costs.push(cost);
    onCounted?.(s, cost);
    if (view.usage) addUsage(tokens, view.usage);

    const label = modelLabel(view);
    const key = modelKey(label, view.provider);
    let m = models.get(key);
    if (!m) {
      const row: ModelUsage = { model: label, calls: 0, tokens: emptyTokenTotals(), cost: emptyCostTotal() };
      if (view.provider !== undefined) row.provider = view.provider;
      m = { row, costs: [] };
      models.set(key, m);
    }
    m.row.calls++;
    if (view.usage) addUsage(m.row.tokens, view.usage);
    m.costs.push(cost);

    if (!isModelCall(view)) continue;
    modelCalls++;
    if (s.statusCode === 'error') modelCallErrors++;
    if (view.kind === 'llm') {
      latencies.push(s.durationMs);
      if (!traceHasAgent || hasAncestor(s, (a) => a.view?.kind === 'agent')) agentIterations++;
    }

    const window = cost.status === 'priced' || cost.status === 'reported' ? cost.contextWindow : undefined;
    const input = view.usage?.inputTokens;
    if (window !== undefined && window > 0 && input !== undefined && input > 0) {
      const utilization = input / window;
      maxContextUtilization = Math.max(maxContextUtilization ?? 0, utilization);
      if (contextUse.length < MAX_CONTEXT_SAMPLES) {
        contextUse.push({ spanId: s.spanId, model: label, inputTokens: input, contextWindow: window, utilization });
      }
    }
  }

  const modelRows = [...models.values()].map(({ row, costs: c }) => ({ ...row, cost: sumCosts(c) }));
  return {
    traceCount: 1,
    tokens,
    cost: sumCosts(costs),
    modelCalls,
    modelCallErrors,
    agentIterations,
    toolCalls,
    toolErrors,
    toolSuccessRate: toolCalls > 0 ? (toolCalls - toolErrors) / toolCalls : null,
    modelLatency: latencyStats(latencies),
    contextUse,
    maxContextUtilization,
    durationMs: Number.isFinite(traceDurationMs) && traceDurationMs > 0 ? traceDurationMs : 0,
    models: sortModels(modelRows),
  };
}

/**
 * A tool span that only wraps another instrumentation's span of the same call (same tool name
 * or call id on the nearest tool ancestor, with no model call or agent in between) is not a
 * second tool call (src/core/genai/repeats.ts).
 */
function isDuplicateToolSpan(s: MetricsSpan, view: GenAiSpanView, parentOf: (s: MetricsSpan) => MetricsSpan | undefined): boolean {
  return repeatedToolCall(s, view, (x) => x.view, parentOf) !== undefined;
}

/** An empty value (a session without traces). */
export function emptyRunMetrics(): RunMetrics {
  return {
    traceCount: 0,
    tokens: emptyTokenTotals(),
    cost: emptyCostTotal(),
    modelCalls: 0,
    modelCallErrors: 0,
    agentIterations: 0,
    toolCalls: 0,
    toolErrors: 0,
    toolSuccessRate: null,
    modelLatency: null,
    contextUse: [],
    maxContextUtilization: null,
    durationMs: 0,
    models: [],
  };
}

/**
 * Merges run metrics (the traces of a session, or sessions): counts and tokens add up, costs
 * merge lower-bound aware, latency percentiles are recomputed from the merged samples, and the
 * duration is the sum of the runs' durations.
 */
export function mergeRunMetrics(parts: readonly RunMetrics[]): RunMetrics {
  const out = emptyRunMetrics();
  const models = new Map<string, { row: ModelUsage; costs: CostTotal[] }>();
  for (const p of parts) {
    out.traceCount += p.traceCount;
    addTokens(out.tokens, p.tokens);
    out.modelCalls += p.modelCalls;
    out.modelCallErrors += p.modelCallErrors;
    out.agentIterations += p.agentIterations;
    out.toolCalls += p.toolCalls;
    out.toolErrors += p.toolErrors;
    out.durationMs += p.durationMs;
    for (const c of p.contextUse) {
      if (out.contextUse.length >= MAX_CONTEXT_SAMPLES) break;
      out.contextUse.push(c);
    }
    if (p.maxContextUtilization !== null) {
      out.maxContextUtilization = Math.max(out.maxContextUtilization ?? 0, p.maxContextUtilization);
    }
    for (const m of p.models) {
      const key = modelKey(m.model, m.provider);
      let acc = models.get(key);
      if (!acc) {
        const row: ModelUsage = { model: m.model, calls: 0, tokens: emptyTokenTotals(), cost: emptyCostTotal() };
        if (m.provider !== undefined) row.provider = m.provider;
        acc = { row, costs: [] };
        models.set(key, acc);
      }
      acc.row.calls += m.calls;
      addTokens(acc.row.tokens, m.tokens);
      acc.costs.push(m.cost);
    }
  }
  out.cost = mergeCostTotals(parts.map((p) => p.cost));
  out.toolSuccessRate = out.toolCalls > 0 ? (out.toolCalls - out.toolErrors) / out.toolCalls : null;
  out.modelLatency = mergeLatencyStats(parts.map((p) => p.modelLatency));
  out.models = sortModels([...models.values()].map(({ row, costs }) => ({ ...row, cost: mergeCostTotals(costs) })));
  return out;
}
