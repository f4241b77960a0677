/**
 * Composition root: builds the back end thread, the receiver, the views and the commands, and
 * registers every disposable. Activation returns at once; the receiver starts in the background
 * so VS Code's startup never waits for a port or the worker.
 */
import * as vscode from 'vscode';
import { performance } from 'node:perf_hooks';
import { BackendClient } from './core/backend/backendClient';
import type { BackendEvent } from './core/backend/protocol';
import type { PersistenceConfig } from './core/store/config';
import { registerAgents } from './extension/agents/registerAgents';
import { registerFiles, tracesDropController, type FilesDeps } from './extension/files/registerFiles';
import { registerDiagnostics } from './extension/diagnostics/registerDiagnostics';
import { registerForwarding } from './extension/forwarding/registerForwarding';
import { registerMcp } from './extension/mcp/registerMcp';
import { registerSearch } from './extension/search/registerSearch';
import type { ReceiverController } from './extension/receiver/receiverController';
import { registerReceiver } from './extension/receiver/registerReceiver';
import { affectsSetting, readAgentSettings, readSettings } from './extension/settings';
import { registerSource } from './extension/source/registerSource';
import { registerTraces } from './extension/traces/registerTraces';
import { registerCompare } from './extension/compare/registerCompare';
import { registerReplay } from './extension/replay/registerReplay';
import { TraceRepository } from './extension/traces/traceRepository';
import { registerUsage } from './extension/usage/registerUsage';

/** Lets tests and other extensions see what activation built. */
export interface TraceLensApi {
  /** Milliseconds spent inside `activate()`. */
  activationMs: number;
  receiverState: () => ReceiverController['state'];
}

/** Stops the back end thread (after its final snapshot when persistence is on); set by `activate`. */
let shutdownBackend: (() => Promise<void>) | undefined;

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
  // The back end's events reach the repository, which is built on the client: relay through an emitter.
  const backendEvents = new vscode.EventEmitter<BackendEvent>();
  const backendRestarts = new vscode.EventEmitter<void>();
  context.subscriptions.push(backendEvents, backendRestarts);
  const client = new BackendClient({
    workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
    config: settings.store,
    persistence: persistenceConfig(settings, context),
    onEvent: (event) => backendEvents.fire(event),
    onRestart: (reason, gaveUp) => {
      log.error(reason);
      backendRestarts.fire();
      void vscode.window.showErrorMessage(
        gaveUp
          ? 'Trace Lens: the back end thread keeps failing and was stopped; received traces are no longer stored. See the log.'
          : settings.persistence === 'workspace'
            ? 'Trace Lens: the back end thread failed and was restarted from the last saved snapshot; newer traces were lost. See the log.'
            : 'Trace Lens: the back end thread failed and was restarted; stored traces were lost. See the log.',
      );
    },
  });
  shutdownBackend = () => client.dispose();
  context.subscriptions.push({ dispose: () => void client.dispose() });
  const repository = new TraceRepository(client);
  context.subscriptions.push(
    repository,
    backendEvents.event((event) => {
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
        case 'diagnosticsChanged':
        case 'diagnosticsAlert':
          return; // the diagnostics feature listens to the same events
      }
    }),
    backendRestarts.event(() => repository.handleWorkerRestart()),
  );

  // Features, each wired by its register…() (src/extension/<feature>/).
  const source = registerSource(repository, context.extensionUri, log);
  // Traces as files: the drop controller exists before the Traces view, the commands after it.
  let openTrace: (traceId: string) => void = () => undefined;
  const files: FilesDeps = { worker: client, log, globalState: context.globalState, openTrace: (traceId) => openTrace(traceId) };
  const traces = registerTraces(context, repository, source.navigator, tracesDropController(files));
  openTrace = (traceId) => void traces.panels.open(traceId);
  files.filterQuery = () => traces.filter.query;
  context.subscriptions.push(...registerFiles(files));
  context.subscriptions.push(...source.disposables, ...traces.disposables);
  context.subscriptions.push(...registerSearch({ repository, filter: traces.filter, openTrace: (traceId, spanId) => traces.panels.open(traceId, spanId) }));
  context.subscriptions.push(
    ...registerUsage(context, {
      backend: client,
      onBackendRestart: backendRestarts.event,
      repository,
      treeView: traces.treeView,
      filter: traces.filter,
      onDidActivateTrace: traces.panels.onDidActivateTrace,
      openTrace: (traceId, spanId) => void traces.panels.open(traceId, spanId),
      log,
    }),
  );
  context.subscriptions.push(
    ...registerDiagnostics({
      repository,
      workspace: source.workspace,
      onBackendEvent: backendEvents.event,
      onBackendRestart: backendRestarts.event,
      openTrace: (traceId, spanId) => void traces.panels.open(traceId, spanId),
      log,
    }),
  );
  context.subscriptions.push(...registerCompare({ extensionUri: context.extensionUri, repository, treeView: traces.treeView, panels: traces.panels }));
  context.subscriptions.push(...registerForwarding({ worker: client, secrets: context.secrets, log }));
  context.subscriptions.push(
    ...registerReplay({ extensionUri: context.extensionUri, secrets: context.secrets, repository, panels: traces.panels, treeView: traces.treeView, log }),
  );
  context.subscriptions.push(
    ...registerAgents({ extensionUri: context.extensionUri, repository, workspace: source.workspace, panels: traces.panels, treeView: traces.treeView, log }),
  );
  // Last: the receiver starts (autoStart) once every view listens.
  const { receiver, disposables: receiverDisposables } = registerReceiver(client, repository, () => settings, log);
  context.subscriptions.push(...receiverDisposables);
  // The MCP server for coding agents follows the receiver's port.
  const mcp = registerMcp({
    extensionUri: context.extensionUri,
    version: String(context.extension.packageJSON.version ?? ''),
    receiver,
    settings: () => settings,
    // The same content policy, budget and redaction as the language model tools.
    agentOptions: () => {
      const a = readAgentSettings();
      return { includeContent: a.includeContent, budgetChars: a.outputBudgetCharacters, redactionPatterns: a.redactionPatterns };
    },
    log,
  });
  context.subscriptions.push(
    ...mcp.disposables,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('traceLens.agents')) mcp.refresh();
    }),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsSetting(e)) return;
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
      mcp.refresh();
    }),
  );

  const activationMs = performance.now() - started;
  log.info(`Trace Lens activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, receiverState: () => receiver.state };
}

/**
 * Everything is disposed through context.subscriptions; this only lets VS Code wait for the ingest
 * worker's final snapshot (persistence on), which the client's dispose starts.
 */
export function deactivate(): Promise<void> | undefined {
  const shutdown = shutdownBackend;
  shutdownBackend = undefined;
  return shutdown?.();
}
