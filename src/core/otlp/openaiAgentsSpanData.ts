/**
 * One OpenAI Agents SDK `span_data` → span name, kind and attributes (OTel GenAI names where one
 * exists, docs/genai-conventions.md §1.3/§1.6; the SDK's own field names under
 * `openai.agents.span_data.<field>` for everything else, so nothing the SDK sent is lost).
 *
 * Source of the shapes: openai-agents-js `packages/agents-core/src/tracing/spans.ts` (the
 * `*SpanData` types; `task` and `turn` are sent as `custom`), openai-agents-python
 * `src/agents/tracing/span_data.py` (`export()` of each class).
 *
 * | `type`          | span name                         | mapped attributes |
 * |-----------------|-----------------------------------|-------------------|
 * | `agent`         | `invoke_agent {name}`             | `gen_ai.operation.name=invoke_agent`, `gen_ai.agent.name` (tools, handoffs, output_type kept under the prefix) |
 * | `generation`    | `chat {model}`                    | `gen_ai.operation.name=chat`, `gen_ai.request.model`, `model_config` → `gen_ai.request.{temperature,top_p,max_tokens,frequency_penalty,presence_penalty,seed}`, `usage` → `gen_ai.usage.*`, `input`/`output` → `gen_ai.{input,output}.messages` (openaiAgentsMessages.ts) or else `input.value`/`output.value` |
 * | `response`      | `response`                        | `gen_ai.operation.name=chat`, `gen_ai.response.id`, `usage` → `gen_ai.usage.*`; a note that the SDK exports no content for it |
 * | `function`      | `execute_tool {name}`             | `gen_ai.operation.name=execute_tool`, `gen_ai.tool.name`, `gen_ai.tool.type=function`, `gen_ai.tool.call.arguments` = `input`, `gen_ai.tool.call.result` = `output` (`mcp_data` kept) |
 * | `handoff`       | `handoff {from_agent} -> {to_agent}` | (`from_agent`, `to_agent` kept under the prefix) |
 * | `guardrail`     | `guardrail {name}`                | `gen_ai.operation.name=guardrail.run` (the name the normalizer reads as a guardrail), `triggered` kept |
 * | `custom`        | `{name}`                          | (`data` kept as JSON) |
 * | `mcp_tools`     | `mcp_tools {server}`              | (`server`, `result` kept) |
 * | `transcription`, `speech` | `{type} {model}`        | `gen_ai.request.model` (audio data, formats, `model_config` kept) |
 * | other (`speech_group`, future types) | `{type}`     | everything kept |
 *
 * Usage (generation and response spans only: `task`/`turn` custom spans repeat the sums of the
 * run's calls and are kept as data, so no call is counted twice): `input_tokens` →
 * `gen_ai.usage.input_tokens`, `output_tokens` → `gen_ai.usage.output_tokens`, `total_tokens`,
 * `input_tokens_details.cached_tokens` → `gen_ai.usage.cache_read.input_tokens`,
 * `output_tokens_details.reasoning_tokens` → `gen_ai.usage.reasoning.output_tokens` (OpenAI's
 * usage semantics: input includes cached, output includes reasoning — as OTel's, §1.4). Each is
 * read at the top of `usage` or under `usage.details`, where the JS exporter moves every field
 * but the two token counts. What is not mapped stays in `openai.agents.span_data.usage`. A
 * generation without token counts in `usage` (the JS SDK sets none on a non-streamed Chat
 * Completions call) takes them from the `ChatCompletion.usage` in its output (`prompt_tokens`,
 * `completion_tokens`, `total_tokens`, `prompt_tokens_details.cached_tokens`,
 * `completion_tokens_details.reasoning_tokens`).
 */
import type { AttributeValue, Attributes, SpanKind } from '../../model/trace';

type Json = AttributeValue;
type JsonRecord = { [key: string]: Json };

/** Prefix of the SDK's own fields kept as they are. */
export const SPAN_DATA_PREFIX = 'openai.agents.span_data.';

/** Note set on `response` spans: the SDK exports no content for Responses API calls. */
export const RESPONSE_CONTENT_NOTE =
  'The OpenAI Agents SDK exports no prompt or output for Responses API calls (only response_id and, from Python, usage); ' +
  'use setOpenAIAPI("chat_completions") / set_default_openai_api("chat_completions") for generation spans with messages';

/** Where attributes go: `put` applies the decode limits and JSON-encodes objects. */
export interface AttributeSink {
  readonly attributes: Attributes;
  put(key: string, value: Json | undefined): void;
}

function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Removes and returns `o[key]`. */
function take(o: JsonRecord, key: string): Json | undefined {
  const v = o[key];
  delete o[key];
  return v;
}

