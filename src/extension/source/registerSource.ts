/**
 * Source navigation and editor insights, built once by the composition root: the workspace
 * resolver, "Go to Source" (`SourceNavigator`, its command) and the CodeLens / error
 * decorations (`CodeInsights`).
 */
import * as vscode from 'vscode';
import type { SpanId, TraceId } from '../../model/trace';
import type { TraceRepository } from '../traces/traceRepository';
import type { TraceTreeNode } from '../traces/traceTreeItems';
import { SOURCE_COMMANDS, type CommandHandlers } from '../ids';
import { CodeInsights } from './codeInsights';
import { SourceNavigator } from './sourceNavigator';
import { WorkspaceSource } from './workspaceSource';

/** The source feature: its navigator (trace panels use it) and everything to dispose. */
export interface SourceFeature {
  navigator: SourceNavigator;
  /** Resolves trace paths against the workspace (the diagnostics place findings with it). */
  workspace: WorkspaceSource;
  disposables: vscode.Disposable[];
}

/** Builds source navigation, CodeLens and error decorations, and registers `SOURCE_COMMANDS`. */
export function registerSource(repository: TraceRepository, extensionUri: vscode.Uri, log: vscode.LogOutputChannel): SourceFeature {
  const workspace = new WorkspaceSource();
  const navigator = new SourceNavigator(repository, workspace, log);
  const insights = new CodeInsights(repository, workspace, extensionUri, log);
  const handlers: CommandHandlers<typeof SOURCE_COMMANDS> = {
    // A span node of the Traces tree, or `(traceId, spanId)`.
    [SOURCE_COMMANDS.goToSource]: async (arg?: unknown, spanId?: unknown) => {
      const target = spanTarget(arg, spanId);
      if (!target) {
        void vscode.window.showInformationMessage('Trace Lens: Go to Source works on a span: use it from a span row of the Traces view or the trace view.');
        return;
      }
      return navigator.goToSpan(target.traceId, target.spanId, null);
    },
  };
  const commands = Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
  return { navigator, workspace, disposables: [insights, navigator, workspace, ...commands] };
}

function spanTarget(arg: unknown, spanId: unknown): { traceId: TraceId; spanId: SpanId } | null {
  if (typeof arg === 'string' && typeof spanId === 'string') return { traceId: arg, spanId };
  const node = arg as TraceTreeNode | undefined;
  if (node?.kind === 'span') return { traceId: node.traceId, spanId: node.span.spanId };
  return null;
}
