/**
 * `normalizeSpan`: one span (plus its correlated OTLP log records) → `GenAiSpanView`, whichever
 * convention produced it. Pure: no I/O, never throws on bad data (malformed JSON is kept raw
 * in `rawValues` with a note).
 *
 * Message sources, first non-empty wins (docs/genai-conventions.md §0 rows
 * "Input messages" / "Output messages"):
 *   input:  `gen_ai.input.messages` (+ `gen_ai.system_instructions`) (§1.5)
 *           → `llm.input_messages.{i}.*` (OpenInference §3.2)
 *           → `gen_ai.prompt.{i}.*` (OpenLLMetry legacy §2.2) → `gen_ai.prompt` (whole JSON)
 *           → `ai.prompt.messages` / `ai.prompt` (Vercel §4.2–4.3)
 *           → `gen_ai.client.inference.operation.details` log event (§1.7c)
 *           → log records / span events `gen_ai.{system,user,assistant,tool}.message` (§1.7b)
 *           → span event `gen_ai.content.prompt` (§1.7a)
 *           → pydantic-ai/Logfire `events` attribute (§6.1)
 *           → `input.value` / `traceloop.entity.input` / `langfuse.observation.input`
 *   output: the same chain with `gen_ai.output.messages`, `llm.output_messages`,
 *           `gen_ai.completion.*`, `ai.response.text`+`ai.response.toolCalls`/`ai.response.object`,
 *           `gen_ai.choice`, `gen_ai.content.completion`, `output.value`, ….
 * Tool spans read name/id/arguments/result per §0 rows "Tool …"; arguments and results are
 * kept as sent (strings stay strings, structured AnyValues — kvlists decoded to objects, arrays —
 * stay structured), except Traceloop's `{"args":[],"kwargs":{…}}` wrapper and JSON-encoded return
 * value, and Traceloop MCP's `{"tool_name","arguments"}` / `{"result","is_error"}`, which are unwrapped.
 *
 * Also read (docs/genai-conventions.md "MCP, evaluations, guardrails, multimodal, content by
 * reference"): MCP facts (mcp.ts), `gen_ai.evaluation.result` events (evaluations.ts),
 * guardrails (guardrails.ts), `*_ref` content references (contentRefs.ts); media parts in
 * media.ts. Spans that only carry MCP attributes or these events are GenAI views too (kind
 * `tool` for `tools/call`, `guardrail` with `gen_ai.guardrail.*` attributes, else `other`).
 */
import type { Attributes, LogRecordInfo, SpanRecord } from '../../model/trace';
import type { GenAiConvention, GenAiMessage, GenAiMessagePart, GenAiSpanView } from '../../model/genai';
import {
  SESSION_KEYS,
  USER_KEYS,
  readAgentName,
  readToolCallId,
  readToolName,
} from './fields';
import { unwrapToolResult } from './toolResults';
import { toInstructionParts, toMessage, toMessages } from './messages';
import { RawSink, firstStr, isRecord, json, maybeJson, str, tryParse, unflatten } from './values';
import { collectEvents, eventsFromLogfireAttribute, messagesFromEvents } from './events';
import { traceloopMcpArguments, traceloopMcpResult } from './mcp';
import { eventsProvider, readCallFields, usageIsAggregate } from './callFacts';
import { readEvaluations } from './evaluations';
import { readGuardrail } from './guardrails';
import { readContentRefs } from './contentRefs';

/** How to turn content capture on, per library (shown when a model call has no content). */
export const CONTENT_CAPTURE_HINTS: Readonly<Record<string, string>> = {
  'otel-genai':
    'Content capture is off. OpenTelemetry GenAI instrumentations: set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true (JS @opentelemetry/instrumentation-openai: new OpenAIInstrumentation({ captureMessageContent: true })), and export OTLP logs too: older instrumentations send message content as log records.',
  openllmetry:
    'Content capture is off. OpenLLMetry/Traceloop: set TRACELOOP_TRACE_CONTENT=true (or traceContent: true in traceloop.initialize).',
  openinference:
    'Content capture is off. OpenInference: unset OPENINFERENCE_HIDE_INPUTS and OPENINFERENCE_HIDE_OUTPUTS (or traceConfig { hideInputs: false, hideOutputs: false }).',
  'vercel-ai':
    'Content capture is off. Vercel AI SDK: pass experimental_telemetry: { isEnabled: true, recordInputs: true, recordOutputs: true } (AI SDK 7: telemetry: { … }).',
  langfuse: 'No content recorded. Langfuse: pass input to the generation (startObservation(name, { input })) and its output (.update({ output })).',
  logfire: 'Content capture is off. pydantic-ai: Agent.instrument_all(InstrumentationSettings(include_content=True)); Logfire: do not scrub message attributes.',
};

