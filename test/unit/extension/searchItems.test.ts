/**
 * What the Search Traces… quick pick lists for the back end's answers: the hit rows (title as in
 * the Traces view, service · age · cost · errors, how many spans match and the snippet with the
 * match marked), the message rows (index catching up, an invalid query with its position, no
 * match), and the escaping of `$(…)` in user text. Expected strings are written out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  escapeIcons,
  formatAge,
  hitItem,
  markQueryError,
  pendingIndexItem,
  queryErrorItem,
  renderSnippet,
  resultItems,
} from '../../../src/extension/search/searchItems';
import type { TraceSearchHit } from '../../../src/model/search';
import type { TraceSummary } from '../../../src/model/trace';

/** 2024-11-21T12:00:00Z: the same calendar day in every time zone from UTC−11 to UTC+11. */
const NOON_NS = '1732190400000000000';
const NOON_MS = 1_732_190_400_000;
const S = '\u0002';
const E = '\u0003';

function summary(overrides: Partial<TraceSummary> = {}): TraceSummary {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    rootName: 'invoke_agent weather-assistant',
    hasRoot: true,
    serviceName: 'weather-svc',
    startTimeUnixNano: NOON_NS,
    endTimeUnixNano: '1732190401234000000',
    durationMs: 1234,
    spanCount: 5,
    errorCount: 0,
    updatedSeq: 7,
    ...overrides,
  };
}

const pricedUsage = (costUsd: number, pricedCount: number, unpricedCount = 0): TraceSummary['usage'] => ({
  cost: { costUsd, isLowerBound: unpricedCount > 0, unpricedModels: unpricedCount ? ['acme/secret-model'] : [], reportedCount: 0, pricedCount, unpricedCount },
  tokens: { input: 1000, output: 272, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 1272 },
  modelCalls: pricedCount + unpricedCount,
});

