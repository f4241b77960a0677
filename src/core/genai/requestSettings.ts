/**
 * What a model call's request carried besides its messages, read from whichever convention
 * recorded it: request parameters under OTel GenAI `gen_ai.request.*` names, tool definitions,
 * tool choice, response format (structured output), the stream flag, and the system prompt of a
 * recorded request body. Shared by the replay (src/core/replay) and the run comparison
 * (src/core/compare/settings.ts). Pure; never throws.
 *
 * Sources, first recorded value of each field wins (docs/genai-conventions.md §0, §1.3, §2.2,
 * §3.2, §4.2, §5.1, §6.1):
 * 1. a recorded provider request body: OpenInference `input.value` (JSON with `messages`),
 *    LangSmith `gen_ai.prompt` (the OpenAI request body), Langfuse `langfuse.observation.input`
 *    (`{system, messages}`);
 * 2. OpenInference `llm.invocation_parameters` (JSON object of the request's parameters);
 * 3. OTel GenAI `gen_ai.request.*` (also written by OpenLLMetry, Vercel, pydantic-ai), deprecated
 *    `gen_ai.openai.request.*`, `openai.request.service_tier`, `gen_ai.output.type`;
 * 4. OpenLLMetry `llm.top_k`, `llm.frequency_penalty`, `llm.presence_penalty`,
 *    `llm.chat.stop_sequences`, `llm.user`, `llm.is_streaming` / `gen_ai.is_streaming`,
 *    `gen_ai.request.structured_output_schema`;
 * 5. Vercel AI SDK `ai.settings.*` (camelCase → snake_case, `maxOutputTokens` → `max_tokens`),
 *    `ai.prompt.toolChoice`, `ai.schema` / `ai.schema.name` / `ai.schema.description`, and the
 *    operation (`ai.streamText.doStream` streams);
 * 6. Langfuse `langfuse.observation.model.parameters`;
 * 7. pydantic-ai `model_request_parameters` (`function_tools`, `output_tools`).
 *
 * Parameter names are canonical (`ReplayParameters`): `max_completion_tokens`,
 * `max_output_tokens`, `maxTokens` → `max_tokens`; `stop` → `stop_sequences` (always string[]);
 * `n` → `choice.count`; camelCase → snake_case. Client settings (`max_retries`, headers, time-outs)
 * and anything that looks like a credential are never read.
 */
import type { GenAiMessagePart } from '../../model/genai';
import type { ReplayParameters, ReplayTool } from '../../model/replay';
import type { Attributes } from '../../model/trace';
import { toInstructionParts } from './messages';
import { isRecord, maybeJson, num, str, tryParse } from './values';

/** The request settings of one model call (see the module comment for the sources). */
export interface RequestSettings {
  /** The model named in a recorded request body (what was really sent). */
  model?: string;
  /** Scalar parameters under canonical names. */
  parameters: ReplayParameters;
  /** Non-scalar request fields in the recorded provider's own form (Anthropic `thinking`, OpenAI `logit_bias`, `metadata`, …). */
  objectParameters: Record<string, unknown>;
  /** Tool definitions from a recorded body or pydantic-ai (the normalized view's `toolDefinitions` come first, read by the caller). */
  tools?: ReplayTool[];
  /** As recorded: `auto` / `none` / `required`, an OpenAI, Anthropic or Vercel tool-choice object. */
  toolChoice?: unknown;
  /** OpenAI `response_format` form: `{type:'json_schema', json_schema:{name, schema, …}}` or `{type:'json_object'}`. */
  responseFormat?: unknown;
  stream?: boolean;
  /** The system prompt of a recorded request body (Anthropic `system`, Langfuse `{system}`). */
  system?: GenAiMessagePart[];
  /** `gen_ai.output.type` (or Vercel `ai.settings.output`) when it is not text or JSON: `image`, `speech`, … */
  outputType?: string;
  /** Vercel `ai.settings.output` asked for an object but no schema was recorded. */
  objectOutputWithoutSchema?: boolean;
  /** Attribute keys the values were read from, in the order read. */
  sources: string[];
}

