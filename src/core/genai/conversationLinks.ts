/**
 * What `buildConversation` adds on top of its timeline (conversation.ts keeps the order):
 *
 * - One card per tool call. An MCP span (client or server, `GenAiSpanView.mcp`), or a SERVER-kind
 *   tool span, whose parent is a tool span of the same tool is the same call seen one level down (OTel docs/gen-ai/mcp.md: "The
 *   MCP client span becomes a parent of the MCP server span regardless of transport used"; an agent
 *   framework's `execute_tool` span over an MCP client span likewise): it is folded into the
 *   outermost card, which lists it in `linkedSpanIds` and takes its MCP facts, arguments, result
 *   and error where the card has none. A server span whose client span is not its parent is paired
 *   by `mcp.session.id` + `jsonrpc.request.id` + tool name.
 * - Evaluations (`gen_ai.evaluation.result`) go to the item of the span that carried them, or to
 *   the model call whose `gen_ai.response.id` they name (the convention: the event "SHOULD be
 *   parented to GenAI operation span being evaluated when possible or set `gen_ai.response.id`").
 * - Guardrails: an `apply_guardrail` span (kind `guardrail`) is a guardrail item; the
 *   `gen_ai.guardrail.result` events of any other span add a guardrail item after that span's.
 * Pure.
 */
import { repeatedToolCall } from './repeats';
import type { ConversationItem, GenAiEvaluation, GenAiMcpInfo, GenAiSpanView } from '../../model/genai';
import type { SpanId, SpanRecord } from '../../model/trace';

/** What these helpers read of conversation.ts's `ConversationSpan`. */
export interface LinkSpan {
  span: SpanRecord;
  view: GenAiSpanView | null;
  startOffsetMs: number;
  durationMs: number;
}
type ConversationSpan = LinkSpan;

type ToolCallItem = Extract<ConversationItem, { type: 'toolCall' }>;
type GuardrailItem = Extract<ConversationItem, { type: 'guardrail' }>;

function toolNameOf(s: ConversationSpan): string {
  return s.view?.tool?.name ?? s.view?.mcp?.toolName ?? s.span.name;
}

/**
 * Tool spans folded into another span's card: folded span id → the card's span id (the outermost
 * tool span of the chain): MCP spans and SERVER-kind tool spans under a same-named tool span or
 * paired by MCP session and request id, and any tool span repeating its nearest tool ancestor's call.
 */
export function foldedToolSpans(spans: readonly ConversationSpan[]): Map<SpanId, SpanId> {
  const byId = new Map<SpanId, ConversationSpan>();
  for (const s of spans) if (s.view?.kind === 'tool') byId.set(s.span.spanId, s);
  const into = new Map<SpanId, SpanId>();
  const clients = new Map<string, SpanId>();
  for (const s of byId.values()) {
    const m = s.view!.mcp;
    if (m?.side === 'client' && m.sessionId !== undefined && m.requestId !== undefined) clients.set(`${m.sessionId}\u0001${m.requestId}\u0001${toolNameOf(s)}`, s.span.spanId);
  }
  for (const s of byId.values()) {
    const m = s.view!.mcp;
    // MCP spans, and SERVER spans of a tool call handled in another process (the caller's tool
    // span is their parent: OpenInference MCP propagates the context but makes no spans itself).
    if (!m && s.span.kind !== 'server') continue;
    const parent = s.span.parentSpanId ? byId.get(s.span.parentSpanId) : undefined;
    if (parent && toolNameOf(parent) === toolNameOf(s)) into.set(s.span.spanId, parent.span.spanId);
    else if (m?.side === 'server' && m.sessionId !== undefined && m.requestId !== undefined) {
      const client = clients.get(`${m.sessionId}\u0001${m.requestId}\u0001${toolNameOf(s)}`);
      if (client !== undefined && client !== s.span.spanId) into.set(s.span.spanId, client);
    }
  }
  // Any other tool span that repeats its nearest tool ancestor's call (same call id or tool name, no
  // model call or agent in between: the run metrics' rule, ./repeats.ts) joins that card too.
  const all = new Map<SpanId, ConversationSpan>();
  for (const s of spans) all.set(s.span.spanId, s);
  const parentOf = (s: ConversationSpan): ConversationSpan | undefined => (s.span.parentSpanId ? all.get(s.span.parentSpanId) : undefined);
  for (const s of byId.values()) {
    if (into.has(s.span.spanId)) continue;
    const owner = repeatedToolCall(s, s.view!, (x) => x.view, parentOf);
    if (owner) into.set(s.span.spanId, owner.span.spanId);
  }
  // Chains (server → client → framework span) end at the outermost card; a cycle (bad parent ids) stops.
  for (const [from, to] of into) {
    let card = to;
    for (let depth = 0; into.has(card) && depth < 64; depth++) card = into.get(card)!;
    into.set(from, card);
  }
  return into;
}

