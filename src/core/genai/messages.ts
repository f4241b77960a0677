/**
 * Message and part conversion: every message shape the conventions use → `GenAiMessage`
 * (role + parts, OTel GenAI parts vocabulary, src/model/genai.ts).
 *
 * Shapes accepted (one converter, dispatched on the fields present, so a library mixing them is
 * still read):
 * - OTel GenAI parts schema (v1.37+, §1.5): `{role, parts:[{type:'text',content} |
 *   {type:'tool_call',id,name,arguments} | {type:'tool_call_response',id,response|result} |
 *   {type:'reasoning',content} | {type:'blob'|'file'|'uri',modality,…}], name?, finish_reason?}`.
 * - OpenAI chat format (OpenInference `input.value`, OpenLLMetry legacy, Langfuse inputs, the
 *   v1.26 `gen_ai.prompt` event attribute, the v1.28–v1.36 log event bodies, §1.7):
 *   `{role, content: string|parts|null, tool_calls:[{id,type,function:{name,arguments}}],
 *   tool_call_id?, name?}`; content parts `{type:'text',text}`, `{type:'image_url',image_url:{url}}`,
 *   `{type:'input_audio'}`, `{type:'refusal',refusal}`.
 * - Vercel AI SDK prompt parts (§4.3): `{type:'text',text}`, `{type:'tool-call',toolCallId,
 *   toolName,input|args}`, `{type:'tool-result',toolCallId,toolName,output:{type,value}|result}`,
 *   `{type:'reasoning',text}`, `{type:'file',mediaType,data}`, `{type:'image',image,mimeType}`.
 * - Anthropic content blocks: `tool_use`, `tool_result`, `thinking`, `image` with `source`.
 * - OpenInference flattened (§3.2) after `unflatten`: `{message:{role, content, contents:[
 *   {message_content:{type,text,image:{image:{url}}}}], tool_calls:[{tool_call:{id,
 *   function:{name,arguments}}}], tool_call_id, name}}`.
 * - Gemini-like parts without `type`: `{text}`, `{functionCall:{name,args}}`,
 *   `{functionResponse:{name,response}}`.
 *
 * Media parts: src/core/genai/media.ts (inline bytes kept only for checked raster images).
 * Tool-call arguments and tool results are kept as sent (a JSON string stays a string).
 */
import type { GenAiMessage, GenAiMessagePart } from '../../model/genai';
import { mediaPart } from './media';
import { isRecord, maybeJson, str } from './values';

/** One part in any supported shape → a `GenAiMessagePart`, or `undefined` for an empty part. */
export function toPart(p: unknown): GenAiMessagePart | undefined {
  if (p === undefined || p === null) return undefined;
  if (typeof p === 'string') return { type: 'text', content: p };
  if (typeof p === 'number' || typeof p === 'boolean') return { type: 'text', content: String(p) };
  if (!isRecord(p)) return { type: 'other', raw: p };
  const type = typeof p.type === 'string' ? p.type : undefined;
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text': {
      const content = p.content ?? p.text;
      return { type: 'text', content: typeof content === 'string' ? content : JSON.stringify(content ?? '') };
    }
    case 'tool_call':
    case 'function_call':
    case 'tool_use':
    case 'tool-call': {
      const fn = isRecord(p.function) ? p.function : undefined;
      const part: GenAiMessagePart = {
        type: 'tool_call',
        name: str(p.name) ?? str(p.toolName) ?? str(fn?.name) ?? '',
      };
      // Responses API function calls: `call_id` pairs with the output; `id` is the item id.
      const id = type === 'function_call' ? (str(p.call_id) ?? str(p.id)) : (str(p.id) ?? str(p.call_id) ?? str(p.toolCallId));
      if (id !== undefined) part.id = id;
      const args = p.arguments ?? p.input ?? p.args ?? fn?.arguments;
      if (args !== undefined) part.arguments = args;
      return part;
    }
    case 'tool_call_response':
    case 'function_call_output':
    case 'tool_result':
    case 'tool-result': {
      const id = str(p.id) ?? str(p.call_id) ?? str(p.tool_use_id) ?? str(p.toolCallId);
      let response: unknown = p.response ?? p.result ?? p.output ?? p.content;
      // Vercel v5+: output is {type:'text'|'json'|'error-text'|…, value}.
      if (type === 'tool-result' && isRecord(p.output) && 'value' in p.output) response = p.output.value;
      const part: GenAiMessagePart = { type: 'tool_call_response', response: response ?? null };
      if (id !== undefined) part.id = id;
      return part;
    }
    case 'reasoning':
    case 'thinking': {
      const content = p.content ?? p.text ?? p.thinking ?? p.summary;
      return { type: 'reasoning', content: typeof content === 'string' ? content : JSON.stringify(content ?? '') };
    }
    case 'refusal':
      return { type: 'text', content: String(p.refusal ?? p.content ?? '') };
    case 'blob':
    case 'file':
    case 'uri':
    case 'image':
    case 'image_url':
    case 'input_image':
    case 'input_audio':
    case 'audio':
    case 'video':
    case 'document':
      return mediaPart(type, p);
    case undefined:
      return untypedPart(p);
    default:
      return { type: 'other', raw: p };
  }
}

