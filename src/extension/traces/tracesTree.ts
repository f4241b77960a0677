import * as vscode from 'vscode';
import type { SkeletonSpan, SpanId, TraceId } from '../../model/trace';
import { buildHierarchy, type SpanHierarchy } from '../../model/spanHierarchy';
import { CONTEXT_KEYS } from '../ids';
import type { StoreChange, TraceRepository } from './traceRepository';
import type { TraceFilter } from './traceFilter';
import type { FilterStatus } from './viewText';
import { MAX_TREE_TRACES, nodeId, treeItem, type TraceTreeNode } from './traceTreeItems';

/** Most recently active sessions listed when grouping by session. */
const MAX_TREE_SESSIONS = 200;
/** Tree refreshes are coalesced to at most one per this interval while data streams in. */
const REFRESH_DEBOUNCE_MS = 300;
/** While the full-text index lags behind the store, a filtered tree reloads this often (ms) so late-indexed matches appear. */
const INDEX_CATCH_UP_REFRESH_MS = 1_000;
/** workspaceState key of the "group by session" toggle. */
const GROUP_BY_SESSION_KEY = 'traceLens.traces.groupBySession';

/**
 * The "Traces" tree view: newest traces first, each expanding into its span hierarchy; or, with
 * "group by session" on, sessions (most recently active first) expanding into their traces, then
 * the traces that belong to no session.
 *
 * With a filter (`TraceFilter`), the traces come from the back end's `filterTraces` instead of
 * `listTraces`: only matching traces, newest first; grouped by session, only sessions with a
 * matching trace (among the listed newest matches), each expanding into its matching traces.
 * What the last filtered load found is `filterStatus` (for the view's message). Live updates
 * reload the same way, and while the full-text index catches up the tree reloads every
 * `INDEX_CATCH_UP_REFRESH_MS`.
 *
 * Live updates keep the rows' element handles when they can. VS Code resolves a context-menu
 * command's row from its handle, and a reload of the whole tree drops every handle until VS Code
 * has fetched the top level again (a round trip to the workbench), so a command run in that window
 * gets no row. A live update therefore loads the top level first: when it lists the same rows in
 * the same order, only the rows that changed are refreshed, in place; otherwise the whole tree
 * reloads, and the top level already loaded is what VS Code gets.
 */
