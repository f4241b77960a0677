/**
 * Inline text diffs of two runs' texts, with jsdiff (`diff` on npm, `diffWordsWithSpace`, Myers'
 * O(ND) algorithm), and the canonical text of JSON values so that key order, whitespace and JSON
 * sent as a string do not count as changes. Pure.
 */
import type { TextDiff } from '../../model/compare';
import { sortedKeys, wordSegments } from '../../model/wordDiff';

export { DIFF_TIMEOUT_MS, MAX_DIFF_CHARS, MAX_EDIT_LENGTH } from '../../model/wordDiff';
import type { GenAiMessage, GenAiMessagePart } from '../../model/genai';

/** A JSON object or array held in a string (tool arguments are often sent as JSON text); `undefined` otherwise. */
function parsedJson(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The canonical text of a JSON-safe value: strings as they are (trimmed) unless they hold a JSON
 * object or array, objects and arrays as JSON with sorted keys and 2-space indent; `undefined`
 * for `undefined`/`null`.
 */
export function canonicalText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const parsed = parsedJson(value);
    return parsed === undefined ? value.trim() : JSON.stringify(sortedKeys(parsed), null, 2);
  }
  if (typeof value === 'object') return JSON.stringify(sortedKeys(value), null, 2);
  return String(value as number | boolean);
}

/** One message part as plain text (tool calls as `→ name(arguments)`, results as `← result`). */
export function partText(p: GenAiMessagePart): string {
  switch (p.type) {
    case 'text':
    case 'reasoning':
      return p.type === 'reasoning' ? `(reasoning) ${p.content.trim()}` : p.content.trim();
    case 'tool_call':
      return `→ ${p.name}(${compactJson(p.arguments)})`;
    case 'tool_call_response':
      return `← ${compactJson(p.response)}`;
    case 'media':
      return `[${p.modality ?? 'media'}${p.mimeType ? ` ${p.mimeType}` : ''}${p.uri ? ` ${p.uri}` : ''}]`;
    case 'other':
      return compactJson(p.raw);
  }
}

/** A value as one line of canonical JSON (strings holding JSON parsed first). */
function compactJson(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') {
    const parsed = parsedJson(value);
    return parsed === undefined ? value.trim() : JSON.stringify(sortedKeys(parsed));
  }
  return JSON.stringify(sortedKeys(value));
}

/** Messages as text: one block per message, `role:` then its parts (empty text parts left out). */
export function messagesText(messages: readonly GenAiMessage[]): string | undefined {
  const blocks = messages
    .map((m) => {
      const parts = m.parts.map(partText).filter((t) => t !== '');
      return parts.length ? `${m.role}: ${parts.join('\n')}` : '';
    })
    .filter((b) => b !== '');
  return blocks.length ? blocks.join('\n\n') : undefined;
}

/** Parts as text (system instructions), `undefined` when none has text. */
export function partsText(parts: readonly GenAiMessagePart[] | undefined): string | undefined {
  const texts = (parts ?? []).map(partText).filter((t) => t !== '');
  return texts.length ? texts.join('\n') : undefined;
}

/**
 * Compares two texts (either may be absent): `changed` unless equal; the inline segments come from
 * jsdiff's word diff (whitespace kept as tokens), bounded by `MAX_EDIT_LENGTH`, `DIFF_TIMEOUT_MS` and `MAX_DIFF_CHARS`
 * (then `coarse`: the whole left removed, the whole right added).
 */
export function diffTexts(label: string, left: string | undefined, right: string | undefined): TextDiff {
  const out: TextDiff = { label, changed: left !== right };
  if (left !== undefined) out.left = left;
  if (right !== undefined) out.right = right;
  if (!out.changed) return out;
  const a = left ?? '';
  const b = right ?? '';
  const { segments, coarse } = wordSegments(a, b);
  if (coarse) out.coarse = true;
  out.segments = segments;
  return out;
}
