/**
 * Source navigation and editor insights, built once by the composition root: the workspace
 * resolver, "Go to Source" (`SourceNavigator`) and the CodeLens / error decorations
 * (`CodeInsights`).
 */
import * as vscode from 'vscode';
import type { SpanId, TraceId } from '../../model/trace';
import type { TraceRepository } from '../traces/traceRepository';
import type { TraceTreeNode } from '../traces/tracesTree';
import { CodeInsights } from './codeInsights';
import { SourceNavigator } from './sourceNavigator';
import { WorkspaceSource } from './workspaceSource';

export interface SourceFeature extends vscode.Disposable {
  navigator: SourceNavigator;
  /** `traceLens.goToSource`: a span node of the Traces tree, or `(traceId, spanId)`. */
  goToSourceCommand(arg?: unknown, spanId?: unknown): Promise<unknown>;
}

export function createSourceFeature(repository: TraceRepository, extensionUri: vscode.Uri, log: vscode.LogOutputChannel): SourceFeature {
  const workspace = new WorkspaceSource();
  const navigator = new SourceNavigator(repository, workspace, log);
  const insights = new CodeInsights(repository, workspace, extensionUri, log);
  return {
    navigator,
    goToSourceCommand: async (arg, spanId) => {
      const target = spanTarget(arg, spanId);
      if (!target) {
        void vscode.window.showInformationMessage('Trace Lens: Go to Source works on a span: use it from a span row of the Traces view or the trace view.');
        return;
      }
      return navigator.goToSpan(target.traceId, target.spanId, null);
    },
    dispose: () => {
      insights.dispose();
      navigator.dispose();
      workspace.dispose();
    },
  };
}

function spanTarget(arg: unknown, spanId: unknown): { traceId: TraceId; spanId: SpanId } | null {
  if (typeof arg === 'string' && typeof spanId === 'string') return { traceId: arg, spanId };
  const node = arg as TraceTreeNode | undefined;
  if (node?.kind === 'span') return { traceId: node.traceId, spanId: node.span.spanId };
  return null;
}