function isEmptyRecord(v: Json | undefined): boolean {
  return isRecord(v) && Object.keys(v).length === 0;
}

/** Takes a finite number at `o[key]` (removing it); anything else stays. */
function takeNumber(o: JsonRecord, key: string): number | undefined {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  delete o[key];
  return v;
}

/** `model_config` fields that are OTel request parameters (§1.3). */
const REQUEST_PARAMS: ReadonlyArray<readonly [string, string]> = [
  ['temperature', 'gen_ai.request.temperature'],
  ['top_p', 'gen_ai.request.top_p'],
  ['max_tokens', 'gen_ai.request.max_tokens'],
  ['frequency_penalty', 'gen_ai.request.frequency_penalty'],
  ['presence_penalty', 'gen_ai.request.presence_penalty'],
  ['seed', 'gen_ai.request.seed'],
];

function mapModelConfig(data: JsonRecord, sink: AttributeSink): void {
  const config = data.model_config;
  if (!isRecord(config)) return;
  for (const [field, key] of REQUEST_PARAMS) {
    const v = takeNumber(config, field);
    if (v !== undefined) sink.put(key, v);
  }
  if (isEmptyRecord(config)) delete data.model_config;
}

/** Takes a token count from `usage` or `usage.details` (the JS exporter's place for extra fields). */
function takeUsageNumber(usage: JsonRecord, path: readonly string[]): number | undefined {
  for (const holder of [usage, isRecord(usage.details) ? usage.details : undefined]) {
    if (!holder) continue;
    let o: JsonRecord = holder;
    for (let i = 0; i < path.length - 1; i++) {
      const next = o[path[i]!];
      if (!isRecord(next)) {
        o = {};
        break;
      }
      o = next;
    }
    const v = takeNumber(o, path[path.length - 1]!);
    if (v !== undefined) {
      // Drop containers the take emptied (`input_tokens_details: {}`), so the rest says only what is left.
      if (path.length > 1 && isEmptyRecord(holder[path[0]!])) delete holder[path[0]!];
      return v;
    }
  }
  return undefined;
}

const USAGE_FIELDS: ReadonlyArray<readonly [readonly string[], string]> = [
  [['input_tokens'], 'gen_ai.usage.input_tokens'],
  [['output_tokens'], 'gen_ai.usage.output_tokens'],
  [['total_tokens'], 'gen_ai.usage.total_tokens'],
  [['input_tokens_details', 'cached_tokens'], 'gen_ai.usage.cache_read.input_tokens'],
  [['output_tokens_details', 'reasoning_tokens'], 'gen_ai.usage.reasoning.output_tokens'],
];

/** Chat Completions usage names (a `ChatCompletion.usage` in a generation's output) → the same OTel attributes. */
const CHAT_USAGE_FIELDS: ReadonlyArray<readonly [readonly string[], string]> = [
  [['prompt_tokens'], 'gen_ai.usage.input_tokens'],
  [['completion_tokens'], 'gen_ai.usage.output_tokens'],
  [['total_tokens'], 'gen_ai.usage.total_tokens'],
  [['prompt_tokens_details', 'cached_tokens'], 'gen_ai.usage.cache_read.input_tokens'],
  [['completion_tokens_details', 'reasoning_tokens'], 'gen_ai.usage.reasoning.output_tokens'],
];

/** Maps a `ChatCompletion.usage` (consumed: what is mapped is removed). */
function mapChatUsage(usage: JsonRecord, sink: AttributeSink): void {
  for (const [path, key] of CHAT_USAGE_FIELDS) {
    const v = takeUsageNumber(usage, path);
    if (v !== undefined) sink.put(key, v);
  }
}

function mapUsage(data: JsonRecord, sink: AttributeSink): void {
  const usage = data.usage;
  if (!isRecord(usage)) return;
  for (const [path, key] of USAGE_FIELDS) {
    const v = takeUsageNumber(usage, path);
    if (v !== undefined) sink.put(key, v);
  }
  if (isEmptyRecord(usage.details)) delete usage.details;
  if (isEmptyRecord(usage)) delete data.usage;
}

