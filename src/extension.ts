/**
 * Composition root: builds the back end thread, the receiver, the views and the commands, and
 * registers every disposable. Activation returns at once; the receiver starts in the background
 * so VS Code's startup never waits for a port or the worker.
 */
import * as vscode from 'vscode';
import { performance } from 'node:perf_hooks';
import { BackendClient } from './core/backend/backendClient';
import type { PersistenceConfig } from './core/store/config';
import type { BackendEvent } from './core/backend/protocol';
import { offerPortFix, registerCommands } from './extension/traces/traceCommands';
import { registerForwarding } from './extension/forwarding/registerForwarding';
import { SETTINGS_SECTION, VIEWS, CONTEXT_KEYS } from './extension/ids';
import { ReceiverController, busyEndpoints } from './extension/receiver/receiverController';
import { registerPricing } from './extension/usage/pricingSettings';
import { readSettings } from './extension/settings';
import { ReceiverStatusBar } from './extension/receiver/receiverStatusBar';
import { CostStatusBar } from './extension/usage/costStatusBar';
import { TracePanels } from './extension/traces/tracePanel';
import { createSourceFeature } from './extension/source/sourceFeature';
import { TraceRepository } from './extension/traces/traceRepository';
import { TracesTreeProvider } from './extension/traces/tracesTree';
import { UsageSelection } from './extension/usage/usageSelection';
import { registerUsageView } from './extension/usage/usageView';
import { createWindowChannel, followReceiverOwner } from './extension/receiver/windowOwnership';

/** Lets tests and other extensions see what activation built. */
export interface TraceLensApi {
  /** Milliseconds spent inside `activate()`. */
  activationMs: number;
  receiverState: () => ReceiverController['state'];
}

/** Stops the back end thread (after its final snapshot when persistence is on); set by `activate`. */
let shutdownWorker: (() => Promise<void>) | undefined;

/** Persistence of the store for this window: the setting and the workspace storage folder. */
function persistenceConfig(settings: ReturnType<typeof readSettings>, context: vscode.ExtensionContext): PersistenceConfig {
  return { mode: settings.persistence, dir: context.storageUri?.fsPath ?? null };
}

export function activate(context: vscode.ExtensionContext): TraceLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Trace Lens', { log: true });
  context.subscriptions.push(log);

  let settings = readSettings();
  if (settings.persistence === 'workspace' && !context.storageUri) {
    log.warn('traceLens.store.persistence is "workspace" but no folder is open: traces are kept in memory only');
  }
  // The worker's events reach the repository, which is built on the client: relay through an emitter.
  const workerEvents = new vscode.EventEmitter<BackendEvent>();
  const workerRestarts = new vscode.EventEmitter<void>();
  context.subscriptions.push(workerEvents, workerRestarts);
  const client = new BackendClient({
    workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
    config: settings.store,
    persistence: persistenceConfig(settings, context),
    onEvent: (event) => workerEvents.fire(event),
    onRestart: (reason, gaveUp) => {
      log.error(reason);
      workerRestarts.fire();
      void vscode.window.showErrorMessage(
        gaveUp
          ? 'Trace Lens: the back end thread keeps failing and was stopped; received traces are no longer stored. See the log.'
          : settings.persistence === 'workspace'
            ? 'Trace Lens: the back end thread failed and was restarted from the last saved snapshot; newer traces were lost. See the log.'
            : 'Trace Lens: the back end thread failed and was restarted; stored traces were lost. See the log.',
      );
    },
  });
  shutdownWorker = () => client.dispose();
  context.subscriptions.push({ dispose: () => void client.dispose() });
  const repository = new TraceRepository(client);
  context.subscriptions.push(
    repository,
    workerEvents.event((event) => {
      switch (event.type) {
        case 'storeChanged':
          repository.handleWorkerEvent(event);
          return;
        case 'log':
          log[event.level](event.message);
          return;
        case 'persistence': {
          const where = event.movedTo ? `It was moved to ${event.movedTo}.` : 'It was deleted.';
          log.warn(`saved traces not restored: ${event.message}. ${where}`);
          void vscode.window.showWarningMessage(`Trace Lens: the saved traces could not be restored (${event.message}). ${where} Starting with no traces.`);
          return;
        }
      }
    }),
    workerRestarts.event(() => repository.handleWorkerRestart()),
  );

  // Cost: the user's price overrides go to the worker, which prices every model call.
  context.subscriptions.push(registerPricing(client, workerRestarts.event, log));

  // One window owns the port and the store; the others show its traces (src/extension/receiver/windowOwnership.ts).
  const receiver = new ReceiverController(client, () => settings, log, createWindowChannel(client, log));
  context.subscriptions.push(followReceiverOwner(receiver, repository, log));
  const tree = new TracesTreeProvider(repository, context.workspaceState);
  const treeView = vscode.window.createTreeView(VIEWS.traces, { treeDataProvider: tree, showCollapseAll: true });
  // Go to Source, CodeLens and error decorations (src/extension/source).
  const source = createSourceFeature(repository, context.extensionUri, log);
  const panels = new TracePanels(context.extensionUri, repository, source.navigator);
  context.subscriptions.push(receiver, tree, treeView, panels, source, new ReceiverStatusBar(receiver, repository), new CostStatusBar(repository));
  context.subscriptions.push(...registerCommands({ receiver, repository, tree, panels, log, source }));
  // The Usage view follows the trace the user looks at (a trace panel or the tree's selection).
  const usageSelection = new UsageSelection(repository, treeView, panels.onDidActivateTrace, (traceId, spanId) => void panels.open(traceId, spanId));
  context.subscriptions.push(usageSelection, registerUsageView(context, usageSelection));
  // Forwarding to remote backends (src/extension/forwarding): own view, status bar item and commands.
  context.subscriptions.push(...registerForwarding({ worker: client, secrets: context.secrets, log }));
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
  context.subscriptions.push(repository.onDidChangeStats(updateTreeMessage), repository.onDidChange(updateTreeMessage));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
      const previous = settings;
      settings = readSettings();
      if (JSON.stringify(previous.store) !== JSON.stringify(settings.store)) {
        void repository.query('configure', settings.store).catch((error: Error) => log.error(`store settings: ${error.message}`));
      }
      if (previous.persistence !== settings.persistence) {
        void client.setPersistence(persistenceConfig(settings, context)).catch((error: Error) => log.error(`persistence setting: ${error.message}`));
      }
      if (JSON.stringify(previous.receiver) !== JSON.stringify(settings.receiver) && receiver.isStarted) {
        log.info('receiver settings changed; restarting the receiver');
        void receiver.start();
      }
    }),
  );

  if (settings.receiver.autoStart) {
    void receiver.start().then((state) => offerPortFix(busyEndpoints(state)));
  }

  const activationMs = performance.now() - started;
  log.info(`Trace Lens activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, receiverState: () => receiver.state };
}

/**
 * Everything is disposed through context.subscriptions; this only lets VS Code wait for the ingest
 * worker's final snapshot (persistence on), which the client's dispose starts.
 */
export function deactivate(): Promise<void> | undefined {
  const shutdown = shutdownWorker;
  shutdownWorker = undefined;
  return shutdown?.();
}
