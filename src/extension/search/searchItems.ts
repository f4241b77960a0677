/**
 * What the **Search Traces…** quick pick lists, as plain data (no `vscode` import, so it is unit
 * tested as is): one item per `TraceSearchHit` (title, service · age · cost, the matching snippet
 * and how many spans match), and the items that are messages (indexing in progress, an invalid
 * query, no match, syntax examples). `searchQuickPick.ts` hands these to a `vscode.QuickPick`.
 *
 * Every text goes through `escapeIcons`: quick pick labels, descriptions and details render
 * `$(name)` as an icon, and prompts, tool results and span names are user data.
 */
import { SNIPPET_MATCH_END, SNIPPET_MATCH_START, type IndexStatus, type TraceSearchHit } from '../../model/search';
import type { SpanId, TraceId, TraceSummary } from '../../model/trace';
import { formatCostUsd } from '../../model/cost';
import { formatDuration, formatInteger, formatLocalTime } from '../../model/format';
import { traceLabel } from '../traces/traceLabel';

/** Most characters of a snippet shown in an item's detail line (the quick pick cuts longer lines anyway). */
export const SNIPPET_MAX_CHARS = 160;
/** Characters of context kept before the first match when a snippet is cut at its start. */
export const SNIPPET_LEAD_CHARS = 40;
/** Shown around a matched word in a snippet: the quick pick cannot highlight ranges of a detail line. */
export const MATCH_OPEN = '«';
export const MATCH_CLOSE = '»';

/** What choosing an item does. */
export type SearchPickAction =
  /** Opens the trace, with `spanId` selected when given. */
  | { kind: 'open'; traceId: TraceId; spanId?: SpanId }
  /** Puts `query` into the search box (a syntax example). */
  | { kind: 'insert'; query: string }
  /** Shows the query as the Traces view's filter. */
  | { kind: 'filter' }
  /** Searches again (the index was catching up). */
  | { kind: 'rerun' }
  /** A message: nothing happens. */
  | { kind: 'none' };

/** One quick pick row: the fields of a `vscode.QuickPickItem` plus what choosing it does. */
export interface SearchPickItem {
  label: string;
  description?: string;
  detail?: string;
  /** Always `true`: the quick pick must not hide or re-filter results the back end chose. */
  alwaysShow: true;
  action: SearchPickAction;
}

/**
 * `text` with every `$(name)` escaped as `\$(name)`, so the quick pick shows it literally instead
 * of as an icon (the same rule as VS Code's own `escapeIcons`: an already escaped one is kept).
 */
export function escapeIcons(text: string): string {
  return text.replace(/(\\)?\$\([a-z0-9-]+?(?:~[a-z0-9-]*?)?\)/gi, (match: string, escaped: string | undefined) => (escaped ? match : `\\${match}`));
}

/**
 * How long ago `unixNano` was, relative to `nowMs` (Unix ms): `just now` (under 1 s or up to 1 s
 * ahead), `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago` (under 7 days), else the local date
 * `2024-11-21`; a time more than 1 s in the future (the sender's clock) shows as local
 * `2024-11-21 14:19`. Units are floored. `''` for an unreadable time.
 */
export function formatAge(unixNano: string, nowMs: number): string {
  let ms: number;
  try {
    ms = Number(BigInt(unixNano) / 1_000_000n);
  } catch {
    return '';
  }
  if (!(ms > 0)) return '';
  const ago = nowMs - ms;
  if (ago < -1000) return formatLocalTime(unixNano).slice(0, 16);
  if (ago < 1000) return 'just now';
  const s = Math.floor(ago / 1000);
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  if (d < 7) return `${d} d ago`;
  return formatLocalTime(unixNano).slice(0, 10);
}

/**
 * A back end snippet as one line of at most `maxChars` characters, the matched words between
 * `«` and `»` (the `SNIPPET_MATCH_START`/`END` markers): whitespace runs become one space, other
 * control characters a space; when the first match starts after `SNIPPET_LEAD_CHARS`, the start is
 * cut to `…` + that much context; a cut end gets `…` (closing an open `»` first). Stray markers
 * (an end without a start) are dropped; a start without an end is closed at the end.
 */
