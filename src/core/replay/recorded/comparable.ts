/**
 * The comparable form of a conversation, for matching a re-run's request with a recorded model
 * call whatever convention recorded it and whichever API the app calls:
 * - roles lower case; `developer` counts as `system`, `function` as `tool`; system messages are
 *   taken out of the conversation into the system text;
 * - each tool result becomes its own `tool` message (an Anthropic `user` message with several
 *   `tool_result` blocks and OpenAI's one `tool` message per result compare equal), placed before
 *   the rest of its message, as Anthropic requires;
 * - text: the message's text parts joined, whitespace runs collapsed to one space, trimmed;
 * - tool calls: name + arguments as canonical JSON (a JSON string is parsed, object keys sorted),
 *   ids ignored (a recording and a re-run never share generated ids);
 * - tool results: text blocks joined, JSON canonical, ids ignored;
 * - reasoning, media and unknown parts are not compared (recordings often leave them out).
 * Pure.
 */
import type { GenAiMessage, GenAiMessagePart } from '../../../model/genai';
import { sortedKeys } from '../../../model/wordDiff';
import { isRecord, tryParse } from '../../genai/values';

/** One message in comparable form. */
export interface ComparableMessage {
  role: string;
  text: string;
  /** `name(canonical arguments)` per tool call, in order. */
  toolCalls: { name: string; args: string }[];
  /** Canonical text of the tool result (role `tool` only). */
  toolResult?: string;
}

/** A whole conversation in comparable form. */
export interface ComparableConversation {
  /** System instructions text ('' when none). */
  system: string;
  messages: ComparableMessage[];
}

/** Whitespace runs → one space, trimmed. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** JSON with object keys sorted (arrays keep their order). */
function stableJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value ?? null)) ?? 'null';
}

/** Tool-call arguments: JSON text or a value → canonical text; nothing → `{}`. */
export function canonicalArguments(args: unknown): string {
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return '{}';
  if (typeof args === 'string') {
    const parsed = tryParse(args);
    return parsed.ok ? stableJson(parsed.value) : collapse(args);
  }
  return stableJson(args);
}

/**
 * A tool result: a string (JSON text parsed when it is JSON), text blocks (Anthropic
 * `[{type:'text',text}]`, OTel `[{type:'text',content}]`) joined, other values as canonical JSON.
 */
export function canonicalResult(response: unknown): string {
  if (response === undefined || response === null) return '';
  if (typeof response === 'string') {
    const t = response.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      const parsed = tryParse(t);
      if (parsed.ok) return canonicalResult(parsed.value);
    }
    return collapse(response);
  }
  if (Array.isArray(response) && response.length > 0 && response.every((b) => isRecord(b) && b.type === 'text')) {
    return canonicalResult(response.map((b) => String((b as Record<string, unknown>).text ?? (b as Record<string, unknown>).content ?? '')).join(' '));
  }
  if (typeof response === 'number' || typeof response === 'boolean') return String(response);
  return stableJson(response);
}

function textOf(parts: readonly GenAiMessagePart[]): string {
  const texts: string[] = [];
  for (const p of parts) if (p.type === 'text') texts.push(p.content);
  return collapse(texts.join(' '));
}

function normalizedRole(role: string): string {
  const r = role.toLowerCase();
  if (r === 'developer') return 'system';
  if (r === 'function') return 'tool';
  if (r === 'model') return 'assistant';
  return r;
}

/**
 * System instruction parts plus any system-role messages → the comparable conversation.
 * `system` parts come first, then system messages in order.
 */
export function comparableConversation(system: readonly GenAiMessagePart[] | undefined, messages: readonly GenAiMessage[]): ComparableConversation {
  const systemTexts: string[] = [];
  if (system && system.length > 0) systemTexts.push(textOf(system));
  const out: ComparableMessage[] = [];
  for (const m of messages) {
    const role = normalizedRole(m.role);
    if (role === 'system') {
      systemTexts.push(textOf(m.parts));
      continue;
    }
    let results = 0;
    for (const p of m.parts) {
      if (p.type !== 'tool_call_response') continue;
      out.push({ role: 'tool', text: '', toolCalls: [], toolResult: canonicalResult(p.response) });
      results++;
    }
    const rest = m.parts.filter((p) => p.type !== 'tool_call_response');
    const toolCalls = rest.flatMap((p) => (p.type === 'tool_call' ? [{ name: p.name, args: canonicalArguments(p.arguments) }] : []));
    const text = textOf(rest);
    if (results > 0 && text === '' && toolCalls.length === 0) continue;
    out.push({ role: role === 'tool' && results > 0 ? 'user' : role, text, toolCalls });
  }
  return { system: collapse(systemTexts.filter((t) => t !== '').join(' ')), messages: out };
}

/** Same role, text, tool calls (name + arguments) and tool result. */
export function sameMessage(a: ComparableMessage, b: ComparableMessage): boolean {
  return (
    a.role === b.role &&
    a.text === b.text &&
    a.toolResult === b.toolResult &&
    a.toolCalls.length === b.toolCalls.length &&
    a.toolCalls.every((c, i) => c.name === b.toolCalls[i]!.name && c.args === b.toolCalls[i]!.args)
  );
}

/** Longest side of a quoted change before it is cut with `…`. */
const SNIPPET_CHARS = 60;

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_]/u.test(c);
}

/** `text` trimmed, in single quotes, cut to `SNIPPET_CHARS` with `…`. */
export function quote(text: string): string {
  const t = text.trim();
  return `'${t.length > SNIPPET_CHARS ? `${t.slice(0, SNIPPET_CHARS)}…` : t}'`;
}

/**
 * The changed part of `before` → `after`, widened to whole words, quoted and cut to
 * `SNIPPET_CHARS`: `'Paris' → 'Lyon'` for "…weather in Paris?" → "…weather in Lyon?". A pure
 * insertion or deletion shows the word before it too (`'a' → 'a new'`).
 */
export function changedSpan(before: string, after: string): string {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  // Widen to whole words when the change starts or ends inside one (prefix and suffix are common to both sides).
  while (start > 0 && isWordChar(before[start - 1]) && (isWordChar(before[start]) || isWordChar(after[start]))) start--;
  while (endB < before.length && isWordChar(before[endB]) && (isWordChar(before[endB - 1]) || isWordChar(after[endA - 1]))) {
    endB++;
    endA++;
  }
  if (before.slice(start, endB).trim() === '' || after.slice(start, endA).trim() === '') {
    // Insertion or deletion: show the word before it.
    while (start > 0 && !isWordChar(before[start - 1])) start--;
    while (start > 0 && isWordChar(before[start - 1])) start--;
  }
  return `${quote(before.slice(start, endB))} → ${quote(after.slice(start, endA))}`;
}
