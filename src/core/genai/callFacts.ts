/**
 * The part of a span's GenAI view that cost and usage depend on: operation kind, provider, request
 * and response model, token usage, reported cost and `usageIsAggregate`. `normalizeSpan` reads
 * these through `readCallFields` (so the view and the facts cannot disagree), and the store keeps
 * them per span from ingest on (`callFactsOf`, through the ingest annotator), so a trace's cost
 * and tokens are summed in SQL instead of normalizing every span of the trace again when a list
 * row is shown (src/core/usage/README.md, "Counted once").
 *
 * Key chains: docs/genai-conventions.md §0 ("Operation kind", "Provider", "Model", "Token usage",
 * "Provided cost").
 */
import type { Attributes, LogRecordInfo, SpanRecord } from '../../model/trace';
import type { CallFacts, GenAiUsage } from '../../model/genai';
import { RESPONSE_MODEL_KEYS, detectKind, readProvider, readRequestModel, type KindInfo, type SpanReads } from './fields';
import { readCost, readUsage } from './usageFields';
import { DETAILS_EVENT, collectEvents, isMessageEvent, type GenAiEvent } from './events';
import { readMcp, type McpRead } from './mcp';
import { RawSink, firstStr, isRecord, str } from './values';

/** The cost-relevant fields of a span's view, plus what `normalizeSpan` goes on with. */
export interface CallFields {
  kindInfo: KindInfo;
  mcp: McpRead | undefined;
  /** The `gen_ai.client.inference.operation.details` event (§1.7c), whose attributes stand in for missing span attributes. */
  details: GenAiEvent | undefined;
  detailAttrs: Attributes;
  /** The span's own provider attribute (`readProvider`); see `eventsProvider` for the fallback. */
  provider: string | undefined;
  requestModel: string | undefined;
  responseModel: string | undefined;
  usage: GenAiUsage | undefined;
  reportedCostUsd: number | undefined;
}

/**
 * Kind, provider, models, usage and reported cost of a span with its GenAI events (`collectEvents`),
 * or `null` when the span is not a GenAI span. Kind: `detectKind`, else a span with GenAI message
 * events is a model call, an MCP `tools/call` a tool, guardrail attributes a guardrail, any other
 * GenAI event `other`. `read`: the span's `readSpanReads`, when the caller has it (the same
 * values, not read again).
 */
export function readCallFields(span: SpanRecord, events: readonly GenAiEvent[], raw: RawSink, known?: KindInfo, read?: SpanReads): CallFields | null {
  const a = span.attributes ?? {};
  const mcp = readMcp(span);
  let kindInfo = known ?? detectKind(span);
  if (!kindInfo) {
    if (events.some((e) => isMessageEvent(e.name))) kindInfo = { kind: 'llm' }; // a span with correlated GenAI message events is a model call
    else if (mcp) kindInfo = { kind: mcp.info.method === 'tools/call' ? 'tool' : 'other' };
    else if (a['gen_ai.guardrail.component.name'] !== undefined || a['gen_ai.guardrail.policy.id'] !== undefined || a['gen_ai.guardrail.result.type'] !== undefined) kindInfo = { kind: 'guardrail' };
    else if (events.length > 0) kindInfo = { kind: 'other' }; // evaluation, guardrail or storage events only
    else return null;
  }
  const details = events.find((e) => e.name === DETAILS_EVENT);
  const detailAttrs: Attributes = details ? { ...(isRecord(details.body) ? (details.body as Attributes) : {}), ...details.attributes } : {};
  const provider = read ? read.provider : readProvider(span);
  const requestModel = (read ? read.requestModel : readRequestModel(a)) ?? str(detailAttrs['gen_ai.request.model']);
  const responseModel = (read ? read.responseModel : firstStr(a, RESPONSE_MODEL_KEYS)) ?? str(detailAttrs['gen_ai.response.model']);
  const usageSource = { scopeName: span.scope?.name, provider };
  const usage = readUsage(a, raw, usageSource, read?.counts) ?? (details ? readUsage(detailAttrs, raw, usageSource) : undefined);
  const reportedCostUsd = readCost(a, raw);
  return { kindInfo, mcp, details, detailAttrs, provider, requestModel, responseModel, usage, reportedCostUsd };
}

const NO_EVENTS: readonly GenAiEvent[] = [];

/** The provider named by the span's GenAI events (`gen_ai.system` / `gen_ai.provider.name`), first event first. */
export function eventsProvider(events: readonly GenAiEvent[]): string | undefined {
  for (const e of events) {
    const p = str(e.attributes['gen_ai.system']) ?? str(e.attributes['gen_ai.provider.name']);
    if (p) return p;
  }
  return undefined;
}

/** `true` when the span's usage repeats its descendants' (`GenAiSpanView.usageIsAggregate`). */
export function usageIsAggregate(f: Pick<CallFields, 'kindInfo' | 'usage'>): boolean {
  const kind = f.kindInfo.kind;
  return !!f.kindInfo.vercelOuter || ((kind === 'agent' || kind === 'workflow') && f.usage !== undefined);
}

function hasTokens(u: GenAiUsage | undefined): boolean {
  return !!u && (u.inputTokens !== undefined || u.outputTokens !== undefined || u.totalTokens !== undefined);
}

/**
 * The cost facts of a span (with its correlated log records, any order), or `undefined` when the
 * span is not priced: a span counts toward cost when it is a GenAI span by its own attributes (it
 * has a badge: `detectKind`; spans that are GenAI views only through correlated events are not
 * read for cost, as src/core/usage/usageIndex.ts reads the trace's badge spans) and is a model
 * call (kind `llm`/`embeddings`) or carries usage or a reported cost (`needsPrice` of
 * src/core/pricing/priceCall.ts). Equal to the same fields of `normalizeSpan(span, logs)`. Never
 * throws (a failure reads as no facts). `known`: the span's `detectKind`, `read`: its
 * `readSpanReads`, when the caller has them.
 */
export function callFactsOf(span: SpanRecord, logs: readonly LogRecordInfo[] = [], known?: KindInfo, read?: SpanReads): CallFacts | undefined {
  try {
    const kindInfo = known ?? detectKind(span);
    if (!kindInfo) return undefined;
    const raw = new RawSink();
    const events = logs.length === 0 && !span.events?.length ? NO_EVENTS : collectEvents(span, logs, raw);
    const f = readCallFields(span, events, raw, kindInfo, read);
    if (!f) return undefined;
    const kind = f.kindInfo.kind;
    const modelCall = kind === 'llm' || kind === 'embeddings';
    if (!modelCall && !hasTokens(f.usage) && f.reportedCostUsd === undefined) return undefined;
    const facts: CallFacts = { modelCall, aggregate: usageIsAggregate(f) };
    const provider = f.provider ?? eventsProvider(events);
    if (provider) facts.provider = provider;
    if (f.requestModel) facts.requestModel = f.requestModel;
    if (f.responseModel) facts.responseModel = f.responseModel;
    if (f.usage) facts.usage = f.usage;
    if (f.reportedCostUsd !== undefined) facts.reportedCostUsd = f.reportedCostUsd;
    return facts;
  } catch {
    return undefined;
  }
}
