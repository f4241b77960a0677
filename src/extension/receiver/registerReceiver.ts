/**
 * Receiver feature, wired in one call from the composition root: the OTLP/HTTP and gRPC
 * receivers (`ReceiverController`), many-window ownership of the port, the receiver status bar
 * item, its commands, and the start at activation (`traceLens.receiver.autoStart`).
 */
import type * as vscode from 'vscode';
import type { BackendClient } from '../../core/backend/backendClient';
import type { TraceLensSettings } from '../settings';
import type { TraceRepository } from '../traces/traceRepository';
import { ReceiverController, busyEndpoints } from './receiverController';
import { offerPortFix, registerReceiverCommands } from './receiverCommands';
import { ReceiverStatusBar } from './receiverStatusBar';
import { createWindowChannel, followReceiverOwner } from './windowOwnership';

/** The receiver feature: its controller (the API reports its state) and everything to dispose. */
export interface ReceiverFeature {
  receiver: ReceiverController;
  disposables: vscode.Disposable[];
}

/**
 * Builds the receiver feature. `settings` returns the current settings (the composition root
 * re-reads them on change and calls `restartIfChanged`).
 */
export function registerReceiver(
  backend: BackendClient,
  repository: TraceRepository,
  settings: () => TraceLensSettings,
  log: vscode.LogOutputChannel,
): ReceiverFeature {
  // One window owns the port and the store; the others show its traces (windowOwnership.ts).
  const receiver = new ReceiverController(backend, settings, log, createWindowChannel(backend, log));
  const disposables: vscode.Disposable[] = [
    receiver,
    followReceiverOwner(receiver, repository, log),
    new ReceiverStatusBar(receiver, repository),
    ...registerReceiverCommands({ receiver, repository, log }),
  ];
  if (settings().receiver.autoStart) {
    void receiver.start().then((state) => offerPortFix(busyEndpoints(state)));
  }
  return { receiver, disposables };
}
