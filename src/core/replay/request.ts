/**
 * The request a model call span received, rebuilt for replay (`ReplayRequest`,
 * src/model/replay.ts) from whichever convention recorded it: messages, system instructions and
 * output from the normalized view (`normalizeSpan`, src/core/genai, docs/genai-conventions.md §0
 * "Input messages" / "Output messages"), parameters, tools, tool choice, response format and the
 * stream flag from `readRequestSettings` (src/core/genai/requestSettings.ts), the wire kind from
 * the provider (providerKind.ts). Everything the recording lacks is flagged in `missing`
 * (`ReplayGap`) instead of silently dropped.
 *
 * A call seen by two instrumentations (a wrapper span over the SDK's own span) is rebuilt from
 * both: `replayRequestOfCall` takes every recording of the call, most specific first, and fills
 * each field from the first recording that has it. Pure; never throws on bad data.
 */
import type { GenAiConvention, GenAiMessage, GenAiMessagePart, GenAiSpanView } from '../../model/genai';
import type { ReplayGap, ReplayParameters, ReplayRequest, ReplayTool } from '../../model/replay';
import type { Attributes, LogRecordInfo, SpanRecord } from '../../model/trace';
import { LIMIT_MARKER_KEY } from '../../model/limits';
import { DETAILS_EVENT, collectEvents } from '../genai/events';
import { hintFor } from '../genai/normalize';
import { readRequestSettings, toolSpecOf, type RequestSettings } from '../genai/requestSettings';
import { RawSink, firstStr, isRecord } from '../genai/values';
import { replayKindOf } from './providerKind';
import {
  assignToolCallIds,
  canonicalToolMessages,
  cloneMessages,
  liftSystem,
  mediaGaps,
  truncationGap,
  unansweredToolCalls,
  usesTools,
} from './replayMessages';
import { DEFAULT_ANTHROPIC_MAX_TOKENS } from './wire/anthropicRequest';

/** One span's recording of a model call: the span, its normalized view and its correlated log records. */
export interface CallRecording {
  span: SpanRecord;
  view: GenAiSpanView;
  logs?: readonly LogRecordInfo[];
}

/** Attribute keys whose unparsable values mean the messages are incomplete. */
const MESSAGE_KEYS: ReadonlySet<string> = new Set([
  'gen_ai.input.messages', 'gen_ai.system_instructions', 'gen_ai.prompt', 'ai.prompt.messages', 'ai.prompt', 'events', 'gen_ai.content.prompt',
]);

/** What one recording contributes, before the recordings of a call are merged. */
interface Draft {
  recording: CallRecording;
  settings: RequestSettings;
  model?: string;
  modelIsResponseModel: boolean;
  system: GenAiMessagePart[];
  messages: GenAiMessage[];
  output: GenAiMessage[];
  viewTools?: ReplayTool[];
  builtinTools: string[];
}

/** Attributes of the span and, under them, of its `gen_ai.client.inference.operation.details` event (§1.7c). */
function requestAttributes(span: SpanRecord, logs: readonly LogRecordInfo[]): Attributes {
  const details = collectEvents(span, logs, new RawSink()).find((e) => e.name === DETAILS_EVENT);
  if (!details) return span.attributes ?? {};
  const body = isRecord(details.body) ? (details.body as Attributes) : {};
  return { ...body, ...details.attributes, ...span.attributes };
}

function sameText(a: GenAiMessagePart, parts: readonly GenAiMessagePart[]): boolean {
  return a.type === 'text' && parts.some((p) => p.type === 'text' && p.content.trim() === a.content.trim());
}

