/**
 * The OpenAI Agents SDK's own tracing format → `SpanRecord`s (runs in the back end thread).
 *
 * Wire format (openai-agents-js `packages/agents-openai/src/openaiTracingExporter.ts`,
 * openai-agents-python `src/agents/tracing/processors.py` `BackendSpanExporter`): a JSON body
 * `{"data":[item, …]}` POSTed to `/v1/traces/ingest`; each item is
 * - a trace `{object:"trace", id:"trace_<32 hex>", workflow_name, group_id, metadata}`
 *   (sent when the trace *starts*: it has no times), or
 * - a span `{object:"trace.span", id:"span_<24 hex>", trace_id, parent_id, started_at, ended_at
 *   (ISO 8601), span_data:{type, …}, error:{message, data}|null}` (Python may add `metadata`),
 *   sent when the span ends. The SDK batches by time (5 s) and size (100 items), so a trace
 *   object and its spans often arrive in different requests.
 *
 * Mapping:
 * - trace id: the 32 hex digits after `trace_` (lower-cased); any other id string → the first
 *   16 bytes of its SHA-256.
 * - span id: the first 8 bytes of the SHA-256 of the SDK's span id string (UTF-8), so the same
 *   SDK id gives the same span id in every request and parent links hold across batches;
 *   `parent_id` is derived the same way.
 * - root: every trace gets one span of its own, id = the first 8 bytes of the SHA-256 of
 *   `root:<32-hex trace id>`, named after `workflow_name`, with `gen_ai.operation.name=invoke_workflow`,
 *   `gen_ai.workflow.name`, `group_id` → `gen_ai.conversation.id` (the session key the normalizer
 *   reads first, docs/genai-conventions.md §0/§8) and `metadata` as JSON. SDK spans without a
 *   parent are its children. It spans the earliest start to the latest end of the trace's spans
 *   seen so far (`OpenAiAgentsTraceBook`), and is sent again — replacing the stored one, as a
 *   re-sent span does — whenever a later request brings more of the trace's spans. It is not
 *   stored until the trace object *and* a span have arrived (a trace object has no times); spans
 *   whose trace object is not known are stored under the missing root (shown as orphans) and
 *   the root follows when the trace object does.
 * - `span_data` → name, kind, attributes (openaiAgentsSpanData.ts); the original ids under
 *   `openai.agents.{trace_id,span_id,parent_id}`; other fields under `openai.agents.<field>`;
 *   `error` → status ERROR with its message and an `exception` event (`exception.message`,
 *   `openai.agents.error.data` as JSON). A `tracing_api_key` field is never kept.
 *
 * Malformed items are rejected one by one with a reason (`rejected`, `rejectReasons`); a body
 * that is not JSON or has no `data` list is `{ ok: false }` (→ 400).
 */
import { createHash } from 'node:crypto';
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo, SpanEvent, SpanRecord } from '../../model/trace';
import { JSON_COUNT_MIN_BYTES, MAX_JSON_VALUES_PER_REQUEST, MAX_SPANS_PER_REQUEST, truncateValue } from '../../model/limits';
import { JsonValueCounter } from './jsonCount';
import { chatInputMessages, chatOutputMessages } from './openaiAgentsMessages';
import { mapSpanData, type AttributeSink } from './openaiAgentsSpanData';
import { Rejections, itemsPastLimitReason, stringLimitOf, type DecodeOptions, type DecodeResult } from './shared';
import { type OpenAiAgentsTraceBook, type AgentsTraceInfo } from './openaiAgentsTraceBook';
import { parseIsoTimeToUnixNano } from './isoTime';

type Json = AttributeValue;
type JsonRecord = { [key: string]: Json };

export { OpenAiAgentsTraceBook } from './openaiAgentsTraceBook';

/** Scope of every span made from this format. */
export const OPENAI_AGENTS_SCOPE: Readonly<ScopeInfo> = { name: 'openai-agents', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
/** Resource of every span made from this format: the exporter names no service, so none is invented. */
const RESOURCE: Readonly<ResourceInfo> = { attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };

/** Fields of a span item read by the mapping (the rest go under `openai.agents.<field>`). */
const SPAN_FIELDS = new Set(['object', 'id', 'trace_id', 'parent_id', 'started_at', 'ended_at', 'span_data', 'error']);
/** Fields of a trace item read by the mapping. */
const TRACE_FIELDS = new Set(['object', 'id', 'workflow_name', 'group_id', 'metadata']);
/** A credential the SDK can put on a trace item when asked to (`toJSON({includeTracingApiKey})`): never kept. */
const SECRET_FIELDS = new Set(['tracing_api_key']);

const TRACE_ID = /^trace_([0-9a-fA-F]{32})$/;

function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sha256Hex(text: string, bytes: number): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, bytes * 2);
}