describe('formatAge: how long ago a trace started', () => {
  it.each([
    [500, 'just now'],
    [-900, 'just now'],
    [1_000, '1 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [3_599_999, '59 min ago'],
    [3_600_000, '1 h ago'],
    [86_399_999, '23 h ago'],
    [86_400_000, '1 d ago'],
    [7 * 86_400_000 - 1, '6 d ago'],
  ])('%i ms after the start: %s', (elapsed, expected) => {
    expect(formatAge(NOON_NS, NOON_MS + elapsed)).toBe(expected);
  });

  it('a week or more: the local date; a start ahead of the clock: local date and time', () => {
    expect(formatAge(NOON_NS, NOON_MS + 7 * 86_400_000)).toBe('2024-11-21');
    expect(formatAge(NOON_NS, NOON_MS - 5_000)).toMatch(/^2024-11-21 \d\d:\d\d$/);
  });

  it('unreadable times give nothing', () => {
    expect(formatAge('not a number', NOON_MS)).toBe('');
    expect(formatAge('0', NOON_MS)).toBe('');
  });
});

describe('renderSnippet: the back end snippet as one detail line', () => {
  it('turns the match markers into « » and keeps the text', () => {
    expect(renderSnippet(`the call failed with ${S}timeout${E} after 30 s`)).toBe('the call failed with «timeout» after 30 s');
    expect(renderSnippet(`Größe ${S}überschritten${E} 🚀`)).toBe('Größe «überschritten» 🚀');
    expect(renderSnippet(`${S}rate${E} ${S}limit${E} hit`)).toBe('«rate» «limit» hit');
  });

  it('puts newlines, tabs and runs of spaces on one line', () => {
    expect(renderSnippet(`line one\n\n   ${S}Timeout${E}\tnow\r\n`)).toBe('line one «Timeout» now');
  });

  it('cuts a long lead to 40 characters of context before the first match, at a word start', () => {
    const lead = 'word '.repeat(20); // the match starts at character 100
    expect(renderSnippet(`${lead}${S}needle${E} tail`)).toBe('…word word word word word word word «needle» tail');
  });

  it('cuts a long line to the limit with …, closing a match it cuts through', () => {
    expect(renderSnippet(`${S}abc${E}${' xyz'.repeat(100)}`, 20)).toBe('«abc» xyz xyz xyz x…');
    expect(renderSnippet(`ab ${S}${'c'.repeat(50)}${E}`, 10)).toBe('ab «cccc»…');
  });

  it('drops a stray end marker, closes an open start, and keeps spaces outside the marks', () => {
    expect(renderSnippet(`x${E}y ${S}z`)).toBe('xy «z»');
    expect(renderSnippet(`a${S} b${E}c`)).toBe('a «b»c');
  });
});

describe('escapeIcons: user text is never rendered as an icon', () => {
  it('escapes $(name) and $(name~modifier), keeps escaped ones and text that is no icon syntax', () => {
    expect(escapeIcons('run $(pwd) then $(sync~spin)')).toBe('run \\$(pwd) then \\$(sync~spin)');
    expect(escapeIcons('already \\$(x)')).toBe('already \\$(x)');
    expect(escapeIcons('costs $5 (about), echo $(echo hi)')).toBe('costs $5 (about), echo $(echo hi)');
  });
});

describe('hitItem: one matching trace', () => {
  it('label: the Traces view title with an error icon; description: service · age · cost · errors; detail: matching spans and snippet', () => {
    const hit: TraceSearchHit = {
      summary: summary({ firstUserMessage: 'What is the weather in $(Paris)?', errorCount: 1, usage: pricedUsage(0.0123, 2) }),
      matchCount: 2,
      firstSpanId: 'b7ad6b7169203331',
      snippet: `the forecast said ${S}rain${E} tomorrow`,
    };
    expect(hitItem(hit, NOON_MS + 5 * 60_000)).toEqual({
      label: '$(error) What is the weather in \\$(Paris)?',
      description: 'weather-svc · 5 min ago · $0.0123 · 1 error',
      detail: '2 matching spans · the forecast said «rain» tomorrow',
      alwaysShow: true,
      action: { kind: 'open', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' },
    });
  });

  it('trace-level matches only: duration and span count, opened without a span; a lower-bound cost keeps its ≥', () => {
    const hit: TraceSearchHit = { summary: summary({ usage: pricedUsage(0.5, 1, 1), serviceName: '' }), matchCount: 0, firstSpanId: null, snippet: null };
    expect(hitItem(hit, NOON_MS + 2 * 3_600_000)).toEqual({
      label: '$(pulse) invoke_agent weather-assistant',
      description: 'unknown service · 2 h ago · ≥ $0.50',
      detail: '1.23s · 5 spans',
      alwaysShow: true,
      action: { kind: 'open', traceId: '0af7651916cd43dd8448eb211c80319c' },
    });
  });

  it('an unpriced run shows no cost; errors are counted; one matching span; a long title is cut like the tree row (80 characters)', () => {
    const title = 'x'.repeat(100);
    const item = hitItem({ summary: summary({ agentName: title, usage: pricedUsage(0, 0, 2), errorCount: 3 }), matchCount: 1, firstSpanId: 'b7ad6b7169203331', snippet: null }, NOON_MS + 10_000);
    expect(item.label).toBe(`$(error) ${'x'.repeat(79)}…`);
    expect(item.description).toBe('weather-svc · 10 s ago · 3 errors');
    expect(item.detail).toBe('1 matching span');
  });
});

describe('message items', () => {
  it('the index catching up: how many spans are pending; nothing when none are', () => {
    expect(pendingIndexItem({ pendingSpans: 1234, indexedSpans: 10, indexBytes: 0 })).toMatchObject({
      label: '$(sync~spin) Indexing… results may be incomplete (1,234 spans pending)',
      action: { kind: 'rerun' },
    });
    expect(pendingIndexItem({ pendingSpans: 1, indexedSpans: 10, indexBytes: 0 })?.label).toBe('$(sync~spin) Indexing… results may be incomplete (1 span pending)');
    expect(pendingIndexItem({ pendingSpans: 0, indexedSpans: 10, indexBytes: 0 })).toBeUndefined();
  });

  it('an invalid query: the message, and the query with the offending part marked at its offset', () => {
    expect(markQueryError('duration>2x', 10)).toBe('duration>2«x»');
    expect(markQueryError('foo:bar baz', 0)).toBe('«foo:bar» baz');
    expect(markQueryError('model:', 6)).toBe('model:«end»');
    expect(markQueryError('abc', 99)).toBe('abc«end»');
    expect(queryErrorItem('error duration>2x', 'duration>2x: unknown unit "x" (use ms, s, m, h)', 16)).toEqual({
      label: '$(error) duration>2x: unknown unit "x" (use ms, s, m, h)',
      detail: 'at character 17: error duration>2«x»',
      alwaysShow: true,
      action: { kind: 'none' },
    });
  });

  it('resultItems: indexing message first, hits in the back end order, then the Traces view offer when cut', () => {
    const hits: TraceSearchHit[] = [
      { summary: summary({ traceId: 'a'.repeat(32), rootName: 'newest' }), matchCount: 1, firstSpanId: '1'.repeat(16), snippet: null },
      { summary: summary({ traceId: 'b'.repeat(32), rootName: 'older' }), matchCount: 3, firstSpanId: '2'.repeat(16), snippet: null },
    ];
    const items = resultItems('q', { hits, truncated: true, index: { pendingSpans: 3, indexedSpans: 0, indexBytes: 0 } }, NOON_MS);
    expect(items.map((i) => i.action.kind)).toEqual(['rerun', 'open', 'open', 'filter']);
    expect(items.slice(1, 3).map((i) => i.label)).toEqual(['$(pulse) newest', '$(pulse) older']);
    expect(items.every((i) => i.alwaysShow)).toBe(true);
    expect(items[3]!.detail).toBe('Only the newest 2 matches are listed here; the Traces view shows the rest and counts them');

    const none = resultItems('zebra', { hits: [], truncated: false, index: { pendingSpans: 0, indexedSpans: 5, indexBytes: 0 } }, NOON_MS);
    expect(none.map((i) => [i.label, i.action.kind])).toEqual([['$(search-stop) No trace matches zebra', 'none']]);
  });
});
