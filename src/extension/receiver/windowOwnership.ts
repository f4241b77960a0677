/**
 * Many windows, one receiver. Every VS Code window activates Trace Lens, but only one can listen
 * on the OTLP port: it owns the receiver and the store and serves the other windows through the
 * query channel (src/core/receiver/windowChannel.ts). A window whose port is held by Trace Lens
 * elsewhere (identity checked) shows that window's traces; the receiver controller keeps trying
 * the port, so when the owner closes, one of the others takes over within seconds.
 *
 * The channel's secret is per user: `~/.trace-lens/window-channel.secret` (directory 0700, file
 * 0600, 32 random bytes), created by the first window that needs it. Other local users cannot
 * read it; web pages never reach the channel (requests with an `Origin` are refused).
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { RemoteStoreClient, WINDOW_CHANNEL_PROTOCOL, type WindowChannelServerOptions } from '../../core/receiver/windowChannel';
import { readOrCreateSecret, secretPath } from '../../core/receiver/windowSecret';
import type { BackendClient } from '../../core/backend/backendClient';
import type { ReceiverController } from './receiverController';
import type { TraceRepository } from '../traces/traceRepository';

/** This window's side of the channel: what it serves while it owns the port. */
export function createWindowChannel(worker: BackendClient, log: vscode.LogOutputChannel): WindowChannelServerOptions {
  let secret: string | undefined;
  return {
    identity: {
      product: 'trace-lens',
      protocol: WINDOW_CHANNEL_PROTOCOL,
      instanceId: randomUUID(),
      pid: process.pid,
      workspace: vscode.workspace.name ?? '',
    },
    secret: () => {
      secret ??= readOrCreateSecret();
      if (!secret) log.warn(`window channel: cannot read or create ${secretPath()}; other windows cannot show this window's traces`);
      return secret;
    },
    query: (method, params) => worker.request(method, params as never),
  };
}

/** Points the repository at the owning window's store while another window owns the port. */
export function followReceiverOwner(receiver: ReceiverController, repository: TraceRepository, log: vscode.LogOutputChannel): vscode.Disposable {
  const apply = (): void => {
    const http = receiver.state.http;
    if (http.kind === 'otherWindow' && http.owner.protocol === WINDOW_CHANNEL_PROTOCOL) {
      const secret = readOrCreateSecret();
      if (!secret) {
        log.warn(`window channel: cannot read ${secretPath()}; the traces of the window that owns port ${http.port} cannot be shown here`);
        repository.setRemote(undefined);
        return;
      }
      repository.setRemote(new RemoteStoreClient(http.port, secret));
    } else {
      repository.setRemote(undefined);
    }
  };
  apply();
  return receiver.onDidChangeState(apply);
}