const linkedCache = new WeakMap<ReadonlyMap<SpanId, SpanId>, Map<SpanId, ConversationSpan[]>>();

/** The spans folded into each card (computed once per `folded` map). */
function linkedByCard(folded: ReadonlyMap<SpanId, SpanId>, spans: readonly ConversationSpan[]): Map<SpanId, ConversationSpan[]> {
  let byCard = linkedCache.get(folded);
  if (!byCard) {
    byCard = new Map();
    for (const s of spans) {
      const card = folded.get(s.span.spanId);
      if (card === undefined) continue;
      const list = byCard.get(card) ?? [];
      list.push(s);
      byCard.set(card, list);
    }
    linkedCache.set(folded, byCard);
  }
  return byCard;
}

/**
 * Completes a tool call card from the spans folded into it: `linkedSpanIds`, MCP facts (the
 * card's own first, the client's, then the server's), tool type, and arguments, result and error
 * the card lacks.
 */
export function completeToolCall(item: ToolCallItem, card: ConversationSpan, folded: ReadonlyMap<SpanId, SpanId>, spans: readonly ConversationSpan[], errorOf: (s: ConversationSpan) => string | undefined): void {
  const linked = [...(linkedByCard(folded, spans).get(card.span.spanId) ?? [])];
  const sides = { client: 0, server: 1, unknown: 2 } as const;
  linked.sort((a, b) => sides[a.view?.mcp?.side ?? 'unknown'] - sides[b.view?.mcp?.side ?? 'unknown']);
  const toolType = card.view?.tool?.type ?? linked.map((s) => s.view?.tool?.type).find((t) => t !== undefined);
  if (toolType) item.toolType = toolType;
  let mcp: GenAiMcpInfo | undefined = card.view?.mcp ? { ...card.view.mcp } : undefined;
  for (const s of linked) {
    const m = s.view?.mcp;
    if (!m) continue;
    if (!mcp) mcp = { ...m };
    else for (const [k, v] of Object.entries(m)) if ((mcp as unknown as Record<string, unknown>)[k] === undefined) (mcp as unknown as Record<string, unknown>)[k] = v;
    if (item.arguments === undefined && s.view?.tool?.arguments !== undefined) item.arguments = s.view.tool.arguments;
    if (item.result === undefined && s.view?.tool?.result !== undefined) item.result = s.view.tool.result;
    if (item.error === undefined) {
      const error = errorOf(s);
      if (error !== undefined) item.error = error;
    }
  }
  // The server span names its server (its service.name); the client only knows an address.
  const server = linked.find((s) => s.view?.mcp?.side === 'server' && s.view.mcp.server)?.view?.mcp?.server;
  if (mcp && server) mcp.server = server;
  if (mcp) item.mcp = mcp;
  if (linked.length) item.linkedSpanIds = linked.map((s) => s.span.spanId);
}

/**
 * Evaluations by the span whose item shows them: a span's own, except those naming another
 * span's `gen_ai.response.id`, which move there (with `fromSpanId`).
 */
export function evaluationsBySpan(spans: readonly ConversationSpan[]): Map<SpanId, GenAiEvaluation[]> {
  const byResponse = new Map<string, SpanId>();
  for (const s of spans) if (s.view?.responseId && s.view.kind === 'llm') byResponse.set(s.view.responseId, s.span.spanId);
  const out = new Map<SpanId, GenAiEvaluation[]>();
  for (const s of spans) {
    for (const e of s.view?.evaluations ?? []) {
      const target = e.responseId !== undefined ? byResponse.get(e.responseId) : undefined;
      const moved = target !== undefined && target !== s.span.spanId;
      const to = moved ? target : s.span.spanId;
      const list = out.get(to) ?? [];
      list.push(moved ? { ...e, fromSpanId: s.span.spanId } : e);
      out.set(to, list);
    }
  }
  return out;
}

/**
 * The guardrail item of a span: every `guardrail` span, and any other span with
 * `gen_ai.guardrail.result` events; `undefined` otherwise.
 */
export function guardrailItem(s: ConversationSpan, error: string | undefined): GuardrailItem | undefined {
  const view = s.view;
  if (!view) return undefined;
  if (view.kind !== 'guardrail' && !view.guardrail?.results.length) return undefined;
  const item: GuardrailItem = {
    type: 'guardrail',
    spanId: s.span.spanId,
    startOffsetMs: s.startOffsetMs,
    durationMs: s.durationMs,
    name: s.span.name,
    guardrail: view.guardrail ?? { results: [] },
  };
  if (error && view.kind === 'guardrail') item.error = error;
  return item;
}
