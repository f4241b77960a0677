/**
 * The playground's editable copy of a ReplayRequest (src/model/replay.ts): every editable value
 * as the text its field shows, the value the recording had, and the parse rule that turns the text
 * back into a value. A field whose text was not touched gives back the recorded value exactly (so a
 * request sent without edits is the recorded one, JSON strings and key order included). JSON-safe,
 * so it survives the webview being hidden (`setState`). Pure.
 */
import type { GenAiMessage, GenAiMessagePart } from '../../src/model/genai';
import type { ReplayParameters, ReplayRequest, ReplayTool } from '../../src/model/replay';

/**
 * How a field's text becomes a value:
 * `text` as is; `json` any JSON; `object` a JSON object (empty = absent); `tool` a JSON object with
 * a string `name`; `choice` JSON, else the bare text as a string (empty = absent); `number` /
 * `integer` (empty = absent); `lines` one string per non-empty line (empty = absent); `literal` a
 * JSON number, boolean, string or string array, else the text as a string (empty = absent).
 */
export type FieldKind = 'text' | 'json' | 'object' | 'tool' | 'choice' | 'number' | 'integer' | 'lines' | 'literal';

/** One editable value. `asString`: the value is sent as JSON text (tool-call arguments recorded as a string). */
export interface Field {
  kind: FieldKind;
  text: string;
  /** The text first shown (the recorded value); `text === initial` gives back `original`. */
  initial: string;
  /** The recorded value (absent for a field the user added or the recording lacked). */
  original?: unknown;
  hasOriginal: boolean;
  asString?: boolean;
  /** Why the text is not a valid value (set on every edit). */
  error?: string;
}

type MediaPart = Extract<GenAiMessagePart, { type: 'media' }>;

/** One part of a message or of the system instructions. */
export type PartDraft = (
  | { kind: 'text'; type: 'text' | 'reasoning'; content: Field }
  | { kind: 'toolCall'; id: string; name: Field; args: Field }
  | { kind: 'toolResult'; id: string; response: Field }
  | { kind: 'media'; part: MediaPart }
  | { kind: 'other'; raw: Field }
) & {
  /** The recorded part, sent as it is while none of the part's fields is edited. */
  recorded?: GenAiMessagePart;
};

export interface MessageDraft {
  /** Stable key for rendering (`m3`), never sent. */
  key: string;
  role: string;
  name?: string;
  parts: PartDraft[];
  /** The recorded message, sent as it is while its role and parts are unchanged. */
  recorded?: GenAiMessage;
}

export interface ToolDraft {
  key: string;
  field: Field;
}

export interface ParamDraft {
  key: string;
  /** The parameter's name (`gen_ai.request.*` without the prefix, or as recorded). */
  name: string;
  field: Field;
  /** One of KNOWN_PARAMETERS (always shown, its own input). */
  known: boolean;
}

/** The whole editable request. */
export interface Draft {
  nextKey: number;
  system: PartDraft[];
  messages: MessageDraft[];
  tools: ToolDraft[];
  toolChoice: Field;
  responseFormat: Field;
  params: ParamDraft[];
}

/** Parameters always offered as their own input (OTel GenAI `gen_ai.request.*` names), with their kind and label. */
export const KNOWN_PARAMETERS: ReadonlyArray<{ name: string; kind: FieldKind; label: string; hint: string }> = [
  { name: 'temperature', kind: 'number', label: 'temperature', hint: '0–2' },
  { name: 'max_tokens', kind: 'integer', label: 'max_tokens', hint: 'output limit' },
  { name: 'top_p', kind: 'number', label: 'top_p', hint: '0–1' },
  { name: 'top_k', kind: 'integer', label: 'top_k', hint: 'Anthropic' },
  { name: 'frequency_penalty', kind: 'number', label: 'frequency_penalty', hint: '−2–2' },
  { name: 'presence_penalty', kind: 'number', label: 'presence_penalty', hint: '−2–2' },
  { name: 'seed', kind: 'integer', label: 'seed', hint: 'OpenAI' },
  { name: 'stop_sequences', kind: 'lines', label: 'stop_sequences', hint: 'one per line' },
  { name: 'choice.count', kind: 'integer', label: 'choice.count (n)', hint: 'answers' },
];

