/**
 * A replay's answer against the recorded one: the text as a word diff (jsdiff `diffWordsWithSpace`,
 * bounded like src/core/compare/textDiff.ts: past the edit length, the time or the size limit the
 * texts are shown removed and added whole) and the tool calls by position (name, and the arguments
 * as canonical JSON: sorted keys, JSON sent as a string parsed, so key order and spacing do not
 * count). Pure.
 */
import { diffWordsWithSpace } from 'diff';
import type { DiffSegment } from '../../src/model/compare';
import type { GenAiMessage } from '../../src/model/genai';
import type { ReplayToolCall } from '../../src/model/replay';

/** Edit distance (in words) past which no word diff is computed (as textDiff.ts). */
export const MAX_EDIT_LENGTH = 2_000;
/** Texts longer than this (characters, either side) are compared whole (as textDiff.ts). */
export const MAX_DIFF_CHARS = 100_000;
/** Time one diff may take (ms); the view diffs on every finished run, so keep it short. */
export const DIFF_TIMEOUT_MS = 50;

/** A word diff: `coarse` when it was too large or too different to diff word by word. */
export interface WordDiff {
  segments: DiffSegment[];
  coarse: boolean;
  changed: boolean;
}

/** The recorded answer's text (text parts of the output messages, one per line) and tool calls. */
export function recordedAnswer(output: readonly GenAiMessage[]): { text: string; toolCalls: ReplayToolCall[] } {
  const texts: string[] = [];
  const toolCalls: ReplayToolCall[] = [];
  for (const m of output) {
    for (const p of m.parts) {
      if (p.type === 'text') texts.push(p.content);
      else if (p.type === 'tool_call') toolCalls.push({ ...(p.id ? { id: p.id } : {}), name: p.name, arguments: typeof p.arguments === 'string' ? p.arguments : (JSON.stringify(p.arguments) ?? '') });
    }
  }
  return { text: texts.join('\n'), toolCalls };
}

/** Word diff of the recorded text `a` and the replay's `b`. */
export function diffWords(a: string, b: string): WordDiff {
  if (a === b) return { segments: a ? [{ op: 'same', text: a }] : [], coarse: false, changed: false };
  const changes = a.length > MAX_DIFF_CHARS || b.length > MAX_DIFF_CHARS ? undefined : diffWordsWithSpace(a, b, { maxEditLength: MAX_EDIT_LENGTH, timeout: DIFF_TIMEOUT_MS });
  if (!changes) {
    return { segments: [...(a ? [{ op: 'removed' as const, text: a }] : []), ...(b ? [{ op: 'added' as const, text: b }] : [])], coarse: true, changed: true };
  }
  const segments: DiffSegment[] = [];
  for (const c of changes) {
    const op = c.added ? 'added' : c.removed ? 'removed' : 'same';
    const last = segments[segments.length - 1];
    if (last && last.op === op) last.text += c.value;
    else if (c.value !== '') segments.push({ op, text: c.value });
  }
  return { segments, coarse: false, changed: true };
}

function sortedKeys(value: unknown, depth = 0): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => sortedKeys(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortedKeys((value as Record<string, unknown>)[k], depth + 1);
  return out;
}

/** Tool-call arguments (JSON text) as canonical JSON (sorted keys, 2-space indent); text that is not JSON as it is. */
export function canonicalArguments(text: string): string {
  const t = text.trim();
  if (t === '') return '';
  try {
    return JSON.stringify(sortedKeys(JSON.parse(t)), null, 2);
  } catch {
    return t;
  }
}

/** One position of the tool-call comparison. */
export interface ToolCallRow {
  index: number;
  status: 'same' | 'changed' | 'added' | 'removed';
  recorded?: ReplayToolCall;
  replay?: ReplayToolCall;
  /** Set when both have a call here and the names differ. */
  nameChanged: boolean;
  /** Canonical arguments, diffed (only the side present when one is missing). */
  arguments: WordDiff;
}

/** The tool calls of the recorded answer and of the replay, position by position. */
export function diffToolCalls(recorded: readonly ReplayToolCall[], replay: readonly ReplayToolCall[]): ToolCallRow[] {
  const rows: ToolCallRow[] = [];
  for (let i = 0; i < Math.max(recorded.length, replay.length); i++) {
    const a = recorded[i];
    const b = replay[i];
    const args = diffWords(a ? canonicalArguments(a.arguments) : '', b ? canonicalArguments(b.arguments) : '');
    const nameChanged = !!a && !!b && a.name !== b.name;
    const status = !a ? 'added' : !b ? 'removed' : nameChanged || args.changed ? 'changed' : 'same';
    rows.push({ index: i, status, ...(a ? { recorded: a } : {}), ...(b ? { replay: b } : {}), nameChanged, arguments: args });
  }
  return rows;
}
