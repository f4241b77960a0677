/**
 * Live updates of the Traces tree keep the rows' element handles when they can. VS Code resolves a
 * context-menu command's row from its element handle, and a reload of the whole tree drops every
 * handle until VS Code has fetched the top level again, so a command run in that window gets no
 * row (and asks for a trace instead). The e2e replay test lost its row this way in CI.
 *
 * What VS Code does with each change event (extHostTreeViews.ts): `undefined` drops every handle
 * and fetches the top level again; an array of elements refreshes those elements in place, found by
 * object identity, keeping every handle. The back end is a stand-in that answers from a table and
 * counts requests.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionSummary, TraceSummary } from '../../../src/model/trace';

vi.mock('vscode', async () => {
  const fake = (await import('../../support/fakeVscode')).vscodeModule;
  return { ...fake, commands: { executeCommand: async () => undefined } };
});

const { EventEmitter } = await import('../../support/fakeVscode');
const { TracesTreeProvider } = await import('../../../src/extension/traces/tracesTree');
const { memento, summary, traceIdOf: id } = await import('./treeFixtures');
type Node = Awaited<ReturnType<InstanceType<typeof TracesTreeProvider>['getChildren']>>[number];
type Change = { all: boolean; changedTraceIds: Set<string>; removedTraceIds: Set<string> };


/** A back end answering `listTraces` (per session) and `listSessions` from mutable tables. */
function fakeRepository() {
  const table = { traces: [] as TraceSummary[], sessions: [] as SessionSummary[] };
  const requests: string[] = [];
  const changes = new EventEmitter<Change>();
  return {
    table,
    requests,
    changes,
    stats: { traceCount: 0, evictedTraceCount: 0 },
    onDidChange: changes.event,
    query: async (method: string, params: { sessionId?: string }) => {
      requests.push(method);
      if (method === 'listTraces') return table.traces.filter((t) => params.sessionId === undefined || t.sessionId === params.sessionId);
      if (method === 'listSessions') return table.sessions;
      throw new Error(`unexpected ${method}`);
    },
  };
}

/** A provider, the change events it fired (`'all'` for a whole-tree reload), and a stand-in view. */
function setup(state: Record<string, unknown> = {}) {
  const repo = fakeRepository();
  const provider = new TracesTreeProvider(repo as never, memento(state) as never);
  const view = { visible: true };
  provider.attach(view as never);
  const events: (Node[] | 'all')[] = [];
  provider.onDidChangeTreeData((e) => events.push(e === undefined ? 'all' : Array.isArray(e) ? e : [e]));
  const changed = (...traces: number[]) => repo.changes.fire({ all: false, changedTraceIds: new Set(traces.map(id)), removedTraceIds: new Set() });
  return { repo, provider, view, events, changed };
}

describe('live updates of the Traces tree', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a listed trace changes (an error arrives): only that row is refreshed, as the same element object, so its handle survives', async () => {
    const { repo, provider, events, changed } = setup();
    repo.table.traces = [summary(3), summary(2)];
    const shown = await provider.getChildren();
    repo.table.traces = [summary(3), summary(2, { errorCount: 1 })];
    changed(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toHaveLength(1);
    const refreshed = events[0] as Node[];
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toBe(shown[1]);
    // The element now carries the new summary (VS Code asks getTreeItem for it again).
    expect(refreshed[0]?.kind === 'trace' && refreshed[0].summary.errorCount).toBe(1);
  });

  it('a trace whose row reads the same but whose spans changed is still refreshed (its children reload)', async () => {
    const { repo, provider, events, changed } = setup();
    repo.table.traces = [summary(3), summary(2)];
    const shown = await provider.getChildren();
    changed(3);
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual([[shown[0]]]);
  });

  it('a new trace arrives: the whole tree reloads, and VS Code gets the top level already loaded (no second query)', async () => {
    const { repo, provider, events, changed } = setup();
    repo.table.traces = [summary(2)];
    await provider.getChildren();
    repo.table.traces = [summary(5), summary(2)];
    changed(5);
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual(['all']);
    const before = repo.requests.length;
    const top = await provider.getChildren();
    expect(top.map((n) => (n.kind === 'trace' ? n.summary.rootName : n.kind))).toEqual(['run 5', 'run 2']);
    expect(repo.requests.length).toBe(before);
    // The next load is VS Code's own again (a collapse, the view shown again): it queries.
    await provider.getChildren();
    expect(repo.requests.length).toBe(before + 1);
  });

  it('Clear (a change of everything) and a removed trace reload the whole tree even when the rows look the same', async () => {
    const { repo, provider, events } = setup();
    repo.table.traces = [summary(2)];
    await provider.getChildren();
    repo.changes.fire({ all: true, changedTraceIds: new Set(), removedTraceIds: new Set() });
    await vi.advanceTimersByTimeAsync(300);
    await provider.getChildren();
    repo.changes.fire({ all: false, changedTraceIds: new Set(), removedTraceIds: new Set([id(9)]) });
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual(['all', 'all']);
  });

  it('only counters changed (no trace): nothing is loaded or refreshed', async () => {
    const { repo, provider, events } = setup();
    repo.table.traces = [summary(2)];
    await provider.getChildren();
    const before = repo.requests.length;
    repo.changes.fire({ all: false, changedTraceIds: new Set(), removedTraceIds: new Set() });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events).toEqual([]);
    expect(repo.requests.length).toBe(before);
  });

  it('changes arriving together are one update, and a change while VS Code still has to fetch a reload is another whole reload', async () => {
    const { repo, provider, events, changed } = setup();
    repo.table.traces = [summary(2)];
    await provider.getChildren();
    repo.table.traces = [summary(4), summary(2)];
    changed(4);
    changed(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual(['all']);
    // VS Code has not fetched yet; the trace's cost arrives: still a whole reload, with the newest rows.
    repo.table.traces = [summary(4, { errorCount: 2 }), summary(2)];
    changed(4);
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual(['all', 'all']);
    const top = await provider.getChildren();
    expect(top[0]?.kind === 'trace' && top[0].summary.errorCount).toBe(2);
  });

  it('a hidden view is told to reload without loading anything (VS Code fetches when it is shown)', async () => {
    const { repo, provider, view, events, changed } = setup();
    repo.table.traces = [summary(2)];
    await provider.getChildren();
    view.visible = false;
    const before = repo.requests.length;
    changed(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual(['all']);
    expect(repo.requests.length).toBe(before);
  });

  it('grouped by session: a change to a trace inside a session (not a top-level row) reloads the whole tree', async () => {
    const { repo, provider, events, changed } = setup({ 'traceLens.traces.groupBySession': true });
    const conversation: SessionSummary = { sessionId: 's', traceCount: 1, startTimeUnixNano: '1', endTimeUnixNano: '2', firstTraceLabel: 'hello', errorCount: 0 };
    repo.table.sessions = [conversation];
    repo.table.traces = [summary(3, { sessionId: 's' }), summary(2)];
    const top = await provider.getChildren();
    expect(top.map((n) => n.kind)).toEqual(['session', 'trace']);
    changed(3);
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual(['all']);
  });
});
