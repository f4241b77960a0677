/**
 * The Traces tree under a filter: it pages the back end's `filterTraces` instead of `listTraces`,
 * lists only matching traces (and a row counting the ones beyond the page), groups matching
 * traces under their sessions when grouped by session (each session expanding into its matching
 * traces only), reports what it found for the view's message, and reloads while the full-text
 * index catches up. The back end is a stand-in that records each request and answers from a table.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionSummary, TraceSummary } from '../../../src/model/trace';
import type { TraceFilterResult } from '../../../src/model/search';

vi.mock('vscode', async () => {
  const fake = (await import('../../support/fakeVscode')).vscodeModule;
  return { ...fake, commands: { executeCommand: async () => undefined } };
});

const { EventEmitter } = await import('../../support/fakeVscode');
const { TracesTreeProvider } = await import('../../../src/extension/traces/tracesTree');
const { memento, summary } = await import('./treeFixtures');
const { TraceFilter } = await import('../../../src/extension/traces/traceFilter');

function session(sessionId: string, traceCount: number): SessionSummary {
  return { sessionId, traceCount, startTimeUnixNano: '1732190400000000000', endTimeUnixNano: '1732190500000000000', firstTraceLabel: `conversation ${sessionId}`, errorCount: 0 };
}

const INDEX = { pendingSpans: 0, indexedSpans: 100, indexBytes: 4096 };

/** A repository whose back end answers `filterTraces` per session id (`''`: no session given) and `listSessions`. */
function fakeRepository(pages: Record<string, TraceFilterResult>, sessions: SessionSummary[] = []) {
  const requests: { method: string; params: unknown }[] = [];
  const changes = new EventEmitter<{ all: boolean; changedTraceIds: Set<string>; removedTraceIds: Set<string> }>();
  return {
    requests,
    changes,
    stats: { traceCount: 40, evictedTraceCount: 0 },
    onDidChange: changes.event,
    query: async (method: string, params: { sessionId?: string }) => {
      requests.push({ method, params });
      if (method === 'filterTraces') return pages[params.sessionId ?? ''] ?? { ok: true, index: INDEX, traces: [], total: 0 };
      if (method === 'listSessions') return sessions;
      throw new Error(`unexpected ${method}`);
    },
  };
}

type Repo = ReturnType<typeof fakeRepository>;
function tree(repo: Repo, state: Record<string, unknown>) {
  const ws = memento(state);
  const filter = new TraceFilter(ws as never);
  return { provider: new TracesTreeProvider(repo as never, ws as never, filter), filter };
}

const labelOf = (n: { kind: string; summary?: TraceSummary; session?: SessionSummary; matching?: number; hiddenCount?: number }) =>
  n.kind === 'trace' ? n.summary!.rootName : n.kind === 'session' ? `session ${n.session!.sessionId} (${n.matching} matching)` : `more ${n.hiddenCount}`;

describe('the Traces tree with a filter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lists the matching traces from filterTraces (never listTraces) and reports "M of N" for the message', async () => {
    const repo = fakeRepository({ '': { ok: true, index: INDEX, traces: [summary(9), summary(4)], total: 2 } });
    const { provider } = tree(repo, { 'traceLens.traces.filter': 'error' });
    const roots = await provider.getChildren();
    expect(roots.map(labelOf)).toEqual(['run 9', 'run 4']);
    expect(repo.requests).toEqual([{ method: 'filterTraces', params: { query: 'error', limit: 500, offset: 0 } }]);
    expect(provider.filterStatus).toEqual({ query: 'error', ok: true, total: 2, listed: 2, pendingSpans: 0 });
  });

  it('more matches than the page: a row counts the rest', async () => {
    const page = Array.from({ length: 500 }, (_, i) => summary(1000 - i));
    const repo = fakeRepository({ '': { ok: true, index: INDEX, traces: page, total: 730 } });
    const { provider } = tree(repo, { 'traceLens.traces.filter': 'tool:x' });
    const roots = await provider.getChildren();
    expect(roots).toHaveLength(501);
    expect(roots.at(-1)).toEqual({ kind: 'more', hiddenCount: 230, filtered: true });
  });

  it('grouped by session: sessions with matching traces (in the order of their newest match), then traces of no listed session; a session expands into its matches, oldest first', async () => {
    const repo = fakeRepository(
      {
        '': { ok: true, index: INDEX, traces: [summary(8, { sessionId: 'b' }), summary(7), summary(6, { sessionId: 'a' }), summary(5, { sessionId: 'b' }), summary(3, { sessionId: 'unlisted' })], total: 5 },
        b: { ok: true, index: INDEX, traces: [summary(8, { sessionId: 'b' }), summary(5, { sessionId: 'b' })], total: 2 },
      },
      [session('a', 3), session('b', 6), session('c', 2)],
    );
    const { provider } = tree(repo, { 'traceLens.traces.filter': 'error', 'traceLens.traces.groupBySession': true });
    const roots = await provider.getChildren();
    expect(roots.map(labelOf)).toEqual(['session b (2 matching)', 'session a (1 matching)', 'run 7', 'run 3']);
    const b = roots[0]!;
    const children = await provider.getChildren(b);
    expect(children.map(labelOf)).toEqual(['run 5', 'run 8']);
    expect(repo.requests.at(-1)).toEqual({ method: 'filterTraces', params: { query: 'error', limit: 500, offset: 0, sessionId: 'b' } });
  });

  it('an invalid filter lists nothing and reports the back end message', async () => {
    const repo = fakeRepository({ '': { ok: false, error: 'duration>2x: unknown unit "x" (use ms, s, m, h)', offset: 10 } });
    const { provider } = tree(repo, { 'traceLens.traces.filter': 'duration>2x' });
    expect(await provider.getChildren()).toEqual([]);
    expect(provider.filterStatus).toEqual({ query: 'duration>2x', ok: false, error: 'duration>2x: unknown unit "x" (use ms, s, m, h)' });
  });

  it('changing the filter reloads the tree and forgets the old status; while the index lags the tree looks again every 1 s and reloads when a late match appears', async () => {
    const pages: Record<string, TraceFilterResult> = { '': { ok: true, index: { ...INDEX, pendingSpans: 12 }, traces: [summary(2)], total: 1 } };
    const repo = fakeRepository(pages);
    const { provider, filter } = tree(repo, { 'traceLens.traces.filter': 'timeout' });
    let reloads = 0;
    provider.onDidChangeTreeData(() => reloads++);
    await provider.getChildren();
    expect(provider.filterStatus).toMatchObject({ total: 1, pendingSpans: 12 });
    await vi.advanceTimersByTimeAsync(999);
    expect(repo.requests).toHaveLength(1);
    // Still indexing, nothing new: the tree looks again but does not reload.
    await vi.advanceTimersByTimeAsync(1);
    expect(repo.requests).toHaveLength(2);
    expect(reloads).toBe(0);
    // The index caught up and found one more match: the tree reloads with it.
    pages[''] = { ok: true, index: INDEX, traces: [summary(3), summary(2)], total: 2 };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reloads).toBe(1);
    expect((await provider.getChildren()).map(labelOf)).toEqual(['run 3', 'run 2']);
    expect(repo.requests).toHaveLength(3);
    expect(provider.filterStatus).toMatchObject({ total: 2, pendingSpans: 0 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(repo.requests).toHaveLength(3);
    await filter.set('timeout -retry');
    expect(reloads).toBe(2);
    expect(provider.filterStatus).toBeUndefined();
  });
});
