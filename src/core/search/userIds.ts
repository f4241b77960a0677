/**
 * `user:` conditions (plan.ts `USER_KEYS`): which traces, and which spans, carry a user id.
 */
import type { TraceId } from '../../model/trace';
import type { TraceStore } from '../store/traceStore';
import { USER_KEYS } from './plan';
import { ftsAtom, searchTokens } from './textTokens';

/**
 * Documents read per full-text step (one word, phrase, user id or `attr:` narrowing), newest
 * first. Reading a document costs ~1-2 µs in sql.js, so a step stays under ~100 ms even for a word
 * in every document; past it the result says `truncated` (search) and older matches are left out.
 */
export const MAX_TEXT_MATCH_ROWS = 50_000;

/**
 * Traces (among `within`, if given) with a span carrying `USER_KEYS` = `user` exactly, through the
 * full-text index (at most `MAX_TEXT_MATCH_ROWS` documents; `truncated` when cut).
 */
export function tracesWithUser(store: TraceStore, user: string, within: ReadonlySet<TraceId> | null): { traces: Set<TraceId>; truncated: boolean } {
  const out = new Set<TraceId>();
  const tokens = searchTokens(user);
  if (tokens.length === 0) return { traces: out, truncated: false };
  const { rows, truncated } = store.searchMatches(ftsAtom({ tokens, prefix: false }), within ? [...within] : null, MAX_TEXT_MATCH_ROWS);
  for (const row of rows) {
    if (out.has(row.traceId)) continue;
    if (hasUser(store.spanAttributes(row.traceId, row.spanId), user)) out.add(row.traceId);
  }
  return { traces: out, truncated };
}

/** `true` when the attributes carry `user` under one of `USER_KEYS` (as text, exactly). */
export function hasUser(attributes: Readonly<Record<string, unknown>> | null, user: string): boolean {
  if (!attributes) return false;
  for (const key of USER_KEYS) {
    const v = attributes[key];
    if ((typeof v === 'string' || typeof v === 'number') && String(v) === user) return true;
  }
  return false;
}
