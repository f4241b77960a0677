/**
 * Traces feature, wired in one call from the composition root: the Traces view (tree, its
 * message and description, its filter), the trace webview panels and the trace commands.
 */
import * as vscode from 'vscode';
import { CONTEXT_KEYS, VIEWS } from '../ids';
import type { SourceNavigator } from '../source/sourceNavigator';
import { registerTraceCommands } from './traceCommands';
import { TracePanels } from './tracePanel';
import type { TraceRepository } from './traceRepository';
import { TracesTreeProvider } from './tracesTree';
import type { TraceTreeNode } from './traceTreeItems';
import { TraceFilter } from './traceFilter';
import { tracesViewText } from './viewText';

/** The traces feature: what other features follow (the tree's selection, the active panel) and everything to dispose. */
export interface TracesFeature {
  treeView: vscode.TreeView<TraceTreeNode>;
  panels: TracePanels;
  /** The view's filter (persisted per workspace); the search feature edits it, the Usage view follows it. */
  filter: TraceFilter;
  disposables: vscode.Disposable[];
}

/** Builds the Traces view and the trace panels and registers `TRACE_COMMANDS`. */
export function registerTraces(
  context: vscode.ExtensionContext,
  repository: TraceRepository,
  source: SourceNavigator,
  /** Drops onto the Traces view (files to open: src/extension/files). */
  dragAndDropController?: vscode.TreeDragAndDropController<TraceTreeNode>,
): TracesFeature {
  const filter = new TraceFilter(context.workspaceState);
  const tree = new TracesTreeProvider(repository, context.workspaceState, filter);
  const treeView = vscode.window.createTreeView(VIEWS.traces, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true, dragAndDropController });
  tree.attach(treeView);
  const panels = new TracePanels(context.extensionUri, repository, source);
  void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.paused, false);

  const updateTreeMessage = () => {
    const text = tracesViewText({ stats: repository.stats, paused: repository.paused, filter: filter.query, status: tree.filterStatus });
    treeView.message = text.message;
    treeView.description = text.description;
  };
  updateTreeMessage();
  return {
    treeView,
    panels,
    filter,
    disposables: [
      tree,
      treeView,
      panels,
      filter,
      ...registerTraceCommands({ repository, tree, panels }),
      repository.onDidChangeStats(updateTreeMessage),
      repository.onDidChange(updateTreeMessage),
      tree.onDidChangeFilterStatus(updateTreeMessage),
      filter.onDidChange(updateTreeMessage),
    ],
  };
}
