/**
 * The text the full-text index holds for one span (its "document"), built from what the store
 * keeps: the span name, its status message, its attributes as `key value` lines, its events (name
 * and attributes: exception type, message and stack trace) and the log records correlated with it
 * (event name, body, attributes) — that is where every GenAI convention we normalize puts prompts,
 * completions, system instructions, tool arguments and tool results (src/core/genai reads them
 * from exactly these places). Pure; no SQL.
 *
 * Values: strings as they are, except strings that are JSON objects or arrays (message lists such
 * as `gen_ai.input.messages`, tool arguments), which are parsed: JSON escapes (`\n`, `\u00e9`)
 * would otherwise glue or split words. A parsed value contributes its keys and leaves in order
 * (`{"city":"Paris"}` → `city Paris`, so argument names are searchable), except the structural
 * keys of message formats (`STRUCTURAL_KEYS`: role, parts, type, content, text), which would
 * otherwise be in every model call's document and snippet. Numbers and booleans as text. Nested
 * attribute values (arrays, maps) likewise.
 * Resource and scope attributes are not part of a span's document (they repeat on every span;
 * `service:` covers the service).
 *
 * The same function builds the text for indexing, for snippets and for Find's direct scan of
 * spans not indexed yet, so all three agree.
 */
import type { AttributeValue } from '../../model/trace';
import { decodeLogDetail, decodeSpanDetail } from './codec';

/** A span's document is cut after this many characters (the rest is not searchable): bounds the work of one insert. */
export const MAX_DOC_CHARS = 100_000;

/** JSON-looking strings longer than this are indexed as plain text, not parsed (bounds the work per value). */
export const MAX_JSON_PARSE_CHARS = 200_000;

/** Keys of message formats (OTel GenAI parts, OpenAI, Anthropic, Vercel) that are left out of documents. */
export const STRUCTURAL_KEYS: ReadonlySet<string> = new Set(['role', 'parts', 'type', 'content', 'text']);

/** Leaves of nested JSON visited per value at most (a pathological value cannot make a document huge). */
const MAX_LEAVES_PER_VALUE = 20_000;

/** One correlated log record as stored (`logs.event_name`, `logs.detail`). */
export interface StoredLogText {
  eventName: string;
  detail: string;
}

/** Collects text parts up to `MAX_DOC_CHARS`. */
class TextSink {
  readonly parts: string[] = [];
  length = 0;
  get full(): boolean {
    return this.length >= MAX_DOC_CHARS;
  }
  add(text: string): void {
    if (text === '' || this.full) return;
    const room = MAX_DOC_CHARS - this.length;
    const part = text.length > room ? text.slice(0, room) : text;
    this.parts.push(part);
    this.length += part.length + 1;
  }
}

/** Adds the keys (but `STRUCTURAL_KEYS`) and leaves (strings, numbers, booleans) of a parsed JSON value, in order. */
function addJson(value: unknown, sink: TextSink, budget: { leaves: number }): void {
  if (sink.full || budget.leaves <= 0) return;
  if (typeof value === 'string') {
    budget.leaves--;
    sink.add(value);
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    budget.leaves--;
    sink.add(String(value));
  } else if (Array.isArray(value)) {
    for (const v of value) addJson(v, sink, budget);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!STRUCTURAL_KEYS.has(k)) sink.add(k);
      addJson(v, sink, budget);
    }
  }
}

/** Text of one string value: parsed when it is a JSON object or array, else as is. */
function stringText(value: string): string {
  const first = value.charCodeAt(firstNonSpace(value));
  if ((first === 0x7b /* { */ || first === 0x5b) /* [ */ && value.length <= MAX_JSON_PARSE_CHARS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return value;
    }
    if (parsed !== null && typeof parsed === 'object') {
      const sink = new TextSink();
      addJson(parsed, sink, { leaves: MAX_LEAVES_PER_VALUE });
      return sink.parts.join('\n');
    }
  }
  return value;
}

function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\t' || s[i] === '\r')) i++;
  return i;
}

/** Text of an attribute value (or log body): see the module comment. */
export function valueText(value: AttributeValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return stringText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const sink = new TextSink();
  const budget = { leaves: MAX_LEAVES_PER_VALUE };
  const walk = (v: unknown): void => {
    if (sink.full || budget.leaves <= 0) return;
    if (typeof v === 'string') {
      budget.leaves--;
      sink.add(stringText(v));
    } else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        sink.add(k);
        walk(x);
      }
    } else if (v !== null && v !== undefined) {
      budget.leaves--;
      sink.add(String(v as number | boolean));
    }
  };
  walk(value);
  return sink.parts.join('\n');
}

/** Adds `key value` lines for a set of attributes. */
function addAttributes(attributes: Record<string, AttributeValue> | undefined, sink: TextSink): void {
  if (!attributes) return;
  for (const key of Object.keys(attributes)) {
    if (sink.full) return;
    sink.add(`${key} ${valueText(attributes[key])}`);
  }
}

/**
 * The document of one span: name, status message, attributes, events, then its log records in
 * the order given (spanLogs.sql's: by time, then arrival). Lines joined with `\n`, at most
 * `MAX_DOC_CHARS` characters. Unreadable detail JSON contributes nothing (never throws).
 * @param detailJson `span_details.detail` (codec.ts `encodeSpanDetail`).
 */
export function spanDocumentText(name: string, detailJson: string, logs: readonly StoredLogText[] = []): string {
  const sink = new TextSink();
  sink.add(name);
  try {
    const d = decodeSpanDetail(detailJson);
    sink.add(d.statusMessage);
    addAttributes(d.attributes, sink);
    for (const event of d.events) {
      if (sink.full) break;
      sink.add(event.name);
      addAttributes(event.attributes, sink);
    }
  } catch {
    // Not written by encodeSpanDetail: the name alone is searchable.
  }
  for (const log of logs) {
    if (sink.full) break;
    try {
      const d = decodeLogDetail(log.detail);
      sink.add(log.eventName);
      sink.add(valueText(d.body ?? undefined));
      addAttributes(d.attributes, sink);
    } catch {
      // An unreadable log record adds nothing.
    }
  }
  return sink.parts.join('\n');
}
