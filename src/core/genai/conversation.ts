/**
 * `buildConversation`: a trace's normalized GenAI spans → the Conversation tab's timeline
 * (`TraceConversation`), in time order.
 *
 * - Model calls: agent loops resend the whole history on every call, so each call shows only the
 *   input messages that are new compared with the previous model call of the same conversation
 *   (the earlier call, among the last `PREDECESSOR_WINDOW`, whose input + first output message is
 *   the longest prefix of this call's input), plus its output. System instructions are shown on
 *   a conversation's first call and again only when they change.
 * - A span that repeats another one's model call (a wrapper, a second instrumentation) is left
 *   out (`repeatedModelCalls`); tool spans of one call (an MCP client/server pair, a framework span
 *   over an instrumented function) share one card (./conversationLinks.ts `foldedToolSpans`).
 * - Tool calls come from tool spans. Missing arguments/results are filled from the model calls:
 *   the `tool_call` part with the same call id (else the earliest unused one with the same tool
 *   name requested before the tool span started) and the `tool_call_response` part with that id.
 *   `tool_call` parts stay in their model call's output messages as well. Each tool call is then
 *   placed between the model call that requested it and the one that consumed its result, and a
 *   result shown in its card is left out of the consuming call's new input (`placeToolCalls`).
 * - Agent steps come from agent spans.
 * - MCP client/server spans of one call share one card; evaluations and guardrails are added by
 *   conversationLinks.ts.
 * Pure; cost O(n · PREDECESSOR_WINDOW · messages) for n model calls.
 */
import type { LogRecordInfo, SpanRecord, TraceId } from '../../model/trace';
import type { ConversationItem, GenAiMessage, GenAiMessagePart, GenAiSpanView, TraceConversation } from '../../model/genai';
import { tryParse } from './values';
import { completeToolCall, evaluationsBySpan, foldedToolSpans, guardrailItem } from './conversationLinks';

/** How many earlier model calls are compared when looking for a call's predecessor. */
export const PREDECESSOR_WINDOW = 32;

/** One span of the trace, normalized, with its place on the trace's time axis (ms from trace start). */
export interface ConversationSpan {
  span: SpanRecord;
  logs: readonly LogRecordInfo[];
  view: GenAiSpanView | null;
  startOffsetMs: number;
  durationMs: number;
}

/** A comparable form of a JSON-ish value: JSON strings are parsed first, so `"{\"a\":1}"` equals `{a:1}`. */
function canonValue(value: unknown): string {
  if (typeof value === 'string') {
    const parsed = tryParse(value);
    if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) return JSON.stringify(parsed.value);
    return JSON.stringify(value.trim());
  }
  return JSON.stringify(value ?? null);
}

function partKey(p: GenAiMessagePart): string {
  switch (p.type) {
    case 'text':
      return `t${JSON.stringify(p.content.trim())}`;
    case 'tool_call':
      return `c${p.id ?? ''}|${p.name}|${canonValue(p.arguments)}`;
    case 'tool_call_response':
      return `r${p.id ?? ''}|${canonValue(p.response)}`;
    case 'reasoning':
      return `z${JSON.stringify(p.content.trim())}`;
    case 'media':
      return `m${p.uri ?? p.fileId ?? ''}|${p.mimeType ?? ''}`;
    case 'other':
      return `o${JSON.stringify(p.raw)}`;
  }
}

/** Message identity for history comparison: role and parts (empty text parts ignored), not finish reason or name. */
export function messageKey(m: GenAiMessage): string {
  const parts = m.parts.filter((p) => !(p.type === 'text' && p.content.trim() === '')).map(partKey);
  return `${m.role}:${parts.join('\u0001')}`;
}

