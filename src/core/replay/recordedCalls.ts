/**
 * The model calls of a stored trace, in start order, each counted once (`RecordedCall[]`, what
 * "Serve Recorded Responses…" answers a re-run with), and the replay request of any model call
 * span rebuilt from every span that recorded the same call.
 *
 * Counted once: the usage rule of src/core/usage/README.md "Counted once" (`computeRunMetrics`:
 * a model call counts when no span below it carries usage or is a model call — the innermost
 * report wins, as the run metrics, the conversation and the diagnostics count). A model call
 * span above exactly one counted call (and no other) is the same call seen by a second
 * instrumentation — LangChain's `ChatOpenAI` over the OpenAI instrumentation's span,
 * OpenInference's `Anthropic Messages` over the Anthropic SDK's own `anthropic.messages.create`
 * — and its recording fills what the inner one lacks (often the content: the SDK span records
 * none by default). A model call span above several counted calls (Vercel `ai.generateText` over
 * its `doGenerate` steps) is not one call. Pure.
 */
import type { GenAiSpanView } from '../../model/genai';
import type { RecordedCall, ReplayRequest } from '../../model/replay';
import type { LogRecordInfo, SpanId, SpanRecord } from '../../model/trace';
import { computeRunMetrics, type MetricsSpan } from '../usage/runMetrics';
import { adoptRunTools, recordedToolsOf, replayRequestOfCall, type CallRecording, type RunTools } from './request';

/** A span of a stored trace: its skeleton facts and GenAI view, and for GenAI spans the stored span and its correlated log records. */
export interface TraceCallSpan extends MetricsSpan {
  record?: SpanRecord;
  logs?: readonly LogRecordInfo[];
}

/** One model call: the counted span and the spans above it that recorded the same call (nearest first). */
export interface ModelCallSpans {
  call: TraceCallSpan;
  sameCall: TraceCallSpan[];
}

/** Deepest parent chain walked (a guard against cycles in malformed traces). */
const MAX_DEPTH = 10_000;

function isModelCall(view: GenAiSpanView | null): boolean {
  return view?.kind === 'llm';
}

/** The trace's model calls (kind `llm`) counted once, in start order, with their same-call wrapper spans. O(n · depth). */
export function traceModelCalls(spans: readonly TraceCallSpan[]): ModelCallSpans[] {
  const byId = new Map<SpanId, TraceCallSpan>();
  for (const s of spans) byId.set(s.spanId, s);
  const counted: TraceCallSpan[] = [];
  computeRunMetrics(spans, 0, (s) => {
    if (isModelCall(s.view)) counted.push(s as TraceCallSpan);
  });
  // For each model call span above a counted call: the counted calls below it.
  const below = new Map<SpanId, TraceCallSpan[]>();
  const ancestors = new Map<SpanId, TraceCallSpan[]>();
  for (const c of counted) {
    const chain: TraceCallSpan[] = [];
    const seen = new Set<SpanId>([c.spanId]);
    let p = c.parentSpanId !== null ? byId.get(c.parentSpanId) : undefined;
    for (let depth = 0; p && !seen.has(p.spanId) && depth < MAX_DEPTH; depth++) {
      seen.add(p.spanId);
      if (isModelCall(p.view)) {
        chain.push(p);
        const list = below.get(p.spanId) ?? [];
        list.push(c);
        below.set(p.spanId, list);
      }
      p = p.parentSpanId !== null ? byId.get(p.parentSpanId) : undefined;
    }
    ancestors.set(c.spanId, chain);
  }
  return counted.map((call) => ({
    call,
    sameCall: (ancestors.get(call.spanId) ?? []).filter((a) => below.get(a.spanId)?.length === 1),
  }));
}

/** The recordings of a call (spans with their stored record and view), the counted span first. */
export function recordingsOf(group: ModelCallSpans): CallRecording[] {
  const out: CallRecording[] = [];
  for (const s of [group.call, ...group.sameCall]) {
    if (s.record && s.view) out.push({ span: s.record, view: s.view, logs: s.logs ?? [] });
  }
  return out;
}