export function renderSnippet(snippet: string, maxChars = SNIPPET_MAX_CHARS): string {
  // One pass: map markers, drop stray ends, normalize whitespace and control characters.
  let text = '';
  let open = false;
  for (const ch of snippet.replace(/[\s\u0000\u0001\u0004-\u001f\u007f]+/g, ' ').trim()) {
    if (ch === SNIPPET_MATCH_START) {
      if (!open) text += MATCH_OPEN;
      open = true;
    } else if (ch === SNIPPET_MATCH_END) {
      if (open) text += MATCH_CLOSE;
      open = false;
    } else {
      text += ch;
    }
  }
  if (open) text += MATCH_CLOSE;
  text = text.replace(/« /g, ' «').replace(/ »/g, '» ').replace(/«»/g, '');
  const first = text.indexOf(MATCH_OPEN);
  if (first > SNIPPET_LEAD_CHARS) {
    const from = first - SNIPPET_LEAD_CHARS;
    // Start at a word boundary when one is near, so the line does not begin mid-word.
    const space = text.indexOf(' ', from);
    const start = space >= 0 && space < first && space - from < 15 ? space + 1 : from;
    text = `…${text.slice(start)}`;
  }
  const chars = [...text];
  if (chars.length <= maxChars) return text;
  let cut = chars.slice(0, maxChars - 1).join('').trimEnd();
  // Cut inside a match: make room for its closing mark, so the line stays within `maxChars`.
  if (cut.lastIndexOf(MATCH_OPEN) > cut.lastIndexOf(MATCH_CLOSE)) cut = `${[...cut].slice(0, -1).join('').trimEnd()}${MATCH_CLOSE}`;
  return `${cut}…`;
}

/** `1 matching span`, `3 matching spans`. */
export function matchCountText(count: number): string {
  return `${formatInteger(count)} matching ${count === 1 ? 'span' : 'spans'}`;
}

/** `checkout · 5 min ago · $0.0123 · 1 error`: service, age, cost (when priced), errors. */
export function hitDescription(summary: TraceSummary, nowMs: number): string {
  const cost = summary.usage ? formatCostUsd(summary.usage.cost) : '';
  const parts = [summary.serviceName || 'unknown service', formatAge(summary.startTimeUnixNano, nowMs), cost === '—' ? '' : cost];
  if (summary.errorCount > 0) parts.push(`${formatInteger(summary.errorCount)} ${summary.errorCount === 1 ? 'error' : 'errors'}`);
  return parts.filter(Boolean).join(' · ');
}

/**
 * The item of one hit: label = the trace's title as in the Traces view (with an error icon for a
 * failing trace), description = `hitDescription`, detail = how many spans match and the snippet
 * (or, when only trace-level conditions matched, its duration and span count). Choosing it opens
 * the trace at `firstSpanId`.
 */
export function hitItem(hit: TraceSearchHit, nowMs: number): SearchPickItem {
  const { summary } = hit;
  const icon = summary.errorCount > 0 ? '$(error) ' : '$(pulse) ';
  const detailParts: string[] = [];
  if (hit.matchCount > 0) detailParts.push(matchCountText(hit.matchCount));
  else detailParts.push(formatDuration(summary.durationMs), `${formatInteger(summary.spanCount)} ${summary.spanCount === 1 ? 'span' : 'spans'}`);
  if (hit.snippet) detailParts.push(renderSnippet(hit.snippet));
  return {
    label: icon + escapeIcons(traceLabel(summary)),
    description: escapeIcons(hitDescription(summary, nowMs)),
    detail: escapeIcons(detailParts.join(' · ')),
    alwaysShow: true,
    action: { kind: 'open', traceId: summary.traceId, ...(hit.firstSpanId ? { spanId: hit.firstSpanId } : {}) },
  };
}

/** The message item while the full-text index lags behind the store; `undefined` when it does not. */
export function pendingIndexItem(index: IndexStatus): SearchPickItem | undefined {
  if (!(index.pendingSpans > 0)) return undefined;
  const n = formatInteger(index.pendingSpans);
  return {
    label: `$(sync~spin) Indexing… results may be incomplete (${n} ${index.pendingSpans === 1 ? 'span' : 'spans'} pending)`,
    detail: 'The newest spans are not searchable yet; the list refreshes as the full-text index catches up.',
    alwaysShow: true,
    action: { kind: 'rerun' },
  };
}

