/**
 * Bounded word diffs shared by the back end (Compare, src/core/compare/textDiff.ts) and the replay
 * playground (webview/replay/answerDiff.ts): jsdiff `diffWordsWithSpace` (Myers' O(ND)), given up
 * past an edit length, a size or a time limit. Pure; no node imports.
 */
import { diffWordsWithSpace } from 'diff';
import type { DiffSegment } from './compare';

/** Edit distance (in words) past which a diff is not computed: the texts are shown removed and added whole. */
export const MAX_EDIT_LENGTH = 2_000;
/** Texts longer than this (characters, either side) are compared whole, not diffed. */
export const MAX_DIFF_CHARS = 100_000;
/** Time one diff may take (ms) before it gives up the same way (a request or a render stays short). */
export const DIFF_TIMEOUT_MS = 50;

/**
 * The word diff of `a` and `b` as merged segments; `coarse` (the whole of `a` removed, the whole of
 * `b` added) when either text is over `MAX_DIFF_CHARS` or jsdiff gave up (edit length or time).
 */
export function wordSegments(a: string, b: string): { segments: DiffSegment[]; coarse: boolean } {
  const changes = a.length > MAX_DIFF_CHARS || b.length > MAX_DIFF_CHARS ? undefined : diffWordsWithSpace(a, b, { maxEditLength: MAX_EDIT_LENGTH, timeout: DIFF_TIMEOUT_MS });
  if (!changes) return { segments: [...(a ? [{ op: 'removed' as const, text: a }] : []), ...(b ? [{ op: 'added' as const, text: b }] : [])], coarse: true };
  const segments: DiffSegment[] = [];
  for (const c of changes) {
    const op = c.added ? 'added' : c.removed ? 'removed' : 'same';
    const last = segments[segments.length - 1];
    if (last && last.op === op) last.text += c.value;
    else if (c.value !== '') segments.push({ op, text: c.value });
  }
  return { segments, coarse: false };
}

/** `value` with object keys sorted, recursively (arrays keep their order; 64 levels at most). */
export function sortedKeys(value: unknown, depth = 0): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => sortedKeys(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortedKeys((value as Record<string, unknown>)[k], depth + 1);
  return out;
}