/**
 * Instrumentations that cannot record content at all, by instrumentation scope: no switch turns it
 * on, so the hint names what does record it. `@opentelemetry/instrumentation-aws-sdk` (0.78; its
 * Bedrock Runtime extension sets request settings, usage and finish reasons only: captured
 * test/fixtures/genai/bedrock-otel.otlp.json).
 */
const SCOPE_CONTENT_HINTS: Readonly<Record<string, string>> = {
  '@opentelemetry/instrumentation-aws-sdk':
    'No content recorded. @opentelemetry/instrumentation-aws-sdk records Bedrock calls without their messages and has no option to include them; for prompts and completions, add an instrumentation that records them, such as @arizeai/openinference-instrumentation-bedrock (Converse and InvokeModel).',
};

/** OpenLLMetry's own `llm.*` keys (§2.2), told apart from OpenInference's `llm.*`. */
const OPENLLMETRY_LLM_KEYS: ReadonlySet<string> = new Set(['llm.is_streaming', 'llm.user', 'llm.headers', 'llm.top_k', 'llm.frequency_penalty', 'llm.presence_penalty', 'llm.chat.stop_sequences']);

/** Conventions present on a span, by attribute prefixes and scope name (§11 step 1). */
function detectConventions(span: SpanRecord, usedEvents: boolean): GenAiConvention[] {
  const found = new Set<GenAiConvention>();
  const scope = span.scope?.name ?? '';
  for (const key in span.attributes) {
    if (key.startsWith('gen_ai.prompt.') || key.startsWith('gen_ai.completion.') || key.startsWith('traceloop.') || key.startsWith('llm.request.') || key.startsWith('llm.usage.') || OPENLLMETRY_LLM_KEYS.has(key)) found.add('openllmetry');
    else if (key.startsWith('gen_ai.') || key.startsWith('mcp.')) found.add('otel-genai');
    else if (key === 'openinference.span.kind' || key.startsWith('llm.') || key === 'input.value' || key === 'output.value') found.add('openinference');
    else if (key.startsWith('ai.')) found.add('vercel-ai');
    else if (key.startsWith('langfuse.')) found.add('langfuse');
    else if (key === 'events' || key === 'operation.cost' || key.startsWith('logfire.') || key === 'tool_arguments' || key === 'tool_response' || key === 'agent_name') found.add('logfire');
  }
  if (scope.includes('traceloop')) found.add('openllmetry');
  if (scope.startsWith('openinference') || scope.startsWith('@arizeai/')) found.add('openinference');
  if (scope === 'ai') found.add('vercel-ai');
  if (scope === 'langfuse-sdk') found.add('langfuse');
  if (scope === 'pydantic-ai' || scope === 'logfire') found.add('logfire');
  if (usedEvents) found.add('otel-genai-events');
  if (found.size === 0) found.add('unknown');
  // Vercel sets gen_ai.* next to ai.*: the dialect is Vercel's.
  if (found.has('vercel-ai')) found.delete('otel-genai');
  return [...found];
}

/** How to turn content capture on for the library that produced a span (its conventions), most specific first. */
export function hintFor(conventions: readonly GenAiConvention[], scopeName?: string): string {
  const byScope = scopeName !== undefined ? SCOPE_CONTENT_HINTS[scopeName] : undefined;
  if (byScope) return byScope;
  for (const c of ['vercel-ai', 'openinference', 'openllmetry', 'langfuse', 'logfire'] as const) {
    if (conventions.includes(c)) return CONTENT_CAPTURE_HINTS[c]!;
  }
  return CONTENT_CAPTURE_HINTS['otel-genai']!;
}

