/**
 * Helpers shared by the two wire formats (openaiRequest.ts, anthropicRequest.ts): tool call
 * arguments and tool results as each API wants them, tool choice in either vocabulary, the
 * media of a part, and the reverse reading of a provider request body. Pure.
 */
import type { GenAiMessage, GenAiMessagePart } from '../../../model/genai';
import type { ReplayGap, ReplayParameters, ReplayRequest, ReplayTool } from '../../../model/replay';
import { requestBodySettings } from '../../genai/requestSettings';
import { toInstructionParts, toMessages } from '../../genai/messages';
import { isRecord, str, tryParse } from '../../genai/values';
import { canonicalToolMessages, liftSystem } from '../replayMessages';

/** Options of a wire body: the model to ask (default: the request's) and whether to stream (default: as recorded, else no). */
export interface WireOptions {
  model?: string;
  stream?: boolean;
}

/** Collects conversion notes once per text. */
export class WireGaps {
  readonly list: ReplayGap[] = [];
  add(field: string, note: string): void {
    if (!this.list.some((g) => g.field === field && g.note === note)) this.list.push({ field, note });
  }
}

/** Tool call arguments as JSON text (OpenAI `function.arguments`). */
export function argumentsText(args: unknown): string {
  if (args === undefined || args === null) return '{}';
  return typeof args === 'string' ? args : JSON.stringify(args);
}

/** Tool call arguments as a JSON object (Anthropic `tool_use.input`), or `undefined` when they are not one. */
export function argumentsObject(args: unknown): Record<string, unknown> | undefined {
  if (args === undefined || args === null || args === '') return {};
  if (isRecord(args)) return args;
  if (typeof args === 'string') {
    const parsed = tryParse(args);
    if (parsed.ok && isRecord(parsed.value)) return parsed.value;
  }
  return undefined;
}

/** A tool result as text (OpenAI `tool` message content): text blocks joined, other values as JSON. */
export function resultText(response: unknown): string {
  if (typeof response === 'string') return response;
  if (response === undefined || response === null) return '';
  if (Array.isArray(response) && response.length > 0 && response.every((b) => isRecord(b) && b.type === 'text' && typeof b.text === 'string')) {
    return response.map((b) => (b as { text: string }).text).join('\n');
  }
  return JSON.stringify(response);
}

/** The text of text parts, in order. */
export function textsOf(parts: readonly GenAiMessagePart[]): string[] {
  return parts.flatMap((p) => (p.type === 'text' ? [p.content] : []));
}

/** A placeholder for a part that cannot be sent (media without bytes, unknown parts). */
export function placeholderText(p: GenAiMessagePart): string {
  if (p.type === 'media') return `[${p.modality ?? 'media'} not recorded${p.mimeType ? ` (${p.mimeType})` : ''}${p.uri ? `: ${p.uri}` : ''}]`;
  if (p.type === 'other') return JSON.stringify(p.raw);
  return '';
}

/** Stream or not: the option, else as recorded, else no. */
export function wantsStream(request: ReplayRequest, options: WireOptions): boolean {
  return options.stream ?? request.stream ?? false;
}

/** The model to ask, or `''` (the caller must choose one) with a gap. */
export function modelOf(request: ReplayRequest, options: WireOptions, gaps: WireGaps): string {
  const model = options.model ?? request.model;
  if (!model) gaps.add('model', 'No model chosen: the body names none.');
  return model ?? '';
}

/** Tool choice normalized to one vocabulary: `auto`, `none`, `required` (any tool), `{name}` (that tool), plus no-parallel. */
export interface ToolChoice {
  mode: 'auto' | 'none' | 'required' | 'tool';
  name?: string;
  disableParallel?: boolean;
}

/** A recorded tool choice (OpenAI string or `{type:'function', function:{name}}`, Anthropic `{type, name}`, Vercel `{type, toolName}`), or `undefined`. */
export function toolChoiceOf(value: unknown): ToolChoice | undefined {
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'auto' || v === 'none') return { mode: v };
    if (v === 'required' || v === 'any') return { mode: 'required' };
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const type = str(value.type);
  const out: ToolChoice | undefined =
    type === 'auto' || type === 'none' ? { mode: type }
    : type === 'required' || type === 'any' ? { mode: 'required' }
    : type === 'function' || type === 'tool' || (type === undefined && str(value.name))
      ? { mode: 'tool', name: str(isRecord(value.function) ? value.function.name : undefined) ?? str(value.name) ?? str(value.toolName) ?? '' }
      : undefined;
  if (out && value.disable_parallel_tool_use === true) out.disableParallel = true;
  return out?.mode === 'tool' && !out.name ? undefined : out;
}

/** What a provider request body asked (OpenAI Chat Completions or Anthropic Messages), in the replay's canonical form. */
export interface ParsedProviderRequest {
  model?: string;
  /** System instructions (OpenAI leading `system`/`developer` messages, Anthropic `system`). */
  system?: GenAiMessagePart[];
  /** The messages after the system instructions, tool results as one `tool` message each (replayMessages.ts). */
  messages: GenAiMessage[];
  tools: ReplayTool[];
  stream: boolean;
  toolChoice?: unknown;
  responseFormat?: unknown;
  parameters: ReplayParameters;
}

/** Reads a request body of either API (`system` top-level for Anthropic, system messages for OpenAI). */
export function parseProviderRequest(body: unknown, api: string): ParsedProviderRequest | { error: string } {
  if (!isRecord(body)) return { error: `${api} request body is not a JSON object` };
  if (!Array.isArray(body.messages)) return { error: `${api} request body has no messages array` };
  const settings = requestBodySettings(body);
  const lifted = liftSystem(toMessages(body.messages, 'user') ?? []);
  const system = [...(body.system !== undefined ? (toInstructionParts(body.system) ?? []) : []), ...lifted.system];
  const out: ParsedProviderRequest = {
    messages: canonicalToolMessages(lifted.messages),
    tools: settings.tools ?? [],
    stream: settings.stream ?? false,
    parameters: settings.parameters,
  };
  if (settings.model) out.model = settings.model;
  if (system.length) out.system = system;
  if (settings.toolChoice !== undefined) out.toolChoice = settings.toolChoice;
  if (settings.responseFormat !== undefined) out.responseFormat = settings.responseFormat;
  return out;
}