/** Body keys that are not parameters (messages, tools, … read separately) or not request settings at all. */
const NOT_PARAMETERS: ReadonlySet<string> = new Set([
  'messages', 'model', 'tools', 'functions', 'function_call', 'tool_choice', 'response_format', 'system', 'stream',
  'stream_options', 'input', 'prompt', 'output_format', 'output_config', 'headers', 'extra_headers', 'extra_query',
  'extra_body', 'timeout', 'max_retries', 'abort_signal', 'base_url', 'api_base', 'api_version', 'api_type',
  'organization', 'project', 'http_client', 'default_headers', 'output', 'mode', 'schema', 'callbacks', 'tags',
]);

/** Keys never read, whatever their value: credentials. */
const SECRET_KEY = /(api_?key|secret|password|authori[sz]ation|credential|access_?token|bearer)/i;

/** Parameters whose values are numbers (numeric strings are converted). */
const NUMERIC: ReadonlySet<string> = new Set(['temperature', 'top_p', 'top_k', 'max_tokens', 'seed', 'frequency_penalty', 'presence_penalty', 'choice.count']);

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The canonical `ReplayParameters` name of a request field or setting. */
export function canonicalParameterName(name: string): string {
  const s = snake(name);
  switch (s) {
    case 'max_completion_tokens':
    case 'max_output_tokens':
    case 'max_tokens_to_sample':
      return 'max_tokens';
    case 'stop':
      return 'stop_sequences';
    case 'n':
    case 'candidate_count':
    case 'choice_count':
      return 'choice.count';
    case 'random_seed':
      return 'seed';
    default:
      return s;
  }
}

function parseJsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if (t[0] !== '{' && t[0] !== '[' && t[0] !== '"') return value;
  const parsed = tryParse(t);
  return parsed.ok ? parsed.value : value;
}

function record(value: unknown): Record<string, unknown> | undefined {
  const v = parseJsonValue(value);
  return isRecord(v) ? v : undefined;
}

/**
 * A tool definition in any recorded shape → `{name, description, parameters}`: OTel GenAI
 * `{type:'function', name, description, parameters}`, OpenAI `{type:'function', function:{…}}`,
 * Anthropic `{name, description, input_schema}`, MCP / Vercel `inputSchema`, Bedrock
 * `{toolSpec:{name, inputSchema:{json}}}`, pydantic-ai `parameters_json_schema`, OpenLLMetry
 * legacy `parameters` as a JSON string. `undefined` without a name.
 */
export function toolSpecOf(def: unknown): ReplayTool | undefined {
  const d = record(def);
  if (!d) return undefined;
  const f = record(d.function) ?? record(d.toolSpec) ?? d;
  const name = str(f.name);
  if (!name) return undefined;
  const spec: ReplayTool = { name };
  const description = str(f.description);
  if (description !== undefined) spec.description = description;
  let schema = f.parameters ?? f.input_schema ?? f.inputSchema ?? f.parameters_json_schema ?? f.json_schema;
  if (isRecord(schema) && isRecord(schema.json) && Object.keys(schema).length === 1) schema = schema.json; // Bedrock
  schema = parseJsonValue(schema);
  if (schema !== undefined && schema !== null) spec.parameters = schema;
  return spec;
}

/** Tool definitions → specs (nameless ones dropped). */
export function toolSpecsOf(defs: readonly unknown[]): ReplayTool[] {
  const out: ReplayTool[] = [];
  for (const d of defs) {
    const t = toolSpecOf(d);
    if (t) out.push(t);
  }
  return out;
}

/** A structured-output setting in any recorded form → OpenAI `response_format` form, or `undefined` for text. */
export function responseFormatOf(value: unknown): unknown {
  const v = parseJsonValue(value);
  if (typeof v === 'string') {
    const t = v.toLowerCase();
    if (t === 'json' || t === 'json_object') return { type: 'json_object' };
    return undefined; // 'text' or a value we cannot send
  }
  if (!isRecord(v)) return undefined;
  const type = str(v.type);
  if (type === 'text') return undefined;
  if (type === 'json_object') return { type: 'json_object' };
  if (type === 'json_schema' && isRecord(v.json_schema)) return v; // OpenAI
  if (type === 'json_schema' && isRecord(v.schema)) {
    // Anthropic `output_config.format` / `output_format`, or the Responses API's flattened form.
    const inner: Record<string, unknown> = { name: str(v.name) ?? 'response', schema: v.schema };
    if (v.description !== undefined) inner.description = v.description;
    if (v.strict !== undefined) inner.strict = v.strict;
    return { type: 'json_schema', json_schema: inner };
  }
  if (type === 'object' || isRecord(v.properties)) return { type: 'json_schema', json_schema: { name: 'response', schema: v } }; // a bare JSON Schema
  return undefined;
}

