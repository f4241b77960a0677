/**
 * The Traces view's title description and message, with and without a filter: what the user
 * reads to know what is shown ("12 of 3,410 traces · filter: error model:gpt-4o"), and when the
 * message is left out so the view's "No trace matches the filter" welcome (with Edit/Clear links)
 * shows. Expected strings are written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { tracesViewText, type TracesViewState } from '../../../src/extension/traces/viewText';

const base: TracesViewState = { stats: { traceCount: 3410, evictedTraceCount: 0 }, paused: false, filter: undefined, status: undefined };
const ok = (query: string, total: number, pendingSpans = 0) => ({ query, ok: true as const, total, listed: Math.min(total, 500), pendingSpans });

describe('tracesViewText', () => {
  it('without a filter: the stored count, a message only for paused updates and evictions', () => {
    expect(tracesViewText(base)).toEqual({ description: '3,410 traces', message: undefined });
    expect(tracesViewText({ ...base, stats: { traceCount: 1, evictedTraceCount: 0 }, paused: true })).toEqual({ description: '1 trace', message: 'Live updates paused.' });
    expect(tracesViewText({ ...base, stats: { traceCount: 0, evictedTraceCount: 1200 } })).toEqual({
      description: undefined,
      message: '1,200 oldest traces evicted to stay under the store limits (traceLens.store.*).',
    });
  });

  it('with a filter: "M of N traces" and the message that names the filter', () => {
    const filter = 'error model:gpt-4o';
    expect(tracesViewText({ ...base, filter, status: ok(filter, 12) })).toEqual({
      description: '12 of 3,410 traces',
      message: '12 of 3,410 traces · filter: error model:gpt-4o',
    });
    expect(tracesViewText({ ...base, stats: { traceCount: 1, evictedTraceCount: 0 }, filter: 'error', status: ok('error', 1) })).toEqual({
      description: '1 of 1 trace',
      message: '1 of 1 trace · filter: error',
    });
  });

  it('nothing matches and nothing else to say: no message, so the welcome content shows', () => {
    expect(tracesViewText({ ...base, filter: 'zebra', status: ok('zebra', 0) })).toEqual({ description: '0 of 3,410 traces', message: undefined });
  });

  it('other notes come first, the filter line (ending with the query) last', () => {
    expect(tracesViewText({ ...base, paused: true, filter: 'zebra', status: ok('zebra', 0) }).message).toBe('Live updates paused. 0 of 3,410 traces · filter: zebra');
    expect(tracesViewText({ ...base, filter: '"time out"', status: ok('"time out"', 4, 2500) }).message).toBe(
      'Indexing: results may be incomplete (2,500 spans pending). 4 of 3,410 traces · filter: "time out"',
    );
  });

  it('a filter not loaded yet (or the last load was for another query): says it is filtered', () => {
    expect(tracesViewText({ ...base, filter: 'error' })).toEqual({ description: 'filtered', message: 'Filter: error' });
    expect(tracesViewText({ ...base, filter: 'error', status: ok('tool:x', 3) })).toEqual({ description: 'filtered', message: 'Filter: error' });
  });

  it('an invalid filter says so and how to get out of it', () => {
    expect(tracesViewText({ ...base, filter: 'duration>2x', status: { query: 'duration>2x', ok: false, error: 'duration>2x: unknown unit "x" (use ms, s, m, h)' } })).toEqual({
      description: 'filter not valid',
      message: 'The filter "duration>2x" is not valid: duration>2x: unknown unit "x" (use ms, s, m, h). Edit or clear it (view title).',
    });
  });

  it('a match count ahead of the store count (one refresh apart) never reads "13 of 12"', () => {
    expect(tracesViewText({ ...base, stats: { traceCount: 12, evictedTraceCount: 0 }, filter: 'x', status: ok('x', 13) }).description).toBe('13 of 13 traces');
  });
});
