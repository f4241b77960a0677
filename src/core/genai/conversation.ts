/**
 * `buildConversation`: a trace's normalized GenAI spans → the Conversation tab's timeline
 * (`TraceConversation`), in time order.
 *
 * - Model calls: agent loops resend the whole history on every call, so each call shows only the
 *   input messages that are new compared with the previous model call of the same conversation
 *   (the earlier call, among the last `PREDECESSOR_WINDOW`, whose input + first output message is
 *   the longest prefix of this call's input), plus its output. System instructions are shown on
 *   a conversation's first call and again only when they change.
 * - Vercel outer spans (`ai.generateText`, `usageIsAggregate`) are left out when a model call
 *   below them is present (they repeat the inner calls).
 * - Tool calls come from tool spans. Missing arguments/results are filled from the model calls:
 *   the `tool_call` part with the same call id (else the earliest unused one with the same tool
 *   name requested before the tool span started) and the `tool_call_response` part with that id.
 *   `tool_call` parts stay in their model call's output messages as well.
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

/** Outer model calls (usageIsAggregate) that have a model call below them. */
function supersededOuterCalls(spans: readonly ConversationSpan[]): Set<string> {
  const parentOf = new Map<string, string | null>();
  for (const s of spans) parentOf.set(s.span.spanId, s.span.parentSpanId);
  const aggregates = new Set(spans.filter((s) => s.view?.kind === 'llm' && s.view.usageIsAggregate).map((s) => s.span.spanId));
  const superseded = new Set<string>();
  if (aggregates.size === 0) return superseded;
  for (const s of spans) {
    if (s.view?.kind !== 'llm' || s.view.usageIsAggregate) continue;
    let p = s.span.parentSpanId;
    for (let depth = 0; p && depth < 1000; depth++) {
      if (aggregates.has(p)) superseded.add(p);
      p = parentOf.get(p) ?? null;
    }
  }
  return superseded;
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
}

/** The conversation timeline of one trace. `spans` may be in any order and may include non-GenAI spans (ignored). */
export function buildConversation(traceId: TraceId, spans: readonly ConversationSpan[]): TraceConversation {
  const ordered = spans.filter((s) => s.view !== null).sort(byTime);
  const superseded = supersededOuterCalls(ordered);
  const folded = foldedToolSpans(ordered);
  const evaluations = evaluationsBySpan(ordered);
  const items: ConversationItem[] = [];
  const past: PastCall[] = [];
  const requested: RequestedTool[] = [];
  const responses = new Map<string, unknown>();
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
      if (superseded.has(s.span.spanId)) continue;
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
      if (input.length || output.length) {
        past.push({ seen: output.length ? [...keys, messageKey(output[0]!)] : keys, system: systemKey });
      }
      for (const m of output) {
        for (const p of m.parts) {
          if (p.type !== 'tool_call') continue;
          const r: RequestedTool = { name: p.name, requestedAtMs: s.startOffsetMs, used: false };
          if (p.id !== undefined) r.id = p.id;
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
  return { traceId, items, contentMissingCount };
}