/** Settings collected field by field, first value wins. */
class Collector {
  readonly out: RequestSettings = { parameters: {}, objectParameters: {}, sources: [] };

  source(key: string): void {
    if (!this.out.sources.includes(key)) this.out.sources.push(key);
  }

  param(name: string, value: unknown, key: string): void {
    if (SECRET_KEY.test(name) || value === undefined || value === null) return;
    const canonical = canonicalParameterName(name);
    if (NOT_PARAMETERS.has(canonical) || canonical in this.out.parameters || canonical in this.out.objectParameters) return;
    let v: unknown = parseJsonValue(value);
    if (canonical === 'stop_sequences') {
      if (typeof v === 'string') v = [v];
      if (!Array.isArray(v)) return;
      v = v.filter((s): s is string => typeof s === 'string');
    } else if (NUMERIC.has(canonical)) {
      const n = num(v);
      if (n === undefined) return;
      v = n;
    }
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') this.out.parameters[canonical] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) this.out.parameters[canonical] = v as string[];
    else if (typeof v === 'object') this.out.objectParameters[canonical] = v;
    else return;
    this.source(key);
  }

  tools(tools: ReplayTool[] | undefined, key: string): void {
    if (this.out.tools === undefined && tools && tools.length > 0) {
      this.out.tools = tools;
      this.source(key);
    }
  }

  toolChoice(value: unknown, key: string): void {
    const v = parseJsonValue(value);
    if (this.out.toolChoice === undefined && v !== undefined && v !== null && v !== '') {
      this.out.toolChoice = v;
      this.source(key);
    }
  }

  responseFormat(value: unknown, key: string): void {
    if (this.out.responseFormat !== undefined || value === undefined || value === null) return;
    const f = responseFormatOf(value);
    if (f !== undefined) {
      this.out.responseFormat = f;
      this.source(key);
    }
  }

  stream(value: unknown, key: string): void {
    if (this.out.stream !== undefined) return;
    const b = value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
    if (b !== undefined) {
      this.out.stream = b;
      this.source(key);
    }
  }
}

/**
 * The settings carried by a provider request body (OpenAI Chat Completions or Anthropic
 * Messages, as recorded by OpenInference `input.value` or LangSmith `gen_ai.prompt`, or sent by
 * an app to the recorded-response server). `messages` are not read here.
 */
export function requestBodySettings(body: Record<string, unknown>, key = 'body'): RequestSettings {
  const c = new Collector();
  readBody(c, body, key);
  return c.out;
}

function readBody(c: Collector, body: Record<string, unknown>, key: string): void {
  const model = str(body.model);
  if (model && c.out.model === undefined) {
    c.out.model = model;
    c.source(key);
  }
  if (c.out.system === undefined && body.system !== undefined && body.system !== null) {
    const system = toInstructionParts(body.system);
    if (system?.length) {
      c.out.system = system;
      c.source(key);
    }
  }
  const tools = Array.isArray(body.tools) ? body.tools : Array.isArray(body.functions) ? body.functions : undefined;
  if (tools) c.tools(toolSpecsOf(tools), key);
  c.toolChoice(body.tool_choice ?? body.function_call, key);
  const outputConfig = record(body.output_config);
  c.responseFormat(body.response_format ?? outputConfig?.format ?? body.output_format, key);
  c.stream(body.stream, key);
  for (const [k, v] of Object.entries(body)) {
    if (!NOT_PARAMETERS.has(k)) c.param(k, v, key);
  }
  // Anthropic `output_config` also carries `effort`: kept whole, beside the format read above.
  if (outputConfig && c.out.objectParameters.output_config === undefined && Object.keys(outputConfig).some((k) => k !== 'format')) {
    c.out.objectParameters.output_config = Object.fromEntries(Object.entries(outputConfig).filter(([k]) => k !== 'format'));
    c.source(key);
  }
}

/** A JSON object carried by an attribute (a JSON string or a structured value). */
function objectAttribute(a: Attributes, key: string): Record<string, unknown> | undefined {
  const v = a[key];
  if (v === undefined) return undefined;
  return record(v);
}

/** A recorded request body: an object with a `messages` array. */
function recordedBody(a: Attributes, key: string): Record<string, unknown> | undefined {
  const v = typeof a[key] === 'string' ? maybeJson(a[key]).value : a[key];
  return isRecord(v) && Array.isArray(v.messages) ? v : undefined;
}