/** Parts without `type`: Gemini-like `{text}`, `{functionCall}`, `{functionResponse}`; OpenInference `{message_content}`. */
function untypedPart(p: Record<string, unknown>): GenAiMessagePart {
  // OpenInference: a `tool_use` content carries its call beside the type (`contents.N.tool_call.*`).
  if (isRecord(p.message_content)) return toPart(isRecord(p.tool_call) ? { ...p.tool_call, ...p.message_content } : p.message_content) ?? { type: 'other', raw: p };
  if (typeof p.text === 'string') return { type: 'text', content: p.text };
  if (typeof p.content === 'string') return { type: 'text', content: p.content };
  if (isRecord(p.functionCall)) {
    const fc = p.functionCall;
    const part: GenAiMessagePart = { type: 'tool_call', name: str(fc.name) ?? '' };
    if (str(fc.id)) part.id = str(fc.id);
    if (fc.args !== undefined) part.arguments = fc.args;
    return part;
  }
  if (isRecord(p.functionResponse)) {
    const fr = p.functionResponse;
    const part: GenAiMessagePart = { type: 'tool_call_response', response: fr.response ?? null };
    if (str(fr.id)) part.id = str(fr.id);
    return part;
  }
  return { type: 'other', raw: p };
}

/** Parts of a `content` value: string, array of parts, single part object, or nothing. */
function contentParts(content: unknown): GenAiMessagePart[] {
  if (content === undefined || content === null || content === '') return [];
  if (typeof content === 'string') {
    // OpenLLMetry legacy stores content blocks as a JSON string: read it when it is one.
    const t = content.trimStart();
    if (t[0] === '[') {
      const parsed = maybeJson(content);
      if (parsed.parsedJson && Array.isArray(parsed.value) && parsed.value.length > 0 && parsed.value.every((b) => isRecord(b) && typeof b.type === 'string')) {
        return contentParts(parsed.value);
      }
    }
    return [{ type: 'text', content }];
  }
  if (Array.isArray(content)) {
    const parts: GenAiMessagePart[] = [];
    for (const c of content) {
      const part = toPart(c);
      if (part) parts.push(part);
    }
    return parts;
  }
  const part = toPart(content);
  return part ? [part] : [];
}

/** OpenAI-style `tool_calls` (also OpenLLMetry `{id,name,arguments}`, OpenInference `{tool_call:{…}}`) → parts. */
function toolCallParts(calls: unknown): GenAiMessagePart[] {
  if (!Array.isArray(calls)) return [];
  const parts: GenAiMessagePart[] = [];
  for (const c0 of calls) {
    const c = isRecord(c0) && isRecord(c0.tool_call) ? c0.tool_call : c0;
    if (!isRecord(c)) continue;
    const fn = isRecord(c.function) ? c.function : undefined;
    const part: GenAiMessagePart = { type: 'tool_call', name: str(fn?.name) ?? str(c.name) ?? str(c.toolName) ?? '' };
    const id = str(c.id) ?? str(c.toolCallId);
    if (id !== undefined) part.id = id;
    const args = fn?.arguments ?? c.arguments ?? c.input ?? c.args;
    if (args !== undefined) part.arguments = args;
    parts.push(part);
  }
  return parts;
}

/**
 * One message in any supported shape. `defaultRole` applies when the message has none (log
 * events name the role in the event name). Returns `undefined` for values that are not messages.
 */
