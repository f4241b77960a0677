/**
 * Usage feature, wired in one call from the composition root: price overrides sent to the back
 * end, the cost status bar item, and the Usage view, which follows the trace the user looks at
 * (a trace panel or the Traces view's selection) and the Traces view's filter ("All traces"
 * becomes "Filtered traces").
 */
import type * as vscode from 'vscode';
import type { BackendClient } from '../../core/backend/backendClient';
import type { TraceId } from '../../model/trace';
import type { TraceRepository } from '../traces/traceRepository';
import type { TraceFilter } from '../traces/traceFilter';
import type { TraceTreeNode } from '../traces/traceTreeItems';
import { CostStatusBar } from './costStatusBar';
import { registerPricing } from './pricingSettings';
import { UsageSelection } from './usageSelection';
import { registerUsageView } from './usageView';

/** What the usage feature follows and opens. */
export interface UsageDeps {
  backend: BackendClient;
  /** Fires after the back end thread restarted (overrides are sent again). */
  onBackendRestart: vscode.Event<void>;
  repository: TraceRepository;
  treeView: vscode.TreeView<TraceTreeNode>;
  /** The Traces view's filter: while set, the Usage view's "all" scope covers only matching traces. */
  filter: TraceFilter;
  onDidActivateTrace: vscode.Event<TraceId>;
  openTrace: (traceId: TraceId, spanId?: string) => void;
  log: vscode.LogOutputChannel;
}

/** Builds the usage feature; every disposable is in the returned list. */
export function registerUsage(context: vscode.ExtensionContext, deps: UsageDeps): vscode.Disposable[] {
  const selection = new UsageSelection(deps.repository, deps.treeView, deps.onDidActivateTrace, deps.openTrace, deps.filter);
  return [
    // Cost: the user's price overrides go to the back end, which prices every model call.
    registerPricing(deps.backend, deps.onBackendRestart, deps.log),
    new CostStatusBar(deps.repository),
    selection,
    registerUsageView(context, selection),
  ];
}