/** OpenLLMetry legacy flattened prompt/completion (§2.2) → messages. */
function openllmetryMessages(a: Attributes, prefix: string, role: string): GenAiMessage[] | undefined {
  const items = unflatten(a, prefix);
  if (!Array.isArray(items)) return undefined;
  const out: GenAiMessage[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const m = toMessage(item, role);
    if (!m) continue;
    if (isRecord(item.function_call) && !m.parts.some((p) => p.type === 'tool_call')) {
      const fc = item.function_call;
      m.parts.push({ type: 'tool_call', name: str(fc.name) ?? '', ...(fc.arguments !== undefined ? { arguments: fc.arguments } : {}) });
    }
    out.push(m);
  }
  return out;
}

/** OpenInference flattened `llm.{input,output}_messages` (§3.2) → messages. */
function openinferenceMessages(a: Attributes, prefix: string, role: string): GenAiMessage[] | undefined {
  const items = unflatten(a, prefix);
  if (!Array.isArray(items)) return undefined;
  const out: GenAiMessage[] = [];
  for (const item of items) {
    const m = toMessage(isRecord(item) && isRecord(item.message) ? item.message : item, role);
    if (m) out.push(m);
  }
  return out;
}

/** Vercel `ai.response.*` (≤3.x `ai.result.*`) → one assistant message (§4.2). */
function vercelOutput(a: Attributes, raw: RawSink): GenAiMessage[] | undefined {
  const parts: GenAiMessagePart[] = [];
  const reasoning = a['ai.response.reasoning'];
  if (typeof reasoning === 'string' && reasoning !== '') parts.push({ type: 'reasoning', content: reasoning });
  const text = a['ai.response.text'] ?? a['ai.result.text'];
  if (typeof text === 'string' && text !== '') parts.push({ type: 'text', content: text });
  const object = a['ai.response.object'] ?? a['ai.result.object'];
  if (typeof object === 'string' && object !== '') parts.push({ type: 'text', content: object });
  const callsKey = a['ai.response.toolCalls'] !== undefined ? 'ai.response.toolCalls' : 'ai.result.toolCalls';
  const calls = json(a[callsKey], callsKey, raw);
  if (Array.isArray(calls)) {
    for (const c of calls) {
      if (!isRecord(c)) continue;
      const part: GenAiMessagePart = { type: 'tool_call', name: str(c.toolName) ?? str(c.name) ?? '' };
      const id = str(c.toolCallId) ?? str(c.id);
      if (id) part.id = id;
      const args = c.input ?? c.args ?? c.arguments;
      if (args !== undefined) part.arguments = args;
      parts.push(part);
    }
  }
  const hasAny = text !== undefined || object !== undefined || calls !== undefined || reasoning !== undefined;
  if (!hasAny) return undefined;
  if (parts.length === 0) return [];
  const message: GenAiMessage = { role: 'assistant', parts };
  const finish = str(a['ai.response.finishReason']) ?? str(a['ai.finishReason']);
  if (finish) message.finishReason = finish;
  return [message];
}

/** Vercel outer `ai.prompt` = `{system?, prompt?, messages?}` (§4.2). */
function vercelPrompt(value: unknown): { system?: GenAiMessagePart[]; input?: GenAiMessage[] } {
  if (!isRecord(value)) return { input: toMessages(value, 'user') };
  const out: { system?: GenAiMessagePart[]; input?: GenAiMessage[] } = {};
  if (value.system !== undefined) out.system = toInstructionParts(value.system);
  const input: GenAiMessage[] = [];
  if (value.prompt !== undefined && value.prompt !== null) {
    const m = toMessage(typeof value.prompt === 'string' ? value.prompt : { role: 'user', content: value.prompt }, 'user');
    if (m) input.push(m);
  }
  if (Array.isArray(value.messages)) input.push(...(toMessages(value.messages, 'user') ?? []));
  if (input.length) out.input = input;
  return out;
}

/** Generic I/O (`input.value`, `traceloop.entity.*`, `langfuse.observation.*`): messages when recognizable, else text. */
function genericMessages(value: unknown, role: string): GenAiMessage[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = maybeJson(value);
  return toMessages(parsed.value, role);
}

