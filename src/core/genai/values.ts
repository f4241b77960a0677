/**
 * Pure helpers for reading GenAI attribute values: strings, numbers, JSON carried either as a
 * JSON string or as a structured OTLP `AnyValue` (decoded to arrays/objects by src/core/otlp),
 * and flattened indexed keys (`prefix.{i}.field…`). Nothing here throws on bad input.
 *
 * Reference: docs/genai-conventions.md §1.5 (string or structured encoding),
 * §11 steps 2–3 (JSON parsing, re-assembling flattened prefixes).
 */
import type { AttributeValue, Attributes } from '../../model/trace';
import type { GenAiRawValue } from '../../model/genai';

/** Longest raw text kept in a `GenAiRawValue` (characters); longer text is cut with a marker. */
export const MAX_RAW_CHARS = 100_000;

/** Collects values that could not be parsed, with a note per value. */
export class RawSink {
  readonly values: GenAiRawValue[] = [];
  add(key: string, raw: string, note: string): void {
    if (this.values.some((v) => v.key === key)) return;
    const text = raw.length > MAX_RAW_CHARS ? `${raw.slice(0, MAX_RAW_CHARS)}… (${raw.length - MAX_RAW_CHARS} more characters)` : raw;
    this.values.push({ key, raw: text, note });
  }
}

/** `true` for a non-null object that is not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string value (numbers and booleans are converted), else `undefined`. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** A finite number (numeric strings included: int64 above 2^53 arrive as strings), else `undefined`. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The first key of `keys` whose value in `attrs` is a non-empty string (or number/boolean). */
export function firstStr(attrs: Attributes, keys: readonly string[]): string | undefined {
  for (let i = 0; i < keys.length; i++) {
    const v = attrs[keys[i]!];
    if (v === undefined) continue; // the common case, kept cheap (runs for every span at ingest)
    if (typeof v === 'string') {
      if (v !== '') return v;
    } else {
      const s = str(v);
      if (s !== undefined) return s;
    }
  }
  return undefined;
}

/** The first key of `keys` whose value in `attrs` is a finite number. */
export function firstNum(attrs: Attributes, keys: readonly string[]): number | undefined {
  for (let i = 0; i < keys.length; i++) {
    const v = attrs[keys[i]!];
    if (v === undefined) continue;
    const n = num(v);
    if (n !== undefined) return n;
  }
  return undefined;
}

/**
 * A JSON-carrying value: structured values (arrays, kvlists decoded to objects) are returned as
 * they are; strings are parsed. A string that is not valid JSON goes to `raw` with a note (when
 * `raw` is given) and yields `undefined`. `undefined`/`null`/'' yield `undefined`.
 */
export function json(value: AttributeValue | unknown, key: string, raw?: RawSink): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value;
  const parsed = tryParse(value);
  if (parsed.ok) return parsed.value;
  raw?.add(key, value, `not valid JSON (${parsed.message}); shown as received`);
  return undefined;
}

/** `JSON.parse` as a value. */
export function tryParse(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A string that looks like JSON (starts with `{` or `[` after whitespace) parsed, else the
 * value itself. For values that are "often JSON" (`input.value`, tool arguments in some SDKs),
 * where plain text is also legitimate.
 */
export function maybeJson(value: unknown): { value: unknown; parsedJson: boolean; malformed?: string } {
  if (typeof value !== 'string') return { value, parsedJson: false };
  const t = value.trimStart();
  if (t[0] !== '{' && t[0] !== '[') return { value, parsedJson: false };
  const parsed = tryParse(value);
  return parsed.ok ? { value: parsed.value, parsedJson: true } : { value, parsedJson: false, malformed: parsed.message };
}

/**
 * Re-assembles flattened indexed attributes: every key `prefix + rest` becomes a nested value
 * where numeric path segments are array indexes (sorted, gaps dropped), e.g.
 * `llm.input_messages.0.message.role` → `[{ message: { role } }]` for prefix `llm.input_messages.`.
 * Returns `undefined` when no key has the prefix. Cost: one pass over the attribute keys.
 */
export function unflatten(attrs: Attributes, prefix: string): unknown {
  let root: Record<string, unknown> | undefined;
  for (const key in attrs) {
    if (!key.startsWith(prefix)) continue;
    const path = key.slice(prefix.length).split('.');
    if (path.length === 0 || path[0] === '') continue;
    root ??= {};
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      let next = node[seg];
      if (!isRecord(next)) {
        next = {};
        node[seg] = next;
      }
      node = next as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    // A value and a sub-object under the same key: keep the sub-object (more specific).
    if (!isRecord(node[last])) node[last] = attrs[key];
  }
  return root === undefined ? undefined : arrayify(root);
}

/** Objects whose keys are all non-negative integers become arrays (ordered by index). */
function arrayify(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  const numeric = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
  if (numeric) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => arrayify(value[String(k)]));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = arrayify(value[k]);
  return out;
}

/** Whitespace collapsed, cut to `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The local path of a `file:` URI (RFC 8089): `file:///home/a%20b.json` → `/home/a b.json`,
 * `file:///C:/x.json` → `C:/x.json`, `file://localhost/x` → `/x`. `undefined` for any other URI,
 * a remote host (UNC), or a malformed escape.
 */
export function fileUriToPath(uri: string): string | undefined {
  const m = /^file:\/\/([^/]*)(\/.*)?$/i.exec(uri.trim());
  if (!m) return undefined;
  const host = m[1]!.toLowerCase();
  if (host !== '' && host !== 'localhost') return undefined;
  let path: string;
  try {
    path = decodeURIComponent((m[2] ?? '').replace(/[?#].*$/, ''));
  } catch {
    return undefined;
  }
  if (path === '' || path.includes('\0')) return undefined;
  return /^\/[A-Za-z]:[/\\]/.test(path) ? path.slice(1) : path;
}