/** The 32-hex trace id of an SDK trace id (see the module comment). */
export function agentsTraceId(id: string): string {
  const m = TRACE_ID.exec(id);
  return m ? m[1]!.toLowerCase() : sha256Hex(id, 16);
}

/** The 16-hex span id of an SDK span id (see the module comment). */
export function agentsSpanId(id: string): string {
  return sha256Hex(id, 8);
}

/** The 16-hex id of the root span made for a trace, from its 32-hex trace id. */
export function agentsRootSpanId(traceId: string): string {
  return sha256Hex(`root:${traceId}`, 8);
}

/** Attribute writer with the decode limits: strings cut, objects and mixed lists as JSON strings, `null` skipped. */
class Sink implements AttributeSink {
  readonly attributes: Attributes = {};
  constructor(private readonly limit: number) {}

  put(key: string, value: Json | undefined): void {
    if (value === undefined || value === null) return;
    const attrs = this.attributes;
    if (typeof value === 'string') attrs[key] = this.cut(value);
    else if (typeof value === 'number' || typeof value === 'boolean') attrs[key] = value;
    else if (Array.isArray(value) && value.length <= 1024 && value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      attrs[key] = value.map((v) => (typeof v === 'string' ? this.cut(v) : v));
    } else attrs[key] = this.cut(JSON.stringify(value));
  }

  private cut(s: string): string {
    return s.length > this.limit ? truncateValue(s, this.limit) : s;
  }
}

const MESSAGES = { input: chatInputMessages, output: chatOutputMessages };

/** A body refused whole (→ 400). */
function failure(message: string): DecodeResult<SpanRecord> {
  return { ok: false, message };
}

/**
 * Decodes one `/v1/traces/ingest` body (already decompressed) into spans, noting trace objects
 * and span extents in `book` (which outlives the request). The items are the roots of the
 * traces this request touched whose trace object and some span are known, then the spans in
 * body order. Nothing throws for bad input.
 */