/** Traceloop `traceloop.entity.input` `{"args":[…],"kwargs":{…}}` → the single argument object when unambiguous. */
function unwrapTraceloopInput(value: unknown): unknown {
  const parsed = maybeJson(value);
  const v = parsed.value;
  if (!isRecord(v) || !('args' in v) || !('kwargs' in v)) return value;
  const args = Array.isArray(v.args) ? v.args : [];
  const kwargs = isRecord(v.kwargs) ? v.kwargs : {};
  if (args.length === 0) return kwargs;
  if (args.length === 1 && Object.keys(kwargs).length === 0) return args[0];
  return v;
}

/** Traceloop `traceloop.entity.output` is `JSON.stringify(result)`: decode one level. */
function unwrapJsonEncoded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const parsed = tryParse(value);
  return parsed.ok ? parsed.value : value;
}

/** Tool definitions (§1.3 `gen_ai.tool.definitions`, OpenInference `llm.tools`, Vercel `ai.prompt.tools`, OpenLLMetry `llm.request.functions`). */
function readToolDefinitions(a: Attributes, raw: RawSink): unknown[] | undefined {
  const defs = json(a['gen_ai.tool.definitions'], 'gen_ai.tool.definitions', raw);
  if (Array.isArray(defs)) return defs;
  const oi = unflatten(a, 'llm.tools.');
  if (Array.isArray(oi)) {
    return oi.map((t) => {
      const schema = isRecord(t) && isRecord(t.tool) ? t.tool.json_schema : t;
      return typeof schema === 'string' ? (maybeJson(schema).value) : schema;
    });
  }
  const vercel = a['ai.prompt.tools'];
  if (Array.isArray(vercel)) return vercel.map((t) => (typeof t === 'string' ? maybeJson(t).value : t));
  for (const prefix of ['llm.request.functions.', 'gen_ai.tool.definitions.']) {
    const flat = unflatten(a, prefix);
    if (Array.isArray(flat)) return flat;
  }
  return undefined;
}

/** Finish reasons: `gen_ai.response.finish_reasons` (string[] or JSON), SK's comma-joined singular, OI/Vercel, else from output messages. */
function readFinishReasons(a: Attributes, output: readonly GenAiMessage[] | undefined): string[] | undefined {
  const v = a['gen_ai.response.finish_reasons'];
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v === 'string') {
    const parsed = maybeJson(v).value;
    return Array.isArray(parsed) ? parsed.map((x) => String(x)) : [v];
  }
  const single = firstStr(a, ['gen_ai.response.finish_reason', 'llm.finish_reason', 'ai.response.finishReason', 'ai.finishReason']);
  if (single !== undefined) return single.split(',').map((s) => s.trim()).filter(Boolean);
  const fromMessages = (output ?? []).map((m) => m.finishReason).filter((r): r is string => r !== undefined);
  return fromMessages.length ? fromMessages : undefined;
}

/**
 * The normalized GenAI view of a span and its correlated log records (`logs`: records whose
 * trace and span ids are the span's, any order), or `null` when the span is not a GenAI span.
 */
export function normalizeSpan(span: SpanRecord, logs: readonly LogRecordInfo[] = []): GenAiSpanView | null {
  try {
    return normalizeUnsafe(span, logs);
  } catch (error) {
    // Defensive: a bug here must not break the details pane.
    return {
      kind: 'other',
      conventions: ['unknown'],
      rawValues: [{ key: '(normalization)', raw: '', note: `could not normalize this span: ${error instanceof Error ? error.message : String(error)}` }],
    };
  }
}