export function toMessage(value: unknown, defaultRole?: string): GenAiMessage | undefined {
  if (typeof value === 'string') return { role: defaultRole ?? 'user', parts: [{ type: 'text', content: value }] };
  if (!isRecord(value)) return undefined;
  // OpenInference flattened: {message: {...}}.
  const m = isRecord(value.message) && value.role === undefined && value.parts === undefined ? value.message : value;
  const role = str(m.role) ?? defaultRole ?? 'user';
  let parts: GenAiMessagePart[];
  if (Array.isArray(m.parts)) parts = contentParts(m.parts);
  else if (Array.isArray(m.contents)) parts = contentParts(m.contents);
  else parts = contentParts(m.content);
  // A call listed both as content and in `tool_calls` (OpenInference Anthropic) is shown once.
  const listed = new Set(parts.flatMap((p) => (p.type === 'tool_call' && p.id !== undefined ? [p.id] : [])));
  parts.push(...toolCallParts(m.tool_calls).filter((p) => !(p.type === 'tool_call' && p.id !== undefined && listed.has(p.id))));
  if (isRecord(m.function_call)) parts.push(...toolCallParts([{ function: m.function_call }]));
  const toolCallId = str(m.tool_call_id) ?? (role === 'tool' ? str(m.id) : undefined);
  if ((role === 'tool' || role === 'function' || toolCallId !== undefined) && !parts.some((p) => p.type === 'tool_call_response')) {
    // A tool result message: its content is the response.
    const response = parts.length === 1 && parts[0]!.type === 'text' ? parts[0]!.content : parts.length === 0 ? (m.content ?? null) : parts;
    const part: GenAiMessagePart = { type: 'tool_call_response', response };
    if (toolCallId !== undefined) part.id = toolCallId;
    parts = [part];
  }
  const message: GenAiMessage = { role, parts };
  const name = str(m.name);
  if (name !== undefined) message.name = name;
  const finish = str(m.finish_reason) ?? str(value.finish_reason);
  if (finish !== undefined) message.finishReason = finish;
  return message;
}

/**
 * A list of messages from a value that may be: an array of messages, one message, an OpenAI
 * request body `{messages:[…]}`, an OpenAI response body `{choices:[{message,finish_reason}]}`,
 * or plain text (becomes one `defaultRole` message). `undefined` when nothing is recognized.
 */
export function toMessages(value: unknown, defaultRole: string): GenAiMessage[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    // An array of parts (system instructions, Gemini-like content) is one message.
    if (value.every((v) => isRecord(v) && typeof v.type === 'string' && v.role === undefined && v.parts === undefined)) {
      return [{ role: defaultRole, parts: contentParts(value) }];
    }
    const out: GenAiMessage[] = [];
    for (const v of value) {
      const m = toMessage(v, defaultRole);
      if (m) out.push(m);
    }
    return out;
  }
  if (isRecord(value)) {
    if (Array.isArray(value.messages)) return toMessages(value.messages, defaultRole);
    if (Array.isArray(value.choices)) {
      const out: GenAiMessage[] = [];
      for (const c of value.choices) {
        if (!isRecord(c)) continue;
        const m = toMessage(c.message ?? (typeof c.text === 'string' ? c.text : undefined), 'assistant');
        if (!m) continue;
        if (!m.finishReason && str(c.finish_reason)) m.finishReason = str(c.finish_reason);
        out.push(m);
      }
      return out;
    }
    if ('role' in value || 'parts' in value || 'content' in value || 'tool_calls' in value || 'message' in value) {
      const m = toMessage(value, defaultRole);
      return m ? [m] : undefined;
    }
    return [{ role: defaultRole, parts: [{ type: 'text', content: JSON.stringify(value, null, 2) }] }];
  }
  if (typeof value === 'string') return [{ role: defaultRole, parts: [{ type: 'text', content: value }] }];
  return [{ role: defaultRole, parts: [{ type: 'text', content: String(value) }] }];
}

/** Parts of system instructions: a parts array, a string, or messages (their parts are joined). */
export function toInstructionParts(value: unknown): GenAiMessagePart[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return [{ type: 'text', content: value }];
  if (Array.isArray(value)) {
    const parts: GenAiMessagePart[] = [];
    for (const v of value) {
      if (isRecord(v) && (v.role !== undefined || Array.isArray(v.parts))) parts.push(...(toMessage(v, 'system')?.parts ?? []));
      else {
        const p = toPart(v);
        if (p) parts.push(p);
      }
    }
    return parts;
  }
  const p = toPart(value);
  return p ? [p] : undefined;
}

/** The first text of the first message with role `user`, if any. */
export function firstUserTextOf(messages: readonly GenAiMessage[] | undefined): string | undefined {
  if (!messages) return undefined;
  for (const m of messages) {
    if (m.role !== 'user') continue;
    for (const p of m.parts) if (p.type === 'text' && p.content.trim() !== '') return p.content;
  }
  return undefined;
}
