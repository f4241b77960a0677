/**
 * Many windows, one receiver. Every VS Code window activates Trace Lens, but only one can listen
 * on the OTLP port: it owns the receiver and the store and serves the other windows through the
 * query channel (src/core/receiver/windowChannel.ts). A window whose port is held by Trace Lens
 * elsewhere — one that proved it knows this user's secret — shows that window's traces; the
 * receiver controller keeps trying the port, so when the owner closes, one of the others takes
 * over within seconds.
 *
 * The channel's secret is per user: `~/.trace-lens/window-channel-2.secret` (folder 0700, file
 * 0600, 32 random bytes), created by the first window that needs it, refused (with the reason in
 * the log) when other users could read or replace it (src/core/receiver/windowSecret.ts). It never
 * crosses the wire: both sides prove they know it with HMACs over fresh nonces, so a program that
 * takes the port as another user learns nothing and cannot pass for the owner. Web pages never
 * reach the channel (requests with an `Origin` are refused).
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { RemoteStoreClient, WINDOW_CHANNEL_PROTOCOL, type WindowChannelServerOptions } from '../../core/receiver/windowChannel';
import { readOrCreateSecret } from '../../core/receiver/windowSecret';
import type { BackendClient } from '../../core/backend/backendClient';
import type { ReceiverController } from './receiverController';
import type { TraceRepository } from '../traces/traceRepository';

/** Reasons already logged, so a refused secret file costs one log line, not one per request. */
const loggedReasons = new Set<string>();
let cachedSecret: string | undefined;

/**
 * This window's copy of the per-user secret, read on first use and kept once usable; `undefined`
 * (with one warning per distinct reason) while the file is missing, unreadable or refused, and
 * read again at the next use, so fixing the file needs no reload.
 */
function windowSecret(log: vscode.LogOutputChannel): string | undefined {
  cachedSecret ??= readOrCreateSecret(undefined, (reason) => {
    if (loggedReasons.has(reason)) return;
    loggedReasons.add(reason);
    log.warn(`window channel off: ${reason}. Other VS Code windows cannot show this window's traces, nor this window theirs.`);
  });
  return cachedSecret;
}

/** This window's side of the channel: what it serves while it owns the port. */
export function createWindowChannel(worker: BackendClient, log: vscode.LogOutputChannel): WindowChannelServerOptions {
  return {
    identity: {
      product: 'trace-lens',
      protocol: WINDOW_CHANNEL_PROTOCOL,
      instanceId: randomUUID(),
      pid: process.pid,
      workspace: vscode.workspace.name ?? '',
    },
    secret: () => windowSecret(log),
    query: (method, params) => worker.request(method, params as never),
  };
}

/** Points the repository at the owning window's store while another window owns the port (verified by the controller). */
export function followReceiverOwner(receiver: ReceiverController, repository: TraceRepository, log: vscode.LogOutputChannel): vscode.Disposable {
  const apply = (): void => {
    const http = receiver.state.http;
    if (http.kind === 'otherWindow' && http.owner.protocol === WINDOW_CHANNEL_PROTOCOL) {
      const secret = windowSecret(log);
      if (!secret) {
        log.warn(`window channel: no usable window secret; the traces of the window that owns port ${http.port} cannot be shown here`);
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
