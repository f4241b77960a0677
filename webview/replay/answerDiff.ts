/**
 * A replay's answer against the recorded one: the text as a word diff (jsdiff `diffWordsWithSpace`,
 * bounded by src/model/wordDiff.ts as Compare is: past the edit length, the time or the size limit the
 * texts are shown removed and added whole) and the tool calls by position (name, and the arguments
 * as canonical JSON: sorted keys, JSON sent as a string parsed, so key order and spacing do not
 * count). Pure.
 */
import type { DiffSegment } from '../../src/model/compare';
import type { GenAiMessage } from '../../src/model/genai';
import type { ReplayToolCall } from '../../src/model/replay';
import { sortedKeys, wordSegments } from '../../src/model/wordDiff';

export { MAX_DIFF_CHARS } from '../../src/model/wordDiff';

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
  const { segments, coarse } = wordSegments(a, b);
  return { segments, coarse, changed: true };
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