export function decodeOpenAiAgents(body: Uint8Array, book: OpenAiAgentsTraceBook, options?: DecodeOptions): DecodeResult<SpanRecord> {
  if (body.length > JSON_COUNT_MIN_BYTES) {
    const counter = new JsonValueCounter(body);
    counter.advance(body.length);
    if (counter.count > MAX_JSON_VALUES_PER_REQUEST) {
      return { ok: false, status: 'tooLarge', message: `OpenAI Agents trace batch has more than ${MAX_JSON_VALUES_PER_REQUEST} JSON values; send smaller batches` };
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8').decode(body));
  } catch (err) {
    return failure(`invalid OpenAI Agents trace batch: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  if (!isRecord(doc) || !Array.isArray(doc.data)) return failure('invalid OpenAI Agents trace batch: expected {"data":[…]}');
  const limit = stringLimitOf(options);
  const rejections = new Rejections();
  const spans: SpanRecord[] = [];
  const touched = new Set<string>();
  const data = doc.data;
  const n = Math.min(data.length, MAX_SPANS_PER_REQUEST);
  for (let i = 0; i < n; i++) {
    const item = data[i];
    if (!isRecord(item)) {
      rejections.add('OpenAI Agents item is not an object');
      continue;
    }
    if (item.object === 'trace') {
      const info = readTrace(item, limit);
      if (typeof info === 'string') rejections.add(info);
      else {
        book.noteTrace(info);
        touched.add(info.traceId);
      }
    } else if (item.object === 'trace.span') {
      const span = readSpan(item, limit);
      if (typeof span === 'string') rejections.add(span);
      else {
        spans.push(span);
        book.noteSpan(span.traceId, span.startTimeUnixNano, span.endTimeUnixNano);
        touched.add(span.traceId);
      }
    } else {
      rejections.add(`OpenAI Agents item with object ${JSON.stringify(item.object ?? null).slice(0, 40)}: expected "trace" or "trace.span"`);
    }
  }
  if (data.length > n) rejections.addMany(data.length - n, itemsPastLimitReason('spans', MAX_SPANS_PER_REQUEST, data.length - n));
  const roots: SpanRecord[] = [];
  for (const traceId of touched) {
    const entry = book.get(traceId);
    if (entry?.info && entry.startNs !== null && entry.endNs !== null) roots.push(rootSpan(entry.info, entry.startNs, entry.endNs));
  }
  return { ok: true, items: roots.length ? [...roots, ...spans] : spans, rejected: rejections.count, rejectReasons: rejections.reasons };
}

/** A trace item → what its root span needs, or the reason it is refused. */
function readTrace(item: JsonRecord, limit: number): AgentsTraceInfo | string {
  const id = item.id;
  if (typeof id !== 'string' || id === '') return 'OpenAI Agents trace without an id';
  const traceId = agentsTraceId(id);
  if (/^0+$/.test(traceId)) return 'OpenAI Agents trace with an all-zero id';
  const sink = new Sink(limit);
  const workflow = typeof item.workflow_name === 'string' && item.workflow_name !== '' ? item.workflow_name : undefined;
  sink.put('gen_ai.operation.name', 'invoke_workflow');
  if (workflow !== undefined) sink.put('gen_ai.workflow.name', workflow);
  else sink.put('openai.agents.workflow_name', item.workflow_name);
  if (typeof item.group_id === 'string' && item.group_id !== '') sink.put('gen_ai.conversation.id', item.group_id);
  else sink.put('openai.agents.group_id', item.group_id);
  sink.put('openai.agents.trace_id', id);
  sink.put('openai.agents.trace.metadata', isRecord(item.metadata) && Object.keys(item.metadata).length === 0 ? undefined : item.metadata);
  for (const [key, value] of Object.entries(item)) {
    if (!TRACE_FIELDS.has(key) && !SECRET_FIELDS.has(key)) sink.put(`openai.agents.trace.${key}`, value);
  }
  return { traceId, rootSpanId: agentsRootSpanId(traceId), name: workflow ?? id, attributes: sink.attributes };
}

/** The root span of a trace over `[startNs, endNs]`. */
function rootSpan(info: AgentsTraceInfo, startNs: string, endNs: string): SpanRecord {
  return {
    traceId: info.traceId,
    spanId: info.rootSpanId,
    parentSpanId: null,
    traceState: '',
    flags: 0,
    name: info.name,
    kind: 'internal',
    startTimeUnixNano: startNs,
    endTimeUnixNano: endNs,
    attributes: { ...info.attributes },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 'unset', message: '' },
    resource: RESOURCE,
    scope: OPENAI_AGENTS_SCOPE,
  };
}

/** A span item → a span, or the reason it is refused. */
function readSpan(item: JsonRecord, limit: number): SpanRecord | string {
  const { id, trace_id: sdkTraceId, parent_id: parentId, span_data: spanData } = item;
  if (typeof id !== 'string' || id === '') return 'OpenAI Agents span without an id';
  if (typeof sdkTraceId !== 'string' || sdkTraceId === '') return 'OpenAI Agents span without a trace_id';
  if (parentId !== null && parentId !== undefined && typeof parentId !== 'string') return 'OpenAI Agents span whose parent_id is not a string';
  if (!isRecord(spanData) || typeof spanData.type !== 'string' || spanData.type === '') return 'OpenAI Agents span without span_data.type';
  const traceId = agentsTraceId(sdkTraceId);
  if (/^0+$/.test(traceId)) return 'OpenAI Agents span with an all-zero trace_id';
  const started = parseIsoTimeToUnixNano(item.started_at);
  const ended = parseIsoTimeToUnixNano(item.ended_at);
  if (started === null && ended === null) return 'OpenAI Agents span without a valid started_at or ended_at (ISO 8601)';
  const sink = new Sink(limit);
  const { name, kind } = mapSpanData(spanData, sink, MESSAGES);
  sink.put('openai.agents.span_id', id);
  sink.put('openai.agents.trace_id', sdkTraceId);
  if (typeof parentId === 'string' && parentId !== '') sink.put('openai.agents.parent_id', parentId);
  if (started === null) sink.put('openai.agents.started_at', item.started_at ?? 'missing');
  if (ended === null) sink.put('openai.agents.ended_at', item.ended_at ?? 'missing');
  for (const [key, value] of Object.entries(item)) {
    if (!SPAN_FIELDS.has(key) && !SECRET_FIELDS.has(key)) sink.put(`openai.agents.${key}`, value);
  }
  const start = started ?? ended!;
  const end = ended ?? start;
  const events: SpanEvent[] = [];
  let status: SpanRecord['status'] = { code: 'unset', message: '' };
  const error = item.error;
  if (error !== null && error !== undefined) {
    const message = isRecord(error) && typeof error.message === 'string' ? error.message : JSON.stringify(error);
    status = { code: 'error', message: truncateValue(message, limit) };
    const eventSink = new Sink(limit);
    eventSink.put('exception.message', message);
    if (isRecord(error)) {
      eventSink.put('openai.agents.error.data', error.data);
      for (const [key, value] of Object.entries(error)) if (key !== 'message' && key !== 'data') eventSink.put(`openai.agents.error.${key}`, value);
    }
    events.push({ name: 'exception', timeUnixNano: end, attributes: eventSink.attributes, droppedAttributesCount: 0 });
  }
  return {
    traceId,
    spanId: agentsSpanId(id),
    parentSpanId: typeof parentId === 'string' && parentId !== '' ? agentsSpanId(parentId) : agentsRootSpanId(traceId),
    traceState: '',
    flags: 0,
    name,
    kind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: sink.attributes,
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status,
    resource: RESOURCE,
    scope: OPENAI_AGENTS_SCOPE,
  };
}