/** The request settings recorded on a model call span (`attributes`; add the details event's attributes for OTel log-only content). */
export function readRequestSettings(a: Attributes): RequestSettings {
  const c = new Collector();
  // 1. Recorded request bodies.
  for (const key of ['input.value', 'gen_ai.prompt', 'langfuse.observation.input']) {
    const body = recordedBody(a, key);
    if (body) readBody(c, body, key);
  }
  // 2. OpenInference invocation parameters.
  const invocation = objectAttribute(a, 'llm.invocation_parameters');
  if (invocation) readBody(c, invocation, 'llm.invocation_parameters');
  // 3. OTel GenAI.
  for (const [key, v] of Object.entries(a)) {
    if (!key.startsWith('gen_ai.request.')) continue;
    const name = key.slice('gen_ai.request.'.length);
    if (name === 'model' || name === 'encoding_formats' || name === 'type' || name === 'base_url') continue;
    if (name === 'stream' || name === 'streaming') c.stream(v, key);
    else if (name === 'tool_choice') c.toolChoice(v, key);
    else if (name === 'structured_output_schema') c.responseFormat(v, key);
    else c.param(name, v, key);
  }
  c.param('seed', a['gen_ai.openai.request.seed'], 'gen_ai.openai.request.seed');
  c.param('service_tier', a['openai.request.service_tier'] ?? a['gen_ai.openai.request.service_tier'], 'openai.request.service_tier');
  c.responseFormat(a['gen_ai.openai.request.response_format'], 'gen_ai.openai.request.response_format');
  const outputType = str(a['gen_ai.output.type']);
  if (outputType === 'json') c.responseFormat('json', 'gen_ai.output.type');
  else if (outputType && outputType !== 'text') c.out.outputType = outputType;
  // 4. OpenLLMetry legacy.
  c.param('top_k', a['llm.top_k'], 'llm.top_k');
  c.param('frequency_penalty', a['llm.frequency_penalty'], 'llm.frequency_penalty');
  c.param('presence_penalty', a['llm.presence_penalty'], 'llm.presence_penalty');
  c.param('stop_sequences', a['llm.chat.stop_sequences'], 'llm.chat.stop_sequences');
  c.param('user', a['llm.user'], 'llm.user');
  c.stream(a['llm.is_streaming'] ?? a['gen_ai.is_streaming'], 'llm.is_streaming');
  // 5. Vercel AI SDK.
  for (const [key, v] of Object.entries(a)) {
    if (!key.startsWith('ai.settings.')) continue;
    const name = key.slice('ai.settings.'.length);
    if (name === 'output' || name === 'mode' || name === 'maxRetries' || name.startsWith('headers')) continue;
    c.param(name === 'maxTokens' || name === 'maxOutputTokens' ? 'max_tokens' : name, v, key);
  }
  c.toolChoice(a['ai.prompt.toolChoice'], 'ai.prompt.toolChoice');
  const schema = a['ai.schema'];
  if (schema !== undefined) {
    const parsed = parseJsonValue(schema);
    if (isRecord(parsed)) {
      const inner: Record<string, unknown> = { name: str(a['ai.schema.name']) ?? 'response', schema: parsed };
      const description = str(a['ai.schema.description']);
      if (description) inner.description = description;
      c.responseFormat({ type: 'json_schema', json_schema: inner }, 'ai.schema');
    }
  } else if (a['ai.settings.output'] === 'object' || a['ai.settings.output'] === 'array') c.out.objectOutputWithoutSchema = true;
  const operation = str(a['ai.operationId']);
  if (operation?.startsWith('ai.')) c.stream(operation.startsWith('ai.stream'), 'ai.operationId');
  // 6. Langfuse.
  const lf = objectAttribute(a, 'langfuse.observation.model.parameters');
  if (lf) for (const [k, v] of Object.entries(lf)) c.param(k, v, 'langfuse.observation.model.parameters');
  // 7. pydantic-ai.
  const mrp = objectAttribute(a, 'model_request_parameters');
  if (mrp) {
    const defs = [...(Array.isArray(mrp.function_tools) ? mrp.function_tools : []), ...(Array.isArray(mrp.output_tools) ? mrp.output_tools : [])];
    c.tools(toolSpecsOf(defs), 'model_request_parameters');
  }
  return c.out;
}
