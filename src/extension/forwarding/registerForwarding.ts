/**
 * Forwarding feature, wired in one call from the composition root: the controller (settings +
 * secrets → worker), the "Forwarding" tree section, its own status bar item, and the commands.
 */
import * as vscode from 'vscode';
import { VIEWS } from '../ids';
import { ForwardingController, type WorkerRequester } from './forwardingController';
import { registerForwardingCommands } from './forwardingCommands';
import { ForwardingStatusBar, ForwardingTreeProvider } from './forwardingView';

export interface ForwardingDeps {
  worker: WorkerRequester;
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
}

/** Builds the forwarding feature; every disposable is in the returned list. */
export function registerForwarding(deps: ForwardingDeps): vscode.Disposable[] {
  const controller = new ForwardingController(deps.worker, deps.secrets, deps.log);
  const tree = new ForwardingTreeProvider(controller);
  const view = vscode.window.createTreeView(VIEWS.forwarding, { treeDataProvider: tree });
  const updateDescription = () => {
    view.description = controller.targets.length === 0 ? undefined : controller.enabled ? 'on' : 'off';
  };
  updateDescription();
  return [
    controller,
    tree,
    view,
    controller.onDidChange(updateDescription),
    new ForwardingStatusBar(controller),
    ...registerForwardingCommands({ controller, worker: deps.worker, log: deps.log }),
  ];
}
