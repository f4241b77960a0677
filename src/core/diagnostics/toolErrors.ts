/**
 * Tool arguments as comparable text, and the signs that a tool's result carries an error even
 * though its span says OK. Pure; bounded work per value.
 */
import type { SwallowedErrorEvidence } from '../../model/diagnostics';
import { sortedKeys } from '../../model/wordDiff';

/** Most characters of an argument key or an excerpt kept in a finding. */
export const EXCERPT_CHARS = 200;

/** How deep and how many strings `findErrorInResult` looks at in a structured result. */
const MAX_DEPTH = 8;
const MAX_STRINGS = 200;
/** Longest text searched for a traceback (results can be huge; the marker comes early). */
const MAX_SCAN_CHARS = 64 * 1024;

function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trim();
  if (t === '' || (t[0] !== '{' && t[0] !== '[' && t[0] !== '"')) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Canonical JSON of tool arguments: a JSON string is parsed first (so `"{\"b\":1,\"a\":2}"` equals
 * `{a: 2, b: 1}`), object keys are sorted at every level, other strings are trimmed. `undefined`
 * stays `undefined` (arguments not captured: unknown, not "none").
 */
export function canonicalArguments(args: unknown): string | undefined {
  if (args === undefined) return undefined;
  let value: unknown = args;
  if (typeof args === 'string') {
    const parsed = parseJsonText(args);
    value = parsed.ok ? parsed.value : args.trim();
  }
  try {
    return JSON.stringify(sortedKeys(value)) ?? 'null';
  } catch {
    return String(value);
  }
}

export function shorten(text: string, max = EXCERPT_CHARS): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

export interface ErrorEvidence {
  evidence: SwallowedErrorEvidence;
  excerpt: string;
}

const PY_TRACEBACK = 'Traceback (most recent call last)';
/** A JS error line (`TypeError: …`, `Error: …`) and a V8 stack frame line (`    at f (file.js:1:2)`). */
const JS_ERROR_LINE = /(^|\n)\s*[\w.$]*Error(?: \[[\w-]+\])?: /;
const JS_FRAME_LINE = /\n[ \t]+at [^\n]+/;

function textEvidence(text: string): ErrorEvidence | undefined {
  const t = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
  const py = t.indexOf(PY_TRACEBACK);
  if (py >= 0) {
    // The exception line is the last non-empty line of the traceback.
    const lines = t.slice(py).split('\n').map((l) => l.trim()).filter(Boolean);
    return { evidence: 'python-traceback', excerpt: shorten(lines[lines.length - 1] ?? PY_TRACEBACK) };
  }
  const js = JS_ERROR_LINE.exec(t);
  if (js && JS_FRAME_LINE.test(t.slice(js.index))) {
    const line = t.slice(js.index).trim().split('\n')[0] ?? '';
    return { evidence: 'js-stack', excerpt: shorten(line) };
  }
  return undefined;
}

/** A field value that says "there was an error": not null/false/empty. */
function isErrorValue(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return shorten(v);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const m = (v as Record<string, unknown>).message;
    if (typeof m === 'string') return shorten(m);
  }
  try {
    return shorten(JSON.stringify(v) ?? String(v));
  } catch {
    return shorten(String(v));
  }
}

/**
 * Whether a tool result carries an error. Checked, first hit wins:
 * 1. the result (a JSON string is parsed) is an object with `isError: true` (MCP `CallToolResult`,
 *    modelcontextprotocol.io spec "Tools › Error handling"): `is-error`, excerpt from its text content;
 * 2. an object with a non-empty `error` or `errors` field (`{"error": null}` is success): `error-field`;
 * 3. any string in the result (the whole text, or strings inside the JSON, depth ≤ 8, ≤ 200
 *    strings, first 64 KiB each) with a Python traceback (`Traceback (most recent call last)`) or a
 *    JavaScript stack (an `…Error: …` line followed by `    at …` frame lines).
 */
export function findErrorInResult(result: unknown): ErrorEvidence | undefined {
  if (result === undefined || result === null) return undefined;
  let value: unknown = result;
  if (typeof result === 'string') {
    const parsed = parseJsonText(result);
    if (!parsed.ok) return textEvidence(result);
    value = parsed.value;
    if (typeof value === 'string') return textEvidence(value);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (o.isError === true) {
      const content = Array.isArray(o.content) ? o.content : [];
      const text = content.map((c) => (c !== null && typeof c === 'object' ? (c as Record<string, unknown>).text : undefined)).find((t) => typeof t === 'string');
      return { evidence: 'is-error', excerpt: typeof text === 'string' ? shorten(text) : 'isError: true' };
    }
    for (const field of ['error', 'errors']) {
      if (isErrorValue(o[field])) return { evidence: 'error-field', excerpt: `${field}: ${describe(o[field])}` };
    }
  }
  // Strings inside a structured result (a traceback under "output", "stderr", …).
  let budget = MAX_STRINGS;
  const walk = (v: unknown, depth: number): ErrorEvidence | undefined => {
    if (budget <= 0 || depth > MAX_DEPTH) return undefined;
    if (typeof v === 'string') {
      budget--;
      return textEvidence(v);
    }
    if (v === null || typeof v !== 'object') return undefined;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      const hit = walk(child, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  };
  return walk(value, 0);
}

/** The `exception` span event's message (`exception.type: exception.message`), per OTel `exceptions-spans.md`. */
export function exceptionExcerpt(attributes: Readonly<Record<string, unknown>>): string {
  const type = attributes['exception.type'];
  const message = attributes['exception.message'];
  const parts = [typeof type === 'string' ? type : '', typeof message === 'string' ? message : ''].filter(Boolean);
  return shorten(parts.join(': ') || 'exception');
}