/**
 * The query with the part at `offset` (0-based character offset) between `«` and `»`: the
 * non-blank run starting there, or `«end»` when the offset is at or past the end.
 */
export function markQueryError(query: string, offset: number): string {
  const at = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, query.length));
  const token = /^\S*/.exec(query.slice(at))?.[0] ?? '';
  if (at >= query.length || token === '') return `${query.slice(0, at)}${MATCH_OPEN}end${MATCH_CLOSE}`;
  return `${query.slice(0, at)}${MATCH_OPEN}${token}${MATCH_CLOSE}${query.slice(at + token.length)}`;
}

/** The item of a query the back end refused: its message, and the query with the problem marked. */
export function queryErrorItem(query: string, error: string, offset: number): SearchPickItem {
  return {
    label: `$(error) ${escapeIcons(error)}`,
    detail: escapeIcons(`at character ${Math.max(0, offset) + 1}: ${markQueryError(query, offset)}`),
    alwaysShow: true,
    action: { kind: 'none' },
  };
}

/** The item when the search failed (the back end or the owner window did not answer). */
export function searchFailedItem(message: string): SearchPickItem {
  return { label: `$(error) Search failed: ${escapeIcons(message)}`, alwaysShow: true, action: { kind: 'rerun' } };
}

/** The item when nothing matches `query`. */
export function noMatchItem(query: string): SearchPickItem {
  return {
    label: `$(search-stop) No trace matches ${escapeIcons(query)}`,
    detail: 'Words match whole words, the last one also as a prefix; every word and condition must match. Try fewer words.',
    alwaysShow: true,
    action: { kind: 'none' },
  };
}

/** The closing item when more traces match than are listed: shows them all in the Traces view. */
export function moreInViewItem(listed: number): SearchPickItem {
  return {
    label: '$(filter) Filter the Traces view with this query',
    detail: `Only the newest ${formatInteger(listed)} matches are listed here; the Traces view shows the rest and counts them`,
    alwaysShow: true,
    action: { kind: 'filter' },
  };
}

/** Syntax examples listed while the search box is empty: `[query, what it finds]`. */
export const QUERY_EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['timeout', 'a word anywhere: span names, attributes, prompts, completions, tool calls and results, exceptions'],
  ['"rate limit"', 'a phrase; -word excludes a word; "error" searches the word, not errors'],
  ['error', 'traces with an error status or an exception (also is:error)'],
  ['model:gpt-4o', 'model calls to a model (request or response model, by prefix)'],
  ['tool:get_weather', 'traces that called a tool; agent:NAME, kind:llm|tool|agent'],
  ['service:checkout', 'by service; session:ID, user:ID, trace:HEX'],
  ['cost>0.01', 'cost in USD; duration>2s (ms, s, m, h), tokens>10k; also <, >=, <='],
  ['last:15m', 'started in the last 15 minutes (s, m, h, d, w)'],
  ['attr:http.route=/chat', 'an attribute with that value; attr:KEY for any value'],
];

/** The items of an empty search box: the syntax examples; choosing one puts it into the box. */
export function exampleItems(): SearchPickItem[] {
  return QUERY_EXAMPLES.map(([query, what]) => ({
    label: `$(lightbulb) ${escapeIcons(query)}`,
    description: escapeIcons(what),
    alwaysShow: true,
    action: { kind: 'insert', query },
  }));
}

/**
 * The items for one answer of `searchTraces`: the indexing message first (when the index lags),
 * one item per hit, then `moreInViewItem` when the list was cut; `noMatchItem` without hits.
 */
export function resultItems(query: string, result: { hits: TraceSearchHit[]; truncated: boolean; index: IndexStatus }, nowMs: number): SearchPickItem[] {
  const items: SearchPickItem[] = [];
  const pending = pendingIndexItem(result.index);
  if (pending) items.push(pending);
  if (result.hits.length === 0) items.push(noMatchItem(query));
  for (const hit of result.hits) items.push(hitItem(hit, nowMs));
  if (result.truncated) items.push(moreInViewItem(result.hits.length));
  return items;
}