function draftOf(recording: CallRecording): Draft {
  const { span, view } = recording;
  const attrs = requestAttributes(span, recording.logs ?? []);
  const settings = readRequestSettings(attrs);
  const requested = firstStr(attrs, ['gen_ai.request.model', 'llm.request.model_name']) ?? settings.model ?? view.requestModel;
  const model = requested ?? view.responseModel;
  const lifted = liftSystem(cloneMessages(view.inputMessages));
  let system: GenAiMessagePart[] = structuredClone(view.systemInstructions ?? []);
  for (const p of lifted.system) if (!sameText(p, system)) system.push(p);
  if (system.length === 0 && settings.system) system = structuredClone(settings.system);
  const builtinTools: string[] = [];
  let viewTools: ReplayTool[] | undefined;
  if (view.toolDefinitions?.length) {
    viewTools = [];
    for (const def of view.toolDefinitions) {
      const spec = toolSpecOf(def);
      if (!spec) continue;
      viewTools.push(spec);
      const type = isRecord(def) && typeof def.type === 'string' ? def.type : undefined;
      if (type !== undefined && type !== 'function' && type !== 'custom' && spec.parameters === undefined) builtinTools.push(`${spec.name} (${type})`);
    }
  }
  const draft: Draft = {
    recording,
    settings,
    modelIsResponseModel: requested === undefined && model !== undefined,
    system,
    messages: canonicalToolMessages(lifted.messages),
    output: cloneMessages(view.outputMessages),
    builtinTools,
  };
  if (model !== undefined) draft.model = model;
  if (viewTools) draft.viewTools = viewTools;
  return draft;
}

