/**
 * A replay recorded as its own trace: one OTLP/JSON `ExportTraceServiceRequest` (the OTLP JSON
 * encoding: lowerCamelCase keys, hex trace/span ids, 64-bit integers as decimal strings, enums as
 * integers; opentelemetry-proto `docs/specification.md` "JSON Protobuf Encoding") with one span
 * following the OTel GenAI semantic conventions for an inference call
 * (semantic-conventions-genai `docs/gen-ai/client-inference.md`, docs/genai-conventions.md §1):
 *
 * - span name `chat {model}`, kind CLIENT, status ERROR + `error.type` on failure (unset otherwise);
 * - `gen_ai.operation.name` = `chat`, `gen_ai.provider.name`, `gen_ai.request.model` and the
 *   `gen_ai.request.*` parameters as sent, `gen_ai.request.stream` = true,
 *   `gen_ai.response.time_to_first_chunk` (s), `gen_ai.output.type` = `json` for structured output;
 * - `gen_ai.response.model` / `.id` / `.finish_reasons` (the provider's own values; `error` when the
 *   answer ended without one, per the convention);
 * - `gen_ai.usage.input_tokens` (cache-inclusive), `.output_tokens`, `.cache_read.input_tokens`,
 *   `.reasoning.output_tokens`, and cache writes under both the current name
 *   `gen_ai.usage.cache_write.input_tokens` and the v1.40–v1.42 name
 *   `gen_ai.usage.cache_creation.input_tokens` (readers of either see them);
 * - `gen_ai.system_instructions`, `gen_ai.input.messages`, `gen_ai.output.messages`,
 *   `gen_ai.tool.definitions` as JSON text following the convention's JSON schemas (parts
 *   `text`, `tool_call`, `tool_call_response`, `reasoning`, `uri`, `file`, `blob`; output
 *   `finish_reason` from its enum). JSON text rather than structured `AnyValue`: it keeps JSON
 *   Schemas and tool arguments exact (null, integer vs. double) and is what the SDKs we receive
 *   from write on spans ("MAY be recorded as a JSON string").
 * - `server.address` / `server.port` (host and port of the base URL, nothing else of it);
 * - a span link to the source span and `tracelens.replay.source_trace_id`,
 *   `tracelens.replay.source_span_id`, `tracelens.replay.provider` (the configured provider's
 *   display name; never its key or base URL credentials); resource `service.name` =
 *   `trace-lens-replay`.
 *
 * Input messages, system instructions and tools come from `request` (the request as sent, after
 * edits, in the neutral GenAI vocabulary); parameters from the provider `body` only (a recorded
 * parameter the wire format could not carry was not sent, so it is not recorded).
 */
import { randomBytes } from 'node:crypto';
import type { GenAiMessage, GenAiMessagePart } from '../../model/genai';
import type { SpanId, TraceId } from '../../model/ids';
import { REPLAY_SERVICE_NAME, type ReplayProviderKind, type ReplayRequest, type ReplayResult, type ReplayTool } from '../../model/replay';
import { genAiProviderName, serverOf } from './client/endpoint';

export { REPLAY_SERVICE_NAME };
export const REPLAY_SCOPE_NAME = 'trace-lens.replay';

/** An OTLP/JSON `AnyValue` (only the forms written here). */
export type OtlpJsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpJsonAnyValue[] } };

export interface OtlpJsonKeyValue {
  key: string;
  value: OtlpJsonAnyValue;
}

export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  name: string;
  /** 3 = SPAN_KIND_CLIENT. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpJsonKeyValue[];
  links: { traceId: string; spanId: string; attributes: OtlpJsonKeyValue[] }[];
  /** `code`: 0 = UNSET, 2 = ERROR. */
  status: { code: number; message?: string };
}

/** `ExportTraceServiceRequest` in the OTLP JSON encoding (`JSON.stringify` it and POST it to `/v1/traces`). */
export interface OtlpJsonExportTraceServiceRequest {
  resourceSpans: {
    resource: { attributes: OtlpJsonKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpJsonSpan[] }[];
  }[];
}