function mapGeneration(data: JsonRecord, sink: AttributeSink, messages: MessageConverters): string {
  sink.put('gen_ai.operation.name', 'chat');
  const model = data.model;
  if (typeof model === 'string') {
    delete data.model;
    sink.put('gen_ai.request.model', model);
  }
  mapModelConfig(data, sink);
  mapUsage(data, sink);
  const input = messages.input(data.input);
  if (input) {
    delete data.input;
    sink.put('gen_ai.input.messages', input);
  } else if (data.input !== undefined && data.input !== null) {
    sink.put('input.value', take(data, 'input'));
  }
  const output = messages.output(data.output);
  if (output) {
    delete data.output;
    sink.put('gen_ai.output.messages', output.messages);
    if (output.responseId !== undefined) sink.put('gen_ai.response.id', output.responseId);
    if (output.responseModel !== undefined) sink.put('gen_ai.response.model', output.responseModel);
    if (output.finishReasons.length) sink.put('gen_ai.response.finish_reasons', output.finishReasons);
    if (output.usage !== undefined) {
      // The span's own usage wins; else the API's, as the call returned it.
      if (sink.attributes['gen_ai.usage.input_tokens'] === undefined && sink.attributes['gen_ai.usage.output_tokens'] === undefined) mapChatUsage(output.usage, sink);
      if (!isEmptyRecord(output.usage) && Array.isArray(output.rest) && isRecord(output.rest[0])) output.rest[0].usage = output.usage;
    }
    if (output.rest !== undefined) sink.put(`${SPAN_DATA_PREFIX}output`, output.rest);
  } else if (data.output !== undefined && data.output !== null) {
    sink.put('output.value', take(data, 'output'));
  }
  return typeof model === 'string' ? `chat ${model}` : 'chat';
}

/** The message conversions a generation span uses (openaiAgentsMessages.ts). */
export interface MessageConverters {
  input(value: Json | undefined): Json[] | undefined;
  output(value: Json | undefined): { messages: Json[]; responseId?: string; responseModel?: string; finishReasons: string[]; usage?: JsonRecord; rest?: Json } | undefined;
}

/** Takes `data[field]` when it is a string. */
function takeString(data: JsonRecord, field: string): string | undefined {
  const v = data[field];
  if (typeof v !== 'string') return undefined;
  delete data[field];
  return v;
}

/**
 * Maps `data` (a parsed `span_data`, consumed: the fields mapped are removed, what is left is
 * written under `openai.agents.span_data.`) into `sink`; returns the span's name and kind.
 */
export function mapSpanData(data: JsonRecord, sink: AttributeSink, messages: MessageConverters): { name: string; kind: SpanKind } {
  const type = take(data, 'type') as string;
  sink.put(`${SPAN_DATA_PREFIX}type`, type);
  let name: string = type;
  let kind: SpanKind = 'internal';
  switch (type) {
    case 'agent': {
      const agent = takeString(data, 'name');
      sink.put('gen_ai.operation.name', 'invoke_agent');
      if (agent !== undefined) sink.put('gen_ai.agent.name', agent);
      name = agent !== undefined ? `invoke_agent ${agent}` : 'invoke_agent';
      break;
    }
    case 'generation':
      name = mapGeneration(data, sink, messages);
      kind = 'client';
      break;
    case 'response': {
      sink.put('gen_ai.operation.name', 'chat');
      const id = takeString(data, 'response_id');
      if (id !== undefined) sink.put('gen_ai.response.id', id);
      mapUsage(data, sink);
      sink.put('trace_lens.openai_agents.note', RESPONSE_CONTENT_NOTE);
      name = 'response';
      kind = 'client';
      break;
    }
    case 'function': {
      const tool = takeString(data, 'name');
      sink.put('gen_ai.operation.name', 'execute_tool');
      if (tool !== undefined) sink.put('gen_ai.tool.name', tool);
      sink.put('gen_ai.tool.type', 'function');
      if (data.input !== null && data.input !== undefined) sink.put('gen_ai.tool.call.arguments', take(data, 'input'));
      if (data.output !== null && data.output !== undefined) sink.put('gen_ai.tool.call.result', take(data, 'output'));
      name = tool !== undefined ? `execute_tool ${tool}` : 'execute_tool';
      break;
    }
    case 'handoff': {
      const from = typeof data.from_agent === 'string' ? data.from_agent : '?';
      const to = typeof data.to_agent === 'string' ? data.to_agent : '?';
      name = `handoff ${from} -> ${to}`;
      break;
    }
    case 'guardrail': {
      sink.put('gen_ai.operation.name', 'guardrail.run');
      name = typeof data.name === 'string' ? `guardrail ${data.name}` : 'guardrail';
      break;
    }
    case 'custom':
      if (typeof data.name === 'string' && data.name !== '') name = data.name;
      break;
    case 'mcp_tools':
      name = typeof data.server === 'string' ? `mcp_tools ${data.server}` : 'mcp_tools';
      break;
    case 'transcription':
    case 'speech': {
      const model = takeString(data, 'model');
      if (model !== undefined) sink.put('gen_ai.request.model', model);
      name = model !== undefined ? `${type} ${model}` : type;
      kind = 'client';
      break;
    }
    default:
      break;
  }
  for (const [field, value] of Object.entries(data)) sink.put(`${SPAN_DATA_PREFIX}${field}`, value);
  return { name, kind };
}
