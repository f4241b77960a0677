/**
 * Traces feature, wired in one call from the composition root: the Traces view (tree, its
 * message and description), the trace webview panels and the trace commands.
 */
import * as vscode from 'vscode';
import { CONTEXT_KEYS, VIEWS } from '../ids';
import type { SourceNavigator } from '../source/sourceNavigator';
import { registerTraceCommands } from './traceCommands';
import { TracePanels } from './tracePanel';
import type { TraceRepository } from './traceRepository';
import { TracesTreeProvider, type TraceTreeNode } from './tracesTree';

/** The traces feature: what other features follow (the tree's selection, the active panel) and everything to dispose. */
export interface TracesFeature {
  treeView: vscode.TreeView<TraceTreeNode>;
  panels: TracePanels;
  disposables: vscode.Disposable[];
}

/** Builds the Traces view and the trace panels and registers `TRACE_COMMANDS`. */
export function registerTraces(context: vscode.ExtensionContext, repository: TraceRepository, source: SourceNavigator): TracesFeature {
  const tree = new TracesTreeProvider(repository, context.workspaceState);
  const treeView = vscode.window.createTreeView(VIEWS.traces, { treeDataProvider: tree, showCollapseAll: true });
  const panels = new TracePanels(context.extensionUri, repository, source);
  void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.paused, false);

  const updateTreeMessage = () => {
    const stats = repository.stats;
    const parts: string[] = [];
    if (repository.paused) parts.push('Live updates paused.');
    if (stats.evictedTraceCount > 0) {
      parts.push(`${stats.evictedTraceCount.toLocaleString()} oldest traces evicted to stay under the store limits (traceLens.store.*).`);
    }
    treeView.message = parts.length > 0 ? parts.join(' ') : undefined;
    treeView.description = stats.traceCount > 0 ? `${stats.traceCount.toLocaleString()} ${stats.traceCount === 1 ? 'trace' : 'traces'}` : undefined;
  };
  return {
    treeView,
    panels,
    disposables: [
      tree,
      treeView,
      panels,
      ...registerTraceCommands({ repository, tree, panels }),
      repository.onDidChangeStats(updateTreeMessage),
      repository.onDidChange(updateTreeMessage),
    ],
  };
}