/** Pretty JSON text of a value; a string holding JSON is pretty-printed too. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        return JSON.stringify(JSON.parse(t), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  return JSON.stringify(value, null, 2) ?? '';
}

function initialText(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? value : prettyJson(value);
    case 'lines':
      return Array.isArray(value) ? value.map(String).join('\n') : String(value as string);
    case 'number':
    case 'integer':
      return String(value as number);
    case 'literal':
    case 'choice':
      return typeof value === 'string' ? value : prettyJson(value);
    case 'json':
    case 'object':
    case 'tool':
      return prettyJson(value);
  }
}

/** A field showing `value` (absent: an empty field with no recorded value). */
export function newField(kind: FieldKind, value?: unknown, asString?: boolean): Field {
  const text = initialText(kind, value);
  const f: Field = { kind, text, initial: text, hasOriginal: value !== undefined };
  if (value !== undefined) f.original = value;
  if (asString) f.asString = true;
  return f;
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The value of a field's text (`undefined` = absent), or why it is invalid. Untouched text gives
 * back the recorded value.
 */
export function readField(f: Field): Parsed {
  if (f.hasOriginal && f.text === f.initial) return { ok: true, value: f.original };
  const t = f.text.trim();
  switch (f.kind) {
    case 'text':
      return { ok: true, value: f.text };
    case 'json': {
      if (f.asString) {
        if (t === '') return { ok: true, value: '' };
        const p = parseJson(t);
        return p.ok ? { ok: true, value: JSON.stringify(p.value) } : p;
      }
      return t === '' ? { ok: true, value: undefined } : parseJson(t);
    }
    case 'object': {
      if (t === '') return { ok: true, value: undefined };
      const p = parseJson(t);
      if (!p.ok) return p;
      return isObject(p.value) ? p : { ok: false, error: 'must be a JSON object ({…})' };
    }
    case 'tool': {
      const p = parseJson(t);
      if (!p.ok) return p;
      if (!isObject(p.value)) return { ok: false, error: 'must be a JSON object: {"name": …, "description": …, "parameters": {…}}' };
      if (typeof p.value.name !== 'string' || p.value.name.trim() === '') return { ok: false, error: 'needs a "name" (string)' };
      return p;
    }
    case 'choice': {
      if (t === '') return { ok: true, value: undefined };
      const p = parseJson(t);
      return p.ok ? p : { ok: true, value: t };
    }
    case 'number':
    case 'integer': {
      if (t === '') return { ok: true, value: undefined };
      const n = Number(t);
      if (!Number.isFinite(n)) return { ok: false, error: 'must be a number' };
      if (f.kind === 'integer' && !Number.isInteger(n)) return { ok: false, error: 'must be a whole number' };
      return { ok: true, value: n };
    }
    case 'lines': {
      const lines = f.text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      return { ok: true, value: lines.length ? lines : undefined };
    }
    case 'literal': {
      if (t === '') return { ok: true, value: undefined };
      try {
        const v = JSON.parse(t) as unknown;
        if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return { ok: true, value: v };
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { ok: true, value: v };
      } catch {
        // Not JSON: the text itself.
      }
      return { ok: true, value: t };
    }
  }
}

/** `true` when `text` parses as JSON. */
function isJsonText(text: string): boolean {
  return parseJson(text).ok;
}

/** Sets a field's text and its validation error. */
export function editField(f: Field, text: string): void {
  f.text = text;
  const r = readField(f);
  if (r.ok) delete f.error;
  else f.error = r.error;
}

/** `true` when the field's text differs from what it first showed. */
export const isEdited = (f: Field): boolean => f.text !== f.initial;

function partDraft(p: GenAiMessagePart): PartDraft {
  return { ...partFields(p), recorded: p };
}

function partFields(p: GenAiMessagePart): PartDraft {
  switch (p.type) {
    case 'text':
    case 'reasoning':
      return { kind: 'text', type: p.type, content: newField('text', p.content) };
    case 'tool_call':
      return { kind: 'toolCall', id: p.id ?? '', name: newField('text', p.name), args: newField('json', p.arguments, typeof p.arguments === 'string') };
    case 'tool_call_response': {
      // A result recorded as text stays text; as JSON text it is edited (and checked) as JSON, sent as text.
      const r = p.response;
      const jsonText = typeof r === 'string' && /^\s*[[{]/.test(r) && isJsonText(r);
      return { kind: 'toolResult', id: p.id ?? '', response: typeof r === 'string' && !jsonText ? newField('text', r) : newField('json', r, typeof r === 'string') };
    }
    case 'media':
      return { kind: 'media', part: p };
    case 'other':
      return { kind: 'other', raw: newField('json', p.raw) };
  }
}

/** The draft of a recorded request: every field showing its recorded value. */
export function newDraft(request: ReplayRequest): Draft {
  let next = 0;
  const key = (prefix: string) => `${prefix}${next++}`;
  const params: ParamDraft[] = KNOWN_PARAMETERS.map((k) => ({ key: key('p'), name: k.name, known: true, field: newField(k.kind, request.parameters[k.name]) }));
  for (const [name, value] of Object.entries(request.parameters)) {
    if (!KNOWN_PARAMETERS.some((k) => k.name === name)) params.push({ key: key('p'), name, known: false, field: newField('literal', value) });
  }
  const draft: Draft = {
    nextKey: 0,
    system: (request.system ?? []).map(partDraft),
    messages: request.messages.map((m) => ({ key: key('m'), role: m.role, ...(m.name !== undefined ? { name: m.name } : {}), parts: m.parts.map(partDraft), recorded: m })),
    tools: request.tools.map((t) => ({ key: key('t'), field: newField('tool', t) })),
    toolChoice: newField('choice', request.toolChoice),
    responseFormat: newField('object', request.responseFormat),
    params,
  };
  draft.nextKey = next;
  return draft;
}

/** A fresh key for an added message, tool or parameter. */
export function nextKey(draft: Draft, prefix: string): string {
  return `${prefix}${draft.nextKey++}`;
}

/** A field that is invalid, for the message shown before sending. */
export interface DraftProblem {
  /** Where, in words (`message 3, tool call arguments`). */
  where: string;
  error: string;
}

/** `true` when no field of the part was edited. */
function partUntouched(p: PartDraft): boolean {
  switch (p.kind) {
    case 'text':
      return !isEdited(p.content);
    case 'toolCall':
      return !isEdited(p.name) && !isEdited(p.args);
    case 'toolResult':
      return !isEdited(p.response);
    case 'media':
      return true;
    case 'other':
      return !isEdited(p.raw);
  }
}

function readPart(p: PartDraft, where: string, problems: DraftProblem[]): GenAiMessagePart | undefined {
  if (p.recorded && partUntouched(p)) return p.recorded;
  const value = (f: Field, what: string): unknown => {
    const r = readField(f);
    if (r.ok) return r.value;
    problems.push({ where: `${where}, ${what}`, error: r.error });
    return undefined;
  };
  switch (p.kind) {
    case 'text':
      return { type: p.type, content: p.content.text };
    case 'toolCall': {
      const args = value(p.args, 'tool call arguments');
      return { type: 'tool_call', ...(p.id ? { id: p.id } : {}), name: p.name.text, ...(args !== undefined ? { arguments: args } : {}) };
    }
    case 'toolResult':
      return { type: 'tool_call_response', ...(p.id ? { id: p.id } : {}), response: value(p.response, 'tool result') ?? '' };
    case 'media':
      return p.part;
    case 'other':
      return { type: 'other', raw: value(p.raw, 'raw part') };
  }
}

/**
 * The request the draft describes (on top of `base`: its source, provider, kind, model, stream,
 * gaps and original answer), and every invalid field. The request is only meant to be sent when
 * `problems` is empty.
 */
export function buildRequest(base: ReplayRequest, draft: Draft): { request: ReplayRequest; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const parts = (list: PartDraft[], where: string) => list.flatMap((p, i) => readPart(p, list.length > 1 ? `${where}, part ${i + 1}` : where, problems) ?? []);
  const system = parts(draft.system, 'system instructions');
  const messages: GenAiMessage[] = draft.messages.map((m, i) => {
    const list = parts(m.parts, `message ${i + 1}`);
    const r = m.recorded;
    if (r && r.role === m.role && list.length === r.parts.length && list.every((p, j) => p === r.parts[j])) return r;
    return { role: m.role, ...(m.name !== undefined ? { name: m.name } : {}), parts: list };
  });
  const tools: ReplayTool[] = [];
  draft.tools.forEach((t, i) => {
    const r = readField(t.field);
    if (!r.ok) problems.push({ where: `tool ${i + 1}`, error: r.error });
    else tools.push(r.value as ReplayTool);
  });
  const choice = readField(draft.toolChoice);
  if (!choice.ok) problems.push({ where: 'tool choice', error: choice.error });
  const format = readField(draft.responseFormat);
  if (!format.ok) problems.push({ where: 'response format', error: format.error });
  let parameters: ReplayParameters = {};
  for (const p of draft.params) {
    const r = readField(p.field);
    if (!r.ok) problems.push({ where: `parameter ${p.name || '(unnamed)'}`, error: r.error });
    else if (r.value !== undefined) {
      if (!p.name.trim()) problems.push({ where: 'a parameter', error: 'needs a name' });
      else parameters[p.name.trim()] = r.value as ReplayParameters[string];
    }
  }
  // Unchanged parameters keep their recorded order; the base's key order is kept too (a request
  // sent without edits is the recorded one, byte for byte as JSON).
  const sameParameters = Object.keys(parameters).length === Object.keys(base.parameters).length && Object.entries(parameters).every(([k, v]) => JSON.stringify(v) === JSON.stringify(base.parameters[k]));
  if (sameParameters) parameters = base.parameters;
  const request: ReplayRequest = { ...base, system, messages, tools, toolChoice: choice.ok ? choice.value : undefined, responseFormat: format.ok ? format.value : undefined, parameters };
  if (!system.length && base.system?.length !== 0) delete request.system;
  if (request.toolChoice === undefined) delete request.toolChoice;
  if (request.responseFormat === undefined) delete request.responseFormat;
  return { request, problems };
}

/** `true` when the draft's request differs from the recorded one (an untouched draft gives it back byte for byte). */
export function draftEdited(base: ReplayRequest, draft: Draft): boolean {
  return JSON.stringify(buildRequest(base, draft).request) !== JSON.stringify(base);
}