/** One recorded call from its rebuilt request. */
export function recordedCallOf(index: number, group: ModelCallSpans, request: ReplayRequest): RecordedCall {
  const call: RecordedCall = {
    index,
    spanId: group.call.spanId,
    spanName: group.call.name,
    kind: request.kind,
    inputMessages: request.messages,
    outputMessages: request.original.output,
    toolNames: request.tools.map((t) => t.name),
  };
  if (request.provider) call.provider = request.provider;
  if (request.model) call.requestModel = request.model;
  if (request.original.responseModel) call.responseModel = request.original.responseModel;
  if (request.system?.length) call.system = request.system;
  if (request.original.finishReasons) call.finishReasons = request.original.finishReasons;
  if (request.original.usage) call.usage = request.original.usage;
  if (request.original.responseId) call.responseId = request.original.responseId;
  const same = group.sameCall.filter((s) => s.record).map((s) => s.spanId);
  if (same.length) call.sameCallSpanIds = same;
  if (request.missing.length) call.missing = request.missing;
  return call;
}

/** The trace's model calls as served by "Serve Recorded Responses…": start order, each once. */
export function recordedCallsOf(spans: readonly TraceCallSpan[]): RecordedCall[] {
  const groups = traceModelCalls(spans)
    .map((group) => ({ group, recordings: recordingsOf(group) }))
    .filter((g) => g.recordings.length > 0);
  const requests = groups.map((g) => replayRequestOfCall(g.recordings));
  const tools = requests.map((r, i): RunTools => ({ tools: r.tools, label: callLabel(groups[i]!.group, i) }));
  return groups.map((g, i) => {
    adoptRunTools(requests[i]!, nearestFirst(tools, i));
    return recordedCallOf(i, g.group, requests[i]!);
  });
}

/** How a call is named in notes: its span name and position. */
function callLabel(group: ModelCallSpans, index: number): string {
  return `${group.call.name} (model call ${index + 1})`;
}

/** The other entries, nearest before `index` first, then nearest after. */
function nearestFirst<T>(list: readonly T[], index: number): T[] {
  const out: T[] = [];
  for (let i = index - 1; i >= 0; i--) out.push(list[i]!);
  for (let i = index + 1; i < list.length; i++) out.push(list[i]!);
  return out;
}

/**
 * The recordings of the model call span `spanId`: every span that recorded the same call (the
 * counted span first), `callSpanId` the counted span (whose cost is the call's), `source` the span
 * itself. A model call span that is not one call (it groups several) has only its own recording.
 * `null` when the span is not a stored model call span.
 */
export function callRecordingsForSpan(
  spans: readonly TraceCallSpan[],
  spanId: SpanId,
): { recordings: CallRecording[]; callSpanId: SpanId; source: SpanRecord; runTools: () => RunTools[] } | null {
  const span = spans.find((s) => s.spanId === spanId);
  if (!span?.record || !span.view || !isModelCall(span.view)) return null;
  const groups = traceModelCalls(spans);
  const index = groups.findIndex((g) => g.call.spanId === spanId || g.sameCall.some((s) => s.spanId === spanId));
  const group = index >= 0 ? groups[index] : undefined;
  const recordings = group ? recordingsOf(group) : [{ span: span.record, view: span.view, logs: span.logs ?? [] }];
  // Tool definitions of the run's other calls, nearest first (only read when this call lacks them).
  const others = nearestFirst(groups.map((g, i) => ({ g, i })), index >= 0 ? index : groups.length);
  const runTools = (): RunTools[] => others.map(({ g, i }) => ({ tools: recordedToolsOf(recordingsOf(g)), label: callLabel(g, i) }));
  return { recordings, callSpanId: group?.call.spanId ?? spanId, source: span.record, runTools };
}

/** The replay request of the model call span `spanId` from every recording of its call (`callRecordingsForSpan`); `null` as there. */
export function replayRequestForSpan(spans: readonly TraceCallSpan[], spanId: SpanId): { request: ReplayRequest; callSpanId: SpanId } | null {
  const found = callRecordingsForSpan(spans, spanId);
  if (!found) return null;
  const request = replayRequestOfCall(found.recordings, found.source);
  adoptRunTools(request, found.runTools);
  return { request, callSpanId: found.callSpanId };
}