function first<T>(drafts: readonly Draft[], pick: (d: Draft) => T | undefined): T | undefined {
  for (const d of drafts) {
    const v = pick(d);
    if (v !== undefined) return v;
  }
  return undefined;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** Span duration in milliseconds (end − start, Unix nanoseconds as decimal strings). */
function durationMsOf(span: SpanRecord): number | undefined {
  try {
    const d = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
    return Number.isFinite(d) && d >= 0 ? d : undefined;
  } catch {
    return undefined;
  }
}

/** Tool names called or answered in a conversation, in first-seen order. */
function calledToolNames(...lists: readonly GenAiMessage[][]): string[] {
  const names = new Set<string>();
  for (const l of lists) for (const m of l) for (const p of m.parts) if (p.type === 'tool_call' && p.name) names.add(p.name);
  return [...names];
}

/** The tool definitions a call's recordings carry (as `replayRequestOfCall` picks them), `[]` when none. */
export function recordedToolsOf(recordings: readonly CallRecording[]): ReplayTool[] {
  for (const r of recordings) {
    const defs = r.view.toolDefinitions;
    if (defs?.length) {
      const specs = defs.map(toolSpecOf).filter((t): t is ReplayTool => t !== undefined);
      if (specs.length) return specs;
    }
  }
  for (const r of recordings) {
    const tools = readRequestSettings(requestAttributes(r.span, r.logs ?? [])).tools;
    if (tools?.length) return tools;
  }
  return [];
}

/** Tool definitions recorded on another call of the same run, and how to name that call. */
export interface RunTools {
  tools: ReplayTool[];
  label: string;
}

/**
 * When `request` uses tools but recorded no definitions (instrumentations that record them only on
 * some calls: OTel GenAI Python on the first, pydantic-ai, OpenLLMetry legacy), takes them from the
 * first of `candidates` (other calls of the same run, nearest first; a function is called only
 * when needed) that defines every tool the conversation calls, and says so in `missing`. Modifies `request`; returns whether it did.
 */
export function adoptRunTools(request: ReplayRequest, candidates: readonly RunTools[] | (() => readonly RunTools[])): boolean {
  if (request.tools.length > 0 || !usesTools(request.messages, request.original.output)) return false;
  const called = calledToolNames(request.messages, request.original.output);
  const found = (typeof candidates === 'function' ? candidates() : candidates).find((c) => c.tools.length > 0 && called.every((n) => c.tools.some((t) => t.name === n)));
  if (!found) return false;
  request.tools = structuredClone(found.tools);
  const gap = request.missing.find((g) => g.field === 'tools');
  const note = `The tool definitions were not recorded on this span: those recorded on ${found.label} of the same run are used.`;
  if (gap) gap.note = note;
  else request.missing.push({ field: 'tools', note });
  return true;
}

/** The request a single span received (its own recording only). */
export function replayRequestOf(span: SpanRecord, view: GenAiSpanView, logs: readonly LogRecordInfo[] = []): ReplayRequest {
  return replayRequestOfCall([{ span, view, logs }]);
}

/**
 * The request of one model call from all its recordings (`recordings[0]` the most specific, e.g.
 * the SDK's own span, then wrapper spans outward); each field comes from the first recording that
 * has it. `source` names the span the replay is linked to (default: the first recording's).
 * Throws only when `recordings` is empty.
 */
export function replayRequestOfCall(recordings: readonly CallRecording[], source: SpanRecord = recordings[0]!.span): ReplayRequest {
  if (recordings.length === 0) throw new Error('replayRequestOfCall: no recording');
  const drafts = recordings.map(draftOf);
  const primary = drafts[0]!;
  const missing: ReplayGap[] = [];
  const conventions: GenAiConvention[] = [];
  for (const d of drafts) for (const c of d.recording.view.conventions) if (!conventions.includes(c)) conventions.push(c);

  const provider = first(drafts, (d) => d.recording.view.provider)?.toLowerCase();
  const modelDraft = drafts.find((d) => d.model !== undefined && !d.modelIsResponseModel) ?? drafts.find((d) => d.model !== undefined);
  const model = modelDraft?.model;
  const { kind, note } = replayKindOf(provider, model);

  const messages = first(drafts, (d) => nonEmpty(d.messages)) ?? [];
  const system = first(drafts, (d) => nonEmpty(d.system)) ?? [];
  const output = first(drafts, (d) => nonEmpty(d.output)) ?? [];
  const synthesized = assignToolCallIds([messages, output]);

  const parameters: ReplayParameters = {};
  const providerParameters: Record<string, unknown> = {};
  for (const d of drafts) {
    for (const [k, v] of Object.entries(d.settings.parameters)) if (!(k in parameters)) parameters[k] = v;
    for (const [k, v] of Object.entries(d.settings.objectParameters)) if (!(k in providerParameters)) providerParameters[k] = v;
  }
  const tools = first(drafts, (d) => d.viewTools) ?? first(drafts, (d) => d.settings.tools) ?? [];

  const request: ReplayRequest = {
    source: { traceId: source.traceId, spanId: source.spanId, spanName: source.name, conventions },
    kind,
    messages,
    tools,
    parameters,
    missing,
    original: { output },
  };
  if (provider) request.provider = provider;
  if (model) request.model = model;
  if (system.length) request.system = system;
  const toolChoice = first(drafts, (d) => d.settings.toolChoice);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const responseFormat = first(drafts, (d) => d.settings.responseFormat);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  if (Object.keys(providerParameters).length) {
    request.providerParameters = providerParameters;
    request.providerParametersKind = kind;
  }
  const stream = first(drafts, (d) => d.settings.stream);
  if (stream !== undefined) request.stream = stream;

  const view = primary.recording.view;
  const finishReasons = first(drafts, (d) => d.recording.view.finishReasons);
  if (finishReasons) request.original.finishReasons = [...finishReasons];
  const usage = first(drafts, (d) => d.recording.view.usage);
  if (usage) request.original.usage = { ...usage };
  const duration = durationMsOf(primary.recording.span);
  if (duration !== undefined) request.original.durationMs = duration;
  const responseModel = first(drafts, (d) => d.recording.view.responseModel);
  if (responseModel) request.original.responseModel = responseModel;
  const responseId = first(drafts, (d) => d.recording.view.responseId);
  if (responseId) request.original.responseId = responseId;

  // ── what the recording lacks ──
  if (messages.length === 0) {
    const refs = drafts.flatMap((d) => d.recording.view.contentRefs ?? []).filter((r) => r.content === 'input' && !r.read);
    const unparsed = drafts.flatMap((d) => d.recording.view.rawValues ?? []).filter((r) => MESSAGE_KEYS.has(r.key));
    if (refs.length) missing.push({ field: 'messages', note: `The messages were stored by reference (${refs[0]!.uri}) and could not be read here${refs[0]!.error ? `: ${refs[0]!.error}` : ''}.` });
    else if (unparsed.length) missing.push({ field: 'messages', note: `The recorded messages could not be read (${unparsed[0]!.key}: ${unparsed[0]!.note}).` });
    else if (system.length) missing.push({ field: 'messages', note: 'Only the system instructions were recorded: add the user message before sending.' });
    else missing.push({ field: 'messages', note: `No messages were recorded for this call. ${view.contentCaptureHint ?? hintFor(conventions)}` });
  } else {
    const unparsed = drafts.flatMap((d) => d.recording.view.rawValues ?? []).find((r) => MESSAGE_KEYS.has(r.key));
    if (unparsed) missing.push({ field: 'messages', note: `Part of the recorded messages could not be read (${unparsed.key}: ${unparsed.note}).` });
  }
  if (!model) missing.push({ field: 'model', note: 'No model was recorded: choose one before sending.' });
  else if (modelDraft?.modelIsResponseModel) missing.push({ field: 'model', note: `The requested model was not recorded: the response model ${model} is used.` });
  if (note) missing.push({ field: 'provider', note });
  const called = calledToolNames(messages, output);
  if (tools.length === 0 && usesTools(messages, output)) {
    missing.push({
      field: 'tools',
      note: `The conversation uses tools${called.length ? ` (${called.join(', ')})` : ''} but their definitions were not recorded by this instrumentation: the replay offers no tools unless you add them.`,
    });
  }
  const builtin = first(drafts, (d) => nonEmpty(d.builtinTools));
  if (builtin) missing.push({ field: 'tools', note: `Provider built-in tools are sent as plain functions without a schema: ${builtin.join(', ')}.` });
  if (Object.keys(parameters).length === 0 && Object.keys(providerParameters).length === 0) {
    missing.push({ field: 'parameters', note: 'No request parameters were recorded (temperature, max tokens, …): the provider defaults apply.' });
  }
  if (kind === 'anthropic' && parameters.max_tokens === undefined) {
    missing.push({ field: 'max_tokens', note: `max_tokens was not recorded and Anthropic requires it: ${DEFAULT_ANTHROPIC_MAX_TOKENS} is sent.` });
  }
  if (synthesized > 0) {
    missing.push({ field: 'toolCallIds', note: `${synthesized} tool call id${synthesized === 1 ? ' was' : 's were'} not recorded: synthesized (call_replay_N), results paired with calls in order.` });
  }
  const unanswered = unansweredToolCalls(messages);
  if (unanswered.length) missing.push({ field: 'messages', note: `Tool call${unanswered.length === 1 ? '' : 's'} without a recorded result: ${unanswered.join(', ')} (providers refuse such a history).` });
  missing.push(...mediaGaps(messages, system));
  const cut = truncationGap([...messages, ...output], system);
  if (cut) missing.push(cut);
  if (drafts.some((d) => d.recording.span.attributes?.[LIMIT_MARKER_KEY] !== undefined)) {
    missing.push({ field: 'truncated', note: 'Trace Lens did not keep all attributes of this span (limits at ingest): flattened messages or tool definitions may be incomplete.' });
  }
  const outputType = first(drafts, (d) => d.settings.outputType);
  if (outputType) missing.push({ field: 'responseFormat', note: `The call asked for ${outputType} output, which a chat request cannot replay: the replay asks for text.` });
  if (request.responseFormat === undefined && drafts.some((d) => d.settings.objectOutputWithoutSchema)) {
    missing.push({ field: 'responseFormat', note: 'The call asked for a structured object but its schema was not recorded on this span: the replay asks for text.' });
  }
  if (drafts.some((d) => d.recording.view.usageIsAggregate)) {
    missing.push({ field: 'span', note: `${source.name} groups several model calls: this is the request as its first call received it (replay the calls under it for each step).` });
  }
  if (output.length === 0) missing.push({ field: 'output', note: 'The original answer was not recorded: there is nothing to compare the replay with.' });
  return request;
}