export interface ReplayTraceInput {
  /** The request as sent (after the user's edits); `source` names the span it was replayed from. */
  request: ReplayRequest;
  /** The provider request body as sent (OpenAI Chat Completions or Anthropic Messages JSON). */
  body: Record<string, unknown>;
  result: ReplayResult;
  /** The configured provider's display name (`traceLens.replay.providers[].name`). */
  providerName: string;
  kind: ReplayProviderKind;
  /** The model the replay asked for (`gen_ai.request.model`, span name). */
  model: string;
  /** Decimal Unix nanoseconds (see `unixNanoFromMs`). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Fixed ids (tests); default: random. */
  ids?: { traceId: TraceId; spanId: SpanId };
  /** The provider's base URL: only its host and port are used (`server.address`/`server.port`, provider name). */
  baseUrl?: string;
  /** `gen_ai.provider.name`; default `genAiProviderName(kind, baseUrl)`. */
  genAiProviderName?: string;
  /** Instrumentation scope version (the extension's version). */
  scopeVersion?: string;
}

/** Decimal Unix nanoseconds for a time in milliseconds since the epoch (the fraction as far as a double holds it: ~0.1 µs today). */
export function unixNanoFromMs(ms: number): string {
  const whole = Math.floor(ms);
  const nanos = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(nanos)).toString();
}

function randomHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (/[^0]/.test(hex)) return hex;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** JSON text → value when it parses, else the text (tool arguments are objects in the schema). */
function parsedOr(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

class Attrs {
  readonly list: OtlpJsonKeyValue[] = [];
  str(key: string, v: string | undefined): void {
    if (v !== undefined && v !== '') this.list.push({ key, value: { stringValue: v } });
  }
  int(key: string, v: number | undefined): void {
    if (v !== undefined && Number.isFinite(v)) this.list.push({ key, value: { intValue: String(Math.trunc(v)) } });
  }
  double(key: string, v: number | undefined): void {
    if (v !== undefined && Number.isFinite(v)) this.list.push({ key, value: { doubleValue: v } });
  }
  bool(key: string, v: boolean | undefined): void {
    if (v !== undefined) this.list.push({ key, value: { boolValue: v } });
  }
  strings(key: string, v: readonly string[] | undefined): void {
    if (v && v.length > 0) this.list.push({ key, value: { arrayValue: { values: v.map((s) => ({ stringValue: s })) } } });
  }
  json(key: string, v: unknown): void {
    if (v !== undefined) this.list.push({ key, value: { stringValue: JSON.stringify(v) } });
  }
}

/** The modality of a media part (`image`, `audio`, `video`, …) from its fields. */
function modalityOf(p: Extract<GenAiMessagePart, { type: 'media' }>): string {
  if (p.modality) return p.modality;
  const top = p.mimeType?.split('/')[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'document';
}

/** One message part in the convention's JSON schema (gen-ai-input-messages.json). */
export function conventionPart(p: GenAiMessagePart): Record<string, unknown> {
  switch (p.type) {
    case 'text':
      return { type: 'text', content: p.content };
    case 'reasoning':
      return { type: 'reasoning', content: p.content };
    case 'tool_call':
      return { type: 'tool_call', ...(p.id !== undefined ? { id: p.id } : {}), name: p.name, ...(p.arguments !== undefined ? { arguments: parsedOr(p.arguments) } : {}) };
    case 'tool_call_response':
      return { type: 'tool_call_response', ...(p.id !== undefined ? { id: p.id } : {}), response: p.response };
    case 'media': {
      const mime = p.mimeType ? { mime_type: p.mimeType } : {};
      const modality = modalityOf(p);
      if (p.dataUri) {
        const comma = p.dataUri.indexOf(',');
        return { type: 'blob', modality, ...mime, content: p.dataUri.slice(comma + 1) };
      }
      if (p.uri) return { type: 'uri', modality, ...mime, uri: p.uri };
      if (p.fileId) return { type: 'file', modality, ...mime, file_id: p.fileId };
      return { type: p.partType ?? 'media', modality, ...mime, ...(p.note ? { note: p.note } : {}) };
    }
    case 'other':
      return isRecord(p.raw) && typeof p.raw.type === 'string' ? p.raw : { type: 'unknown', content: p.raw };
  }
}

function conventionMessage(m: GenAiMessage): Record<string, unknown> {
  return { role: m.role, parts: m.parts.map(conventionPart), ...(m.name ? { name: m.name } : {}) };
}

function toolDefinition(t: ReplayTool): Record<string, unknown> {
  return { type: 'function', name: t.name, ...(t.description ? { description: t.description } : {}), ...(t.parameters !== undefined ? { parameters: t.parameters } : {}) };
}

/** A provider finish reason → the output message `finish_reason` enum (stop, length, content_filter, tool_call, error). */
export function conventionFinishReason(reason: string): string {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_calls':
    case 'function_call':
    case 'tool_use':
      return 'tool_call';
    case 'refusal':
      return 'content_filter';
    default:
      return reason;
  }
}

/** Standard parameters as sent in the body (`gen_ai.request.*` names without the prefix). */
function bodyParameters(kind: ReplayProviderKind, body: Record<string, unknown>): Record<string, number | string | string[]> {
  const out: Record<string, number | string | string[]> = {};
  const set = (key: string, v: unknown): void => {
    const n = num(v);
    if (n !== undefined) out[key] = n;
  };
  set('max_tokens', kind === 'openai' ? (body.max_completion_tokens ?? body.max_tokens) : body.max_tokens);
  set('temperature', body.temperature);
  set('top_p', body.top_p);
  if (kind === 'anthropic') set('top_k', body.top_k);
  if (kind === 'openai') {
    set('frequency_penalty', body.frequency_penalty);
    set('presence_penalty', body.presence_penalty);
    set('seed', body.seed);
    set('choice.count', body.n);
  }
  const stop = kind === 'openai' ? body.stop : body.stop_sequences;
  if (typeof stop === 'string') out.stop_sequences = [stop];
  else if (Array.isArray(stop)) out.stop_sequences = stop.filter((s): s is string => typeof s === 'string');
  const effort = kind === 'openai' ? body.reasoning_effort : isRecord(body.output_config) ? body.output_config.effort : undefined;
  if (typeof effort === 'string') out['reasoning.level'] = effort;
  return out;
}

const STANDARD_PARAMETERS = ['max_tokens', 'temperature', 'top_p', 'top_k', 'frequency_penalty', 'presence_penalty', 'seed', 'choice.count', 'stop_sequences'] as const;
const INT_PARAMETERS = new Set(['max_tokens', 'top_k', 'seed', 'choice.count']);

/** Whether the body (or the request) asks for JSON output (OpenAI `response_format`, Anthropic `output_format` / `output_config.format`). */
function wantsJson(body: Record<string, unknown>, request: ReplayRequest): boolean {
  const formats = [body.response_format, body.output_format, isRecord(body.output_config) ? body.output_config.format : undefined, request.responseFormat];
  return formats.some((f) => isRecord(f) && (f.type === 'json_schema' || f.type === 'json_object' || f.type === 'json'));
}

/** Builds the OTLP/JSON export request recording one replay (see the module comment). */
export function replayTraceRequest(input: ReplayTraceInput): OtlpJsonExportTraceServiceRequest {
  const { request, body, result, kind, model } = input;
  const a = new Attrs();
  a.str('gen_ai.operation.name', 'chat');
  a.str('gen_ai.provider.name', input.genAiProviderName ?? genAiProviderName(kind, input.baseUrl));
  a.str('gen_ai.request.model', model);

  const params = bodyParameters(kind, body);
  for (const key of STANDARD_PARAMETERS) {
    const v = params[key];
    if (v === undefined || (key === 'choice.count' && v === 1)) continue;
    if (key === 'stop_sequences') a.strings('gen_ai.request.stop_sequences', Array.isArray(v) ? v : [String(v)]);
    else if (typeof v === 'number') (INT_PARAMETERS.has(key) ? a.int.bind(a) : a.double.bind(a))(`gen_ai.request.${key}`, v);
  }
  if (typeof params['reasoning.level'] === 'string') a.str('gen_ai.request.reasoning.level', params['reasoning.level']);
  a.bool('gen_ai.request.stream', true);
  if (wantsJson(body, request)) a.str('gen_ai.output.type', 'json');

  a.str('gen_ai.response.model', result.responseModel);
  a.str('gen_ai.response.id', result.responseId);
  const finish = result.finishReason ?? (result.error ? 'error' : undefined);
  if (finish !== undefined) a.strings('gen_ai.response.finish_reasons', [finish]);
  if (result.firstTokenMs !== undefined) a.double('gen_ai.response.time_to_first_chunk', result.firstTokenMs / 1000);

  const u = result.usage;
  if (u) {
    a.int('gen_ai.usage.input_tokens', u.inputTokens);
    a.int('gen_ai.usage.output_tokens', u.outputTokens);
    a.int('gen_ai.usage.cache_read.input_tokens', u.cacheReadTokens);
    a.int('gen_ai.usage.cache_write.input_tokens', u.cacheWriteTokens);
    a.int('gen_ai.usage.cache_creation.input_tokens', u.cacheWriteTokens);
    a.int('gen_ai.usage.reasoning.output_tokens', u.reasoningTokens);
  }

  if (request.system && request.system.length > 0) a.json('gen_ai.system_instructions', request.system.map(conventionPart));
  a.json('gen_ai.input.messages', request.messages.map(conventionMessage));
  const outParts: Record<string, unknown>[] = [];
  if (result.text) outParts.push({ type: 'text', content: result.text });
  for (const c of result.toolCalls) outParts.push({ type: 'tool_call', ...(c.id ? { id: c.id } : {}), name: c.name, arguments: parsedOr(c.arguments) });
  if (outParts.length > 0) {
    a.json('gen_ai.output.messages', [{ role: 'assistant', parts: outParts, finish_reason: conventionFinishReason(finish ?? 'error') }]);
  }
  if (request.tools.length > 0) a.json('gen_ai.tool.definitions', request.tools.map(toolDefinition));

  const server = serverOf(input.baseUrl);
  if (server) {
    a.str('server.address', server.address);
    a.int('server.port', server.port);
  }
  if (result.error) a.str('error.type', result.error.status !== undefined ? String(result.error.status) : result.error.kind);

  a.str('tracelens.replay.source_trace_id', request.source.traceId);
  a.str('tracelens.replay.source_span_id', request.source.spanId);
  a.str('tracelens.replay.provider', input.providerName);

  const span: OtlpJsonSpan = {
    traceId: (input.ids?.traceId ?? randomHex(16)).toLowerCase(),
    spanId: (input.ids?.spanId ?? randomHex(8)).toLowerCase(),
    name: `chat ${model}`,
    kind: 3,
    startTimeUnixNano: input.startTimeUnixNano,
    endTimeUnixNano: input.endTimeUnixNano,
    attributes: a.list,
    links: [{ traceId: request.source.traceId.toLowerCase(), spanId: request.source.spanId.toLowerCase(), attributes: [] }],
    status: result.error ? { code: 2, message: result.error.message } : { code: 0 },
  };
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: REPLAY_SERVICE_NAME } }] },
        scopeSpans: [{ scope: { name: REPLAY_SCOPE_NAME, ...(input.scopeVersion ? { version: input.scopeVersion } : {}) }, spans: [span] }],
      },
    ],
  };
}
