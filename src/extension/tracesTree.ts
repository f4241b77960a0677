import * as vscode from 'vscode';
import type { SkeletonSpan, SpanKind, TraceId, TraceSkeleton, TraceSummary } from '../model/trace';
import { formatDuration } from '../model/format';
import { COMMANDS } from './ids';
import type { StoreChange, TraceRepository } from './traceRepository';

/** Newest traces listed in the tree; older ones are reachable through "Open Trace by ID". */
const MAX_TREE_TRACES = 500;
/** Tree refreshes are coalesced to at most one per this interval while data streams in. */
const REFRESH_DEBOUNCE_MS = 300;

/** A node of the Traces tree. */
export type TraceTreeNode =
  | { kind: 'trace'; summary: TraceSummary }
  | { kind: 'span'; traceId: TraceId; span: SkeletonSpan; childCount: number }
  | { kind: 'more'; hiddenCount: number };

/** The "Traces" tree view: newest traces first, each expanding into its span hierarchy. */
export class TracesTreeProvider implements vscode.TreeDataProvider<TraceTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TraceTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Span hierarchies of traces the user expanded, by trace id; dropped when the trace changes. */
  private readonly hierarchies = new Map<TraceId, Promise<SpanHierarchy | null>>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly repository: TraceRepository) {
    this.disposables.push(this.emitter, repository.onDidChange((change) => this.onStoreChange(change)));
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }

  /** Reloads the whole tree now. */
  refresh(): void {
    this.hierarchies.clear();
    this.emitter.fire(undefined);
  }

  getTreeItem(node: TraceTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'trace':
        return traceItem(node.summary);
      case 'span':
        return spanItem(node);
      case 'more': {
        const item = new vscode.TreeItem(`${node.hiddenCount.toLocaleString()} older traces not listed`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.tooltip = 'Only the newest traces are listed. Use "Open Trace by ID…" to open an older one.';
        item.command = { command: COMMANDS.openTraceById, title: 'Open Trace by ID…' };
        item.contextValue = 'more';
        return item;
      }
    }
  }

  async getChildren(node?: TraceTreeNode): Promise<TraceTreeNode[]> {
    if (!node) {
      const traces = await this.repository.query('listTraces', { limit: MAX_TREE_TRACES, offset: 0 });
      const nodes: TraceTreeNode[] = traces.map((summary) => ({ kind: 'trace', summary }));
      const hidden = this.repository.stats.traceCount - traces.length;
      if (traces.length === MAX_TREE_TRACES && hidden > 0) nodes.push({ kind: 'more', hiddenCount: hidden });
      return nodes;
    }
    if (node.kind === 'more') return [];
    const traceId = node.kind === 'trace' ? node.summary.traceId : node.traceId;
    const hierarchy = await this.hierarchy(traceId);
    if (!hierarchy) return [];
    // The trace row stands for its root span: with a single root, its children hang directly under the trace row.
    const children = node.kind === 'trace'
      ? (hierarchy.roots.length === 1 ? hierarchy.children.get(hierarchy.roots[0].spanId) ?? [] : hierarchy.roots)
      : hierarchy.children.get(node.span.spanId) ?? [];
    return children.map((span) => ({ kind: 'span', traceId, span, childCount: hierarchy.children.get(span.spanId)?.length ?? 0 }));
  }

  getParent(): undefined {
    return undefined;
  }

  private hierarchy(traceId: TraceId): Promise<SpanHierarchy | null> {
    let cached = this.hierarchies.get(traceId);
    if (!cached) {
      cached = this.repository.query('traceSkeleton', { traceId }).then((skeleton) => (skeleton ? buildHierarchy(skeleton) : null));
      this.hierarchies.set(traceId, cached);
      cached.catch(() => this.hierarchies.delete(traceId));
    }
    return cached;
  }

  private onStoreChange(change: StoreChange): void {
    for (const id of change.changedTraceIds) this.hierarchies.delete(id);
    for (const id of change.removedTraceIds) this.hierarchies.delete(id);
    if (change.all) this.hierarchies.clear();
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.emitter.fire(undefined);
    }, REFRESH_DEBOUNCE_MS);
  }
}