function instructionsKey(parts: readonly GenAiMessagePart[] | undefined): string {
  return parts ? parts.map(partKey).join('\u0001') : '';
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export function errorOf(span: SpanRecord): string | undefined {
  if (span.status?.code !== 'error') return undefined;
  if (span.status.message) return span.status.message;
  const exception = span.events?.find((e) => e.name === 'exception');
  const message = exception?.attributes?.['exception.message'];
  return typeof message === 'string' && message !== '' ? message : 'error';
}

function byTime(a: ConversationSpan, b: ConversationSpan): number {
  return a.startOffsetMs - b.startOffsetMs || b.durationMs - a.durationMs || (a.span.spanId < b.span.spanId ? -1 : a.span.spanId > b.span.spanId ? 1 : 0);
}

/**
 * Model calls that repeat another span's call, left out of the timeline: two views of one model
 * call (a wrapper or a second instrumentation: Vercel `ai.generateText` over `doGenerate`,
 * LangChain over the OpenAI instrumentation, OpenInference over the Anthropic SDK's own span). Of
 * a model call and its nearest model-call ancestor (no agent or tool in between), the inner one is
 * kept when it carries messages, else the outer one when it does, else the inner one (its usage is
 * the one counted). Ancestors are followed through non-GenAI spans when `spans` includes them.
 * Tool calls seen twice are folded into one card instead (./conversationLinks.ts).
 */
function repeatedModelCalls(spans: readonly ConversationSpan[]): Set<string> {
  const byId = new Map<string, ConversationSpan>();
  for (const s of spans) byId.set(s.span.spanId, s);
  const repeated = new Set<string>();
  const hasContent = (v: GenAiSpanView): boolean => !!(v.inputMessages?.length || v.outputMessages?.length);
  /** Nearest model-call ancestor; undefined past an agent or a tool. */
  const outerCall = (s: ConversationSpan): ConversationSpan | undefined => {
    const seen = new Set<string>([s.span.spanId]);
    for (let p = s.span.parentSpanId ? byId.get(s.span.parentSpanId) : undefined; p && !seen.has(p.span.spanId); p = p.span.parentSpanId ? byId.get(p.span.parentSpanId) : undefined) {
      seen.add(p.span.spanId);
      const k = p.view?.kind;
      if (k === 'llm') return p;
      if (k === 'agent' || k === 'tool') return undefined;
    }
    return undefined;
  };
  for (const s of spans) {
    const view = s.view;
    if (view?.kind !== 'llm') continue;
    const outer = outerCall(s);
    if (!outer?.view) continue;
    if (hasContent(view) || !hasContent(outer.view)) repeated.add(outer.span.spanId);
    else repeated.add(s.span.spanId);
  }
  return repeated;
}

interface PastCall {
  /** Keys of input messages + the first output message. */
  seen: string[];
  system: string;
}

interface RequestedTool {
  id?: string;
  name: string;
  arguments?: unknown;
  requestedAtMs: number;
  used: boolean;
  /** The requesting model call's item. */
  requester: ConversationItem;
}

/** What the placement pass needs to know about the items (./conversation.ts `placeToolCalls`). */
interface Placement {
  /** Tool item → the model call item that requested it. */
  requesterOf: Map<ConversationItem, ConversationItem>;
  /** Tool call id → the model call item whose output requested it (for tool spans stamped before their request). */
  requestedBy: Map<string, ConversationItem>;
  /** Model call item → the tool call ids whose results its input carries. */
  consumedIds: Map<ConversationItem, Set<string>>;
}

/** The conversation timeline of one trace. `spans` may be in any order and may include non-GenAI spans (ignored). */
export function buildConversation(traceId: TraceId, spans: readonly ConversationSpan[]): TraceConversation {
  const repeated = repeatedModelCalls(spans);
  const ordered = spans.filter((s) => s.view !== null && !repeated.has(s.span.spanId)).sort(byTime);
  const folded = foldedToolSpans(ordered);
  const evaluations = evaluationsBySpan(ordered);
  const items: ConversationItem[] = [];
  const past: PastCall[] = [];
  const requested: RequestedTool[] = [];
  const responses = new Map<string, unknown>();
  const placement: Placement = { requesterOf: new Map(), requestedBy: new Map(), consumedIds: new Map() };
  let contentMissingCount = 0;

  // Tool results named in any model input, by call id (for tool spans without a result).
  for (const s of ordered) {
    for (const m of s.view!.inputMessages ?? []) {
      for (const p of m.parts) if (p.type === 'tool_call_response' && p.id !== undefined && !responses.has(p.id)) responses.set(p.id, p.response);
    }
  }

  for (const s of ordered) {
    const view = s.view!;
    const base = { spanId: s.span.spanId, startOffsetMs: s.startOffsetMs, durationMs: s.durationMs };
    const error = errorOf(s.span);
    const evals = evaluations.get(s.span.spanId);
    if (view.kind === 'llm') {
      const input = view.inputMessages ?? [];
      const output = view.outputMessages ?? [];
      const keys = input.map(messageKey);
      const systemKey = instructionsKey(view.systemInstructions);
      let best: PastCall | undefined;
      let bestLen = 0;
      for (let i = past.length - 1, n = 0; i >= 0 && n < PREDECESSOR_WINDOW; i--, n++) {
        const len = commonPrefix(keys, past[i]!.seen);
        if (len > bestLen) {
          best = past[i];
          bestLen = len;
        }
      }
      const item: Extract<ConversationItem, { type: 'modelCall' }> = {
        type: 'modelCall',
        ...base,
        newInputMessages: input.slice(bestLen),
        outputMessages: output,
      };
      const model = view.responseModel ?? view.requestModel;
      if (model) item.model = model;
      if (view.provider) item.provider = view.provider;
      if (view.usage) item.usage = view.usage;
      if (error) item.error = error;
      if (view.systemInstructions?.length && (!best || best.system !== systemKey)) item.systemInstructions = view.systemInstructions;
      if (view.contentMissing) {
        item.contentMissing = true;
        if (view.contentCaptureHint) item.contentCaptureHint = view.contentCaptureHint;
        contentMissingCount++;
      }
      if (evals) item.evaluations = evals;
      if (view.contentRefs) item.contentRefs = view.contentRefs;
      items.push(item);
      const consumed = new Set<string>();
      for (const m of input) for (const p of m.parts) if (p.type === 'tool_call_response' && p.id !== undefined) consumed.add(p.id);
      if (consumed.size > 0) placement.consumedIds.set(item, consumed);
      if (input.length || output.length) {
        past.push({ seen: output.length ? [...keys, messageKey(output[0]!)] : keys, system: systemKey });
      }
      for (const m of output) {
        for (const p of m.parts) {
          if (p.type !== 'tool_call') continue;
          const r: RequestedTool = { name: p.name, requestedAtMs: s.startOffsetMs, used: false, requester: item };
          if (p.id !== undefined) {
            r.id = p.id;
            if (!placement.requestedBy.has(p.id)) placement.requestedBy.set(p.id, item);
          }
          if (p.arguments !== undefined) r.arguments = p.arguments;
          requested.push(r);
        }
      }
    } else if (view.kind === 'tool') {
      if (folded.has(s.span.spanId)) continue;
      const tool = view.tool ?? {};
      const name = tool.name ?? s.span.name;
      let match = tool.callId !== undefined ? requested.find((r) => r.id === tool.callId) : undefined;
      match ??= requested.find((r) => !r.used && r.name === name && r.requestedAtMs <= s.startOffsetMs);
      if (match) match.used = true;
      const callId = tool.callId ?? match?.id;
      const item: Extract<ConversationItem, { type: 'toolCall' }> = { type: 'toolCall', ...base, name };
      if (callId !== undefined) item.callId = callId;
      const args = tool.arguments ?? match?.arguments;
      if (args !== undefined) item.arguments = args;
      const result = tool.result !== undefined ? tool.result : callId !== undefined ? responses.get(callId) : undefined;
      if (result !== undefined) item.result = result;
      if (error) item.error = error;
      completeToolCall(item, s, folded, ordered, (x) => errorOf(x.span));
      if (evals) item.evaluations = evals;
      if (match) placement.requesterOf.set(item, match.requester);
      items.push(item);
    } else if (view.kind === 'agent') {
      const item: Extract<ConversationItem, { type: 'agent' }> = { type: 'agent', ...base, agentName: view.agentName ?? s.span.name };
      if (error) item.error = error;
      if (evals) item.evaluations = evals;
      items.push(item);
    }
    const guardrail = guardrailItem(s, error);
    if (guardrail) items.push(guardrail);
  }
  placeToolCalls(items, placement);
  return { traceId, items, contentMissingCount };
}

/**
 * Puts every tool call between the model call that requested it and the model call that consumed
 * its result, whatever the span times say (clock skew between processes, a tool span recorded
 * late, an instrumentation that ends the tool span after the next call started), and removes a
 * result shown in a tool card from the consuming call's new input, so it is not shown twice.
 * The consumer is the first later model call whose input carries the call id's result, else the
 * first model call after the requester. Items already in place keep their time order. In place.
 */
function placeToolCalls(items: ConversationItem[], placement: Placement): void {
  const tools = items.filter((i): i is Extract<ConversationItem, { type: 'toolCall' }> => i.type === 'toolCall');
  for (const tool of tools) {
    const requester = placement.requesterOf.get(tool) ?? (tool.callId !== undefined ? placement.requestedBy.get(tool.callId) : undefined);
    if (requester && items.indexOf(tool) < items.indexOf(requester)) {
      items.splice(items.indexOf(tool), 1);
      items.splice(items.indexOf(requester) + 1, 0, tool);
    }
    const from = requester ? items.indexOf(requester) : -1;
    const isModelCall = (i: ConversationItem, k: number): boolean => k > from && i.type === 'modelCall';
    let consumerAt = tool.callId !== undefined ? items.findIndex((i, k) => isModelCall(i, k) && placement.consumedIds.get(i)?.has(tool.callId!) === true) : -1;
    if (consumerAt < 0 && requester) consumerAt = items.findIndex(isModelCall);
    if (consumerAt < 0) continue;
    const consumer = items[consumerAt]!;
    if (items.indexOf(tool) > consumerAt) {
      items.splice(items.indexOf(tool), 1);
      items.splice(items.indexOf(consumer), 0, tool);
    }
    if (tool.result !== undefined) dropShownResult(consumer, tool);
  }
}

/** Removes the tool result a card shows from a model call's new input (by call id, else by equal content). */
function dropShownResult(consumer: ConversationItem | undefined, tool: Extract<ConversationItem, { type: 'toolCall' }>): void {
  if (!consumer || consumer.type !== 'modelCall') return;
  const shown = canonValue(tool.result);
  const matches = (p: GenAiMessagePart, role: string): boolean =>
    p.type === 'tool_call_response'
      ? tool.callId !== undefined && p.id !== undefined
        ? p.id === tool.callId
        : canonValue(p.response) === shown
      : role === 'tool' && p.type === 'text' && canonValue(p.content) === shown;
  let changed = false;
  const kept: GenAiMessage[] = [];
  for (const m of consumer.newInputMessages) {
    const parts = m.parts.filter((p) => !matches(p, m.role));
    if (parts.length === m.parts.length) kept.push(m);
    else {
      changed = true;
      if (parts.some((p) => !(p.type === 'text' && p.content.trim() === ''))) kept.push({ ...m, parts });
    }
  }
  if (changed) consumer.newInputMessages = kept;
}