export class TracesTreeProvider implements vscode.TreeDataProvider<TraceTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TraceTreeNode | TraceTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Span hierarchies of traces the user expanded, by trace id; dropped when the trace changes. */
  private readonly hierarchies = new Map<TraceId, Promise<SpanHierarchy | null>>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private grouped: boolean;
  private filterStatusValue: FilterStatus | undefined;
  private readonly filterStatusEmitter = new vscode.EventEmitter<FilterStatus | undefined>();
  /** The top-level nodes last handed to VS Code: the tree's elements, updated in place by live updates. */
  private shownTop: TraceTreeNode[] | undefined;
  /** The top level `reloadTop` loaded for the whole-tree reload it announced; the next `getChildren()` returns it. */
  private preparedTop: TraceTreeNode[] | undefined;
  /** Traces changed since the last live update; `'all'`: a change that rows cannot be matched to (Clear, eviction). */
  private pendingChange: Set<TraceId> | 'all' = new Set();
  /** Bumped by every whole-tree reload other than a live update's; a live update that sees it move drops its result. */
  private generation = 0;
  /** `getChildren()` calls of VS Code's own loading the top level: while one is, live updates reload the whole tree. */
  private topLoads = 0;
  /** The view showing this tree (see `attach`): a hidden view is reloaded without loading anything. */
  private view: vscode.TreeView<TraceTreeNode> | undefined;
  /** Fires when a filtered load found something new to say (counts, an invalid filter), or the filter changed. */
  readonly onDidChangeFilterStatus = this.filterStatusEmitter.event;

  /**
   * @param state where the "group by session" toggle is kept (the workspace's `workspaceState`).
   * @param filter the view's filter; without one every trace is listed.
   */
  constructor(
    private readonly repository: TraceRepository,
    private readonly state?: vscode.Memento,
    private readonly filter?: TraceFilter,
  ) {
    this.disposables.push(this.emitter, this.filterStatusEmitter, repository.onDidChange((change) => this.onStoreChange(change)));
    if (filter) {
      this.disposables.push(
        filter.onDidChange(() => {
          this.setFilterStatus(undefined);
          this.refresh();
        }),
      );
    }
    this.grouped = state?.get<boolean>(GROUP_BY_SESSION_KEY, false) ?? false;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.groupedBySession, this.grouped);
  }

  /** What the last load with the current filter found; `undefined` without a filter or before the first load. */
  get filterStatus(): FilterStatus | undefined {
    return this.filterStatusValue;
  }

  /** Is the tree grouped by session? */
  get groupBySession(): boolean {
    return this.grouped;
  }

  /** Turns "group by session" on or off (persisted per workspace) and reloads the tree. */
  async setGroupBySession(grouped: boolean): Promise<void> {
    if (grouped !== this.grouped) {
      this.grouped = grouped;
      this.reloadAll();
    }
    await Promise.all([
      this.state?.update(GROUP_BY_SESSION_KEY, grouped),
      vscode.commands.executeCommand('setContext', CONTEXT_KEYS.groupedBySession, grouped),
    ]);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }

  /** The view that shows this tree; while it is hidden, live updates load nothing (VS Code fetches when it shows). */
  attach(view: vscode.TreeView<TraceTreeNode>): void {
    this.view = view;
  }

  /** Reloads the whole tree now. */
  refresh(): void {
    this.hierarchies.clear();
    this.reloadAll();
  }

  /** Announces a whole-tree reload that VS Code loads itself (a live update in flight drops its result). */
  private reloadAll(): void {
    this.generation++;
    this.preparedTop = undefined;
    this.emitter.fire(undefined);
  }

  getTreeItem(node: TraceTreeNode): vscode.TreeItem {
    return treeItem(node, this.filter?.query);
  }

  async getChildren(node?: TraceTreeNode): Promise<TraceTreeNode[]> {
    if (!node) {
      const prepared = this.preparedTop;
      this.preparedTop = undefined;
      if (prepared) return (this.shownTop = prepared);
      this.topLoads++;
      try {
        return (this.shownTop = await this.loadTop());
      } finally {
        this.topLoads--;
      }
    }
    const query = this.filter?.query;
    if (query !== undefined && node.kind === 'session') return this.filteredChildren(query, node);
    if (node.kind === 'session') {
      const traces = await this.repository.query('listTraces', { limit: MAX_TREE_TRACES, offset: 0, sessionId: node.session.sessionId });
      // A conversation reads in order: its turns oldest first.
      return [...traces].reverse().map((summary) => ({ kind: 'trace', summary }));
    }
    if (node.kind === 'more') return [];
    const traceId = node.kind === 'trace' ? node.summary.traceId : node.traceId;
    const hierarchy = await this.hierarchy(traceId);
    if (!hierarchy) return [];
    const childCount = (id: SpanId) => hierarchy.children.get(id)?.length ?? 0;
    const spans = (list: readonly SkeletonSpan[]): TraceTreeNode[] => list.map((span) => ({ kind: 'span', traceId, span, childCount: childCount(span.spanId) }));
    if (node.kind === 'missingParent') return spans(hierarchy.children.get(node.placeholder.spanId) ?? []);
    if (node.kind === 'span') return spans(hierarchy.children.get(node.span.spanId) ?? []);
    // The trace row stands for its root span: with a single root, its children hang directly
    // under the trace row; spans whose parent is missing follow, under one placeholder per parent.
    const top = hierarchy.roots.length === 1 ? spans(hierarchy.children.get(hierarchy.roots[0].spanId) ?? []) : spans(hierarchy.roots);
    const gaps: TraceTreeNode[] = hierarchy.missingParents.map((placeholder) => ({ kind: 'missingParent', traceId, placeholder, childCount: childCount(placeholder.spanId) }));
    return [...top, ...gaps];
  }

  getParent(): undefined {
    return undefined;
  }

  /** The top level as it is now: filtered, grouped by session, or the newest traces (and a row counting the rest). */
  private async loadTop(): Promise<TraceTreeNode[]> {
    const query = this.filter?.query;
    if (query !== undefined) return this.filteredChildren(query, undefined);
    if (this.grouped) return this.sessionRoots();
    const traces = await this.repository.query('listTraces', { limit: MAX_TREE_TRACES, offset: 0 });
    const nodes: TraceTreeNode[] = traces.map((summary) => ({ kind: 'trace', summary }));
    const hidden = this.repository.stats.traceCount - traces.length;
    if (traces.length === MAX_TREE_TRACES && hidden > 0) nodes.push({ kind: 'more', hiddenCount: hidden });
    return nodes;
  }

  /**
   * A live update (store changes, the index catching up): loads the top level, then refreshes only
   * the rows that changed when the same rows are listed in the same order (keeping every row's
   * element handle), or else reloads the whole tree with the top level just loaded.
   */
  private async reloadTop(): Promise<void> {
    const changed = this.pendingChange;
    this.pendingChange = new Set();
    if (this.view && !this.view.visible) {
      this.reloadAll();
      return;
    }
    const generation = this.generation;
    let next: TraceTreeNode[];
    try {
      next = await this.loadTop();
    } catch {
      if (generation === this.generation) this.reloadAll();
      return;
    }
    if (generation !== this.generation) return;
    const shown = this.shownTop;
    const listed = new Set(shown?.flatMap((node) => (node.kind === 'trace' ? [node.summary.traceId] : [])));
    const inPlace =
      shown !== undefined &&
      this.preparedTop === undefined &&
      this.topLoads === 0 &&
      changed !== 'all' &&
      shown.length === next.length &&
      shown.every((node, i) => nodeId(node) === nodeId(next[i]!)) &&
      [...changed].every((traceId) => listed.has(traceId));
    if (!inPlace) {
      this.preparedTop = next;
      this.emitter.fire(undefined);
      return;
    }
    const updated: TraceTreeNode[] = [];
    shown.forEach((node, i) => {
      const fresh = next[i]!;
      // A trace row changes only with its trace (the store names every changed trace), and a
      // changed trace is refreshed even when its row reads the same: its spans may not. Session
      // and "more" rows sum other traces, so they are compared.
      const stale = node.kind === 'trace' ? changed.has(node.summary.traceId) : JSON.stringify(node) !== JSON.stringify(fresh);
      if (stale) {
        replaceFields(node, fresh);
        updated.push(node);
      }
    });
    if (updated.length > 0) this.emitter.fire(updated);
  }

  /** Grouped mode's top level: sessions, then the traces of no (listed) session. */
  private async sessionRoots(): Promise<TraceTreeNode[]> {
    const [sessions, traces] = await Promise.all([
      this.repository.query('listSessions', { limit: MAX_TREE_SESSIONS }),
      this.repository.query('listTraces', { limit: MAX_TREE_TRACES, offset: 0 }),
    ]);
    const listed = new Set(sessions.map((s) => s.sessionId));
    const nodes: TraceTreeNode[] = sessions.map((session) => ({ kind: 'session', session }));
    for (const summary of traces) {
      // A trace of a session beyond the listed ones stays reachable at the top level.
      if (!summary.sessionId || !listed.has(summary.sessionId)) nodes.push({ kind: 'trace', summary });
    }
    return nodes;
  }

  /**
   * The top level or a session's children with a filter: one `filterTraces` page. An invalid filter
   * (or a failed request) lists nothing and is reported through `filterStatus`.
   */
  private async filteredChildren(query: string, node: Extract<TraceTreeNode, { kind: 'session' }> | undefined): Promise<TraceTreeNode[]> {
    const sessionId = node?.session.sessionId;
    const [page, sessions] = await Promise.all([
      this.repository.query('filterTraces', { query, limit: MAX_TREE_TRACES, offset: 0, ...(sessionId !== undefined ? { sessionId } : {}) }).catch(
        (error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error), offset: 0 }),
      ),
      !node && this.grouped ? this.repository.query('listSessions', { limit: MAX_TREE_SESSIONS }) : Promise.resolve([]),
    ]);
    // The filter changed while this was loading: the refresh that follows shows the new one.
    if (query !== this.filter?.query) return [];
    if (!page.ok) {
      if (!node) this.setFilterStatus({ query, ok: false, error: page.error });
      return [];
    }
    if (page.index.pendingSpans > 0) this.scheduleRefresh(INDEX_CATCH_UP_REFRESH_MS);
    if (node) {
      // A conversation reads in order: its turns oldest first.
      return [...page.traces].reverse().map((summary) => ({ kind: 'trace', summary }));
    }
    this.setFilterStatus({ query, ok: true, total: page.total, listed: page.traces.length, pendingSpans: page.index.pendingSpans });
    const nodes: TraceTreeNode[] = [];
    if (this.grouped) {
      // Sessions in the order of their newest matching trace, then the matching traces of no
      // (listed) session, as in the unfiltered grouped tree.
      const known = new Map(sessions.map((s) => [s.sessionId, s]));
      const matching = new Map<string, number>();
      const loose: TraceTreeNode[] = [];
      for (const summary of page.traces) {
        const session = summary.sessionId ? known.get(summary.sessionId) : undefined;
        if (!session) loose.push({ kind: 'trace', summary });
        else matching.set(session.sessionId, (matching.get(session.sessionId) ?? 0) + 1);
      }
      for (const [id, count] of matching) nodes.push({ kind: 'session', session: known.get(id)!, matching: count });
      nodes.push(...loose);
    } else {
      nodes.push(...page.traces.map((summary): TraceTreeNode => ({ kind: 'trace', summary })));
    }
    if (page.total > page.traces.length) nodes.push({ kind: 'more', hiddenCount: page.total - page.traces.length, filtered: true });
    return nodes;
  }

  private setFilterStatus(status: FilterStatus | undefined): void {
    if (JSON.stringify(status) === JSON.stringify(this.filterStatusValue)) return;
    this.filterStatusValue = status;
    this.filterStatusEmitter.fire(status);
  }

  private hierarchy(traceId: TraceId): Promise<SpanHierarchy | null> {
    let cached = this.hierarchies.get(traceId);
    if (!cached) {
      cached = this.repository.query('traceSkeleton', { traceId }).then((skeleton) => (skeleton ? buildHierarchy(skeleton.spans) : null));
      this.hierarchies.set(traceId, cached);
      cached.catch(() => this.hierarchies.delete(traceId));
    }
    return cached;
  }

  private onStoreChange(change: StoreChange): void {
    // Only counters changed (metric points, rejected items): the rows are the same. Reloading
    // anyway would also drop the element handles a context menu opened on a row is about to use.
    if (!change.all && change.changedTraceIds.size === 0 && change.removedTraceIds.size === 0) return;
    for (const id of change.changedTraceIds) this.hierarchies.delete(id);
    for (const id of change.removedTraceIds) this.hierarchies.delete(id);
    if (change.all) this.hierarchies.clear();
    if (change.all || change.removedTraceIds.size > 0) this.pendingChange = 'all';
    else if (this.pendingChange !== 'all') for (const id of change.changedTraceIds) this.pendingChange.add(id);
    this.scheduleRefresh(REFRESH_DEBOUNCE_MS);
  }

  /** Runs a live update (`reloadTop`) after `delayMs` unless one is already scheduled. */
  private scheduleRefresh(delayMs: number): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.reloadTop();
    }, delayMs);
  }
}

/** Makes `target` carry exactly `source`'s fields, keeping the object (VS Code knows the element by identity). */
function replaceFields(target: TraceTreeNode, source: TraceTreeNode): void {
  const t = target as Record<string, unknown>;
  for (const key of Object.keys(t)) if (!(key in source)) delete t[key];
  Object.assign(t, source);
}