function normalizeUnsafe(span: SpanRecord, logs: readonly LogRecordInfo[]): GenAiSpanView | null {
  const a = span.attributes ?? {};
  const raw = new RawSink();
  const events = collectEvents(span, logs, raw);
  // Kind, provider, models, usage, reported cost: shared with the store's cost facts (callFacts.ts).
  const fields = readCallFields(span, events, raw);
  if (!fields) return null;
  const { kindInfo, mcp, details, detailAttrs, requestModel, responseModel, usage } = fields;
  const { kind } = kindInfo;
  const view: GenAiSpanView = { kind, conventions: [] };
  let usedEvents = false;

  // Details event (§1.7c): its attributes stand in for missing span attributes.
  const attr = (key: string): unknown => (a[key] !== undefined ? a[key] : detailAttrs[key]);

  view.provider = fields.provider;
  if (requestModel) view.requestModel = requestModel;
  if (responseModel) view.responseModel = responseModel;
  if (usage) view.usage = usage;
  if (fields.reportedCostUsd !== undefined) view.reportedCostUsd = fields.reportedCostUsd;

  // ── input ──
  let system: GenAiMessagePart[] | undefined;
  let input: GenAiMessage[] | undefined;
  let output: GenAiMessage[] | undefined;
  const sys = attr('gen_ai.system_instructions');
  if (sys !== undefined) system = toInstructionParts(json(sys, 'gen_ai.system_instructions', raw));
  const inMsgs = attr('gen_ai.input.messages');
  if (inMsgs !== undefined) input = toMessages(json(inMsgs, 'gen_ai.input.messages', raw), 'user');
  const outMsgs = attr('gen_ai.output.messages');
  if (outMsgs !== undefined) output = toMessages(json(outMsgs, 'gen_ai.output.messages', raw), 'assistant');
  if (details && (inMsgs !== undefined || outMsgs !== undefined) && (a['gen_ai.input.messages'] === undefined || a['gen_ai.output.messages'] === undefined)) usedEvents = true;

  input ??= openinferenceMessages(a, 'llm.input_messages.', 'user');
  output ??= openinferenceMessages(a, 'llm.output_messages.', 'assistant');
  input ??= openllmetryMessages(a, 'gen_ai.prompt.', 'user');
  output ??= openllmetryMessages(a, 'gen_ai.completion.', 'assistant');
  if (input === undefined && a['gen_ai.prompt'] !== undefined) input = toMessages(json(a['gen_ai.prompt'], 'gen_ai.prompt', raw), 'user');
  if (output === undefined && a['gen_ai.completion'] !== undefined) output = toMessages(json(a['gen_ai.completion'], 'gen_ai.completion', raw), 'assistant');

  if (input === undefined && a['ai.prompt.messages'] !== undefined) input = toMessages(json(a['ai.prompt.messages'], 'ai.prompt.messages', raw), 'user');
  if (input === undefined && system === undefined && a['ai.prompt'] !== undefined) {
    const p = vercelPrompt(maybeJson(a['ai.prompt']).value);
    input = p.input;
    system = p.system;
  }
  output ??= vercelOutput(a, raw);

  if (input === undefined || output === undefined) {
    const fromEvents = messagesFromEvents(events);
    if (input === undefined && fromEvents.input) {
      input = fromEvents.input;
      usedEvents = true;
    }
    if (output === undefined && fromEvents.output) {
      output = fromEvents.output;
      usedEvents = true;
    }
  }
  // The events' provider when the span names none (also when its messages come from attributes).
  view.provider ??= eventsProvider(events);
  if (input === undefined || output === undefined) {
    for (const e of span.events ?? []) {
      if (input === undefined && e.name === 'gen_ai.content.prompt' && e.attributes?.['gen_ai.prompt'] !== undefined) {
        input = toMessages(json(e.attributes['gen_ai.prompt'], 'gen_ai.content.prompt', raw), 'user');
      } else if (output === undefined && e.name === 'gen_ai.content.completion' && e.attributes?.['gen_ai.completion'] !== undefined) {
        output = toMessages(json(e.attributes['gen_ai.completion'], 'gen_ai.content.completion', raw), 'assistant');
      }
    }
  }
  if (input === undefined || output === undefined) {
    const lfEvents = eventsFromLogfireAttribute(a, raw);
    if (lfEvents) {
      const m = messagesFromEvents(lfEvents);
      input ??= m.input;
      output ??= m.output;
    }
  }

  // ── tools ──
  if (kind === 'tool') {
    const tool: NonNullable<GenAiSpanView['tool']> = {};
    const name = readToolName(a) ?? mcp?.info.toolName ?? (a['langfuse.observation.type'] === 'tool' ? span.name : undefined);
    if (name) tool.name = name;
    const callId = readToolCallId(a);
    if (callId) tool.callId = callId;
    const type = str(a['gen_ai.tool.type']);
    if (type) tool.type = type;
    const args =
      a['gen_ai.tool.call.arguments'] ??
      a['input.value'] ??
      a['ai.toolCall.args'] ??
      a['tool_arguments'] ??
      (a['langsmith.span.kind'] === 'tool' ? a['gen_ai.prompt'] : undefined) ??
      (a['traceloop.entity.input'] !== undefined ? (mcp?.traceloop ? traceloopMcpArguments(a['traceloop.entity.input']) : unwrapTraceloopInput(a['traceloop.entity.input'])) : undefined) ??
      a['langfuse.observation.input'];
    if (args !== undefined) tool.arguments = args;
    const result =
      a['gen_ai.tool.call.result'] ??
      a['output.value'] ??
      a['ai.toolCall.result'] ??
      a['tool_response'] ??
      (a['langsmith.span.kind'] === 'tool' ? a['gen_ai.completion'] : undefined) ??
      (a['traceloop.entity.output'] !== undefined ? (mcp?.traceloop ? traceloopMcpResult(a['traceloop.entity.output']).result : unwrapJsonEncoded(a['traceloop.entity.output'])) : undefined) ??
      a['langfuse.observation.output'];
    if (result !== undefined) tool.result = unwrapToolResult(result);
    view.tool = tool;
  } else {
    // Generic I/O last (§0): for model calls and agent/workflow steps.
    input ??= genericMessages(a['input.value'] ?? a['langfuse.observation.input'], 'user');
    output ??= genericMessages(a['output.value'] ?? a['langfuse.observation.output'], 'assistant');
    if (input === undefined && a['traceloop.entity.input'] !== undefined) {
      const v = unwrapTraceloopInput(a['traceloop.entity.input']);
      if (!(isRecord(v) && Object.keys(v).length === 0)) input = toMessages(v, 'user');
    }
    if (output === undefined && a['traceloop.entity.output'] !== undefined) output = toMessages(unwrapJsonEncoded(a['traceloop.entity.output']), 'assistant');
  }

  if (system?.length) view.systemInstructions = system;
  if (input?.length) view.inputMessages = input;
  if (output?.length) view.outputMessages = output;
  const finish = readFinishReasons(a, output);
  if (finish?.length) view.finishReasons = finish;
  const defs = readToolDefinitions(a, raw);
  if (defs?.length) view.toolDefinitions = defs;

  const agentName = readAgentName(a) ?? (kind === 'agent' && (a['langfuse.observation.type'] === 'agent' || a['openinference.span.kind'] !== undefined) ? span.name : undefined);
  if (agentName) view.agentName = agentName;
  const sessionId = firstStr(a, SESSION_KEYS);
  if (sessionId) view.sessionId = sessionId;
  const userId = firstStr(a, USER_KEYS);
  if (userId) view.userId = userId;

  if (usageIsAggregate(fields)) view.usageIsAggregate = true;

  const responseId = str(attr('gen_ai.response.id'));
  if (responseId) view.responseId = responseId;
  if (mcp) {
    if (mcp.traceloop && a['traceloop.entity.output'] !== undefined && traceloopMcpResult(a['traceloop.entity.output']).isError) mcp.info.errorType ??= 'tool_error';
    view.mcp = mcp.info;
  }
  const evaluations = readEvaluations(events);
  if (evaluations) view.evaluations = evaluations;
  const guardrail = readGuardrail(a, events, kind === 'guardrail');
  if (guardrail) view.guardrail = guardrail;
  const refs = readContentRefs(attr, events);
  if (refs) view.contentRefs = refs;

  view.conventions = detectConventions(span, usedEvents);
  if (kind === 'llm' && !view.inputMessages && !view.outputMessages && !view.systemInstructions && !refs && (requestModel || responseModel || usage)) {
    view.contentMissing = true;
    view.contentCaptureHint = hintFor(view.conventions, span.scope?.name);
  }
  if (raw.values.length) view.rawValues = raw.values;
  if (!view.provider) delete view.provider;
  return view;
}

