/**
 * The Traces view's filter as state: kept per workspace (restored from `workspaceState` on the
 * next start), mirrored in the `traceLens.filterActive` context key, and followed by the Usage
 * view ("all" becomes the filtered traces; a selected trace or session stays itself).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const contextCalls: unknown[][] = [];
vi.mock('vscode', async () => {
  const fake = (await import('../../support/fakeVscode')).vscodeModule;
  return {
    ...fake,
    commands: {
      executeCommand: async (...args: unknown[]) => {
        contextCalls.push(args);
      },
    },
  };
});

const { TraceFilter, FILTER_STATE_KEY, MAX_FILTER_CHARS } = await import('../../../src/extension/traces/traceFilter');
const { resolveUsageScope } = await import('../../../src/extension/usage/usageView');

/** A `vscode.Memento` over a Map. */
function memento(initial: Record<string, unknown> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    values,
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: async (key: string, value: unknown) => {
      if (value === undefined) values.delete(key);
      else values.set(key, value);
    },
  };
}

describe('TraceFilter', () => {
  beforeEach(() => {
    contextCalls.length = 0;
  });

  it('starts with the query saved for the workspace and sets the context key to match', () => {
    const filter = new TraceFilter(memento({ [FILTER_STATE_KEY]: 'error model:gpt-4o' }));
    expect(filter.query).toBe('error model:gpt-4o');
    expect(contextCalls).toEqual([['setContext', 'traceLens.filterActive', true]]);
    contextCalls.length = 0;
    const none = new TraceFilter(memento());
    expect(none.query).toBeUndefined();
    expect(contextCalls).toEqual([['setContext', 'traceLens.filterActive', false]]);
  });

  it('ignores a saved value that is not a usable query', () => {
    expect(new TraceFilter(memento({ [FILTER_STATE_KEY]: 42 })).query).toBeUndefined();
    expect(new TraceFilter(memento({ [FILTER_STATE_KEY]: '   ' })).query).toBeUndefined();
    expect(new TraceFilter(memento({ [FILTER_STATE_KEY]: 'x'.repeat(MAX_FILTER_CHARS + 1) })).query).toBeUndefined();
  });

  it('set: trims, saves for the next start, fires once per change; blank clears and forgets it', async () => {
    const state = memento();
    const filter = new TraceFilter(state);
    const seen: (string | undefined)[] = [];
    filter.onDidChange((q) => seen.push(q));
    await filter.set('  error  ');
    expect(filter.query).toBe('error');
    expect(state.values.get(FILTER_STATE_KEY)).toBe('error');
    expect(new TraceFilter(state).query).toBe('error');
    await filter.set('error');
    expect(seen).toEqual(['error']);
    await filter.set(' ');
    expect(filter.query).toBeUndefined();
    expect(state.values.has(FILTER_STATE_KEY)).toBe(false);
    expect(seen).toEqual(['error', undefined]);
    expect(contextCalls.filter((c) => c[1] === 'traceLens.filterActive').map((c) => c[2])).toEqual([false, true, true, true, false]);
  });
});

describe('resolveUsageScope with the Traces view filter', () => {
  const trace = { id: '0af7651916cd43dd8448eb211c80319c', label: 'What is the weather?' };
  const session = { id: 'conv-7', label: 'Session conv-7' };

  it('"all" covers the filtered traces while a filter is set, every trace otherwise', () => {
    expect(resolveUsageScope('all', {}, 'error')).toEqual({ kind: 'all', scope: { kind: 'filtered', query: 'error' } });
    expect(resolveUsageScope('all', {}, undefined)).toEqual({ kind: 'all', scope: { kind: 'all' } });
  });

  it('a selected trace or session is shown as is; without a selection it falls back to the filtered traces', () => {
    expect(resolveUsageScope('trace', { trace, session }, 'error')).toEqual({ kind: 'trace', scope: { kind: 'trace', traceId: trace.id } });
    expect(resolveUsageScope('session', { trace, session }, 'error')).toEqual({ kind: 'session', scope: { kind: 'session', sessionId: 'conv-7' } });
    expect(resolveUsageScope('session', {}, 'error')).toEqual({ kind: 'all', scope: { kind: 'filtered', query: 'error' } });
  });
});