/** Parent → children index of a skeleton; spans whose parent never arrived are roots. */
export interface SpanHierarchy {
  roots: SkeletonSpan[];
  children: Map<string, SkeletonSpan[]>;
}

/** Builds the span hierarchy in one pass; children keep the skeleton's start-time order. */
export function buildHierarchy(skeleton: TraceSkeleton): SpanHierarchy {
  const present = new Set(skeleton.spans.map((s) => s.spanId));
  const roots: SkeletonSpan[] = [];
  const children = new Map<string, SkeletonSpan[]>();
  for (const span of skeleton.spans) {
    if (span.parentSpanId && present.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      const list = children.get(span.parentSpanId);
      if (list) list.push(span);
      else children.set(span.parentSpanId, [span]);
    } else {
      roots.push(span);
    }
  }
  return { roots, children };
}

function traceItem(summary: TraceSummary): vscode.TreeItem {
  const item = new vscode.TreeItem(summary.rootName || '(unnamed span)', summary.spanCount > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `trace:${summary.traceId}`;
  const parts = [summary.serviceName, formatDuration(summary.durationMs), `${summary.spanCount} ${summary.spanCount === 1 ? 'span' : 'spans'}`];
  if (summary.errorCount > 0) parts.push(`${summary.errorCount} ${summary.errorCount === 1 ? 'error' : 'errors'}`);
  item.description = parts.filter(Boolean).join(' · ');
  item.iconPath = summary.errorCount > 0
    ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
    : new vscode.ThemeIcon(summary.hasRoot ? 'pass' : 'loading~spin', summary.hasRoot ? new vscode.ThemeColor('testing.iconPassed') : undefined);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escape(summary.rootName)}**${summary.hasRoot ? '' : ' _(root span not received yet)_'}\n\n`);
  md.appendMarkdown(`Service: \`${summary.serviceName || 'unknown'}\`  \nStarted: ${new Date(Number(BigInt(summary.startTimeUnixNano) / 1_000_000n)).toLocaleString()}  \n`);
  md.appendMarkdown(`Duration: ${formatDuration(summary.durationMs)} · ${summary.spanCount} spans · ${summary.errorCount} errors  \nTrace ID: \`${summary.traceId}\``);
  item.tooltip = md;
  item.contextValue = summary.errorCount > 0 ? 'trace.error' : 'trace';
  item.command = { command: COMMANDS.openTrace, title: 'Open Trace', arguments: [summary.traceId] };
  item.accessibilityInformation = { label: `Trace ${summary.rootName}, ${item.description}` };
  return item;
}

function spanItem(node: Extract<TraceTreeNode, { kind: 'span' }>): vscode.TreeItem {
  const { span } = node;
  const item = new vscode.TreeItem(span.name || '(unnamed span)', node.childCount > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `span:${node.traceId}:${span.spanId}`;
  item.description = formatDuration(span.durationMs) + (span.statusCode === 'error' ? ' · error' : '');
  item.iconPath = span.statusCode === 'error'
    ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
    : new vscode.ThemeIcon(KIND_ICONS[span.kind]);
  item.tooltip = `${span.name}\n${span.kind} span · ${span.serviceName || 'unknown service'}\nstarts at +${formatDuration(span.startOffsetMs)} · ${formatDuration(span.durationMs)}${span.statusCode === 'error' ? '\nstatus: error' : ''}`;
  item.contextValue = 'span';
  item.command = { command: COMMANDS.openTrace, title: 'Open Trace', arguments: [node.traceId, span.spanId] };
  return item;
}

/** Codicon per OTLP span kind. */
export const KIND_ICONS: Record<SpanKind, string> = {
  server: 'server-process',
  client: 'globe',
  internal: 'symbol-method',
  producer: 'arrow-circle-up',
  consumer: 'arrow-circle-down',
  unspecified: 'circle-outline',
};

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
