import * as vscode from 'vscode';
import type { StoreStats, TraceId } from '../../model/trace';
import type { BackendClient } from '../../core/backend/backendClient';
import type { BackendEvent, BackendRequests } from '../../core/backend/protocol';
import { REMOTE_QUERY_METHODS, type RemoteStoreClient } from '../../core/receiver/windowChannel';
import { CONTEXT_KEYS } from '../ids';

/** A change the views should reflect; `all` means "reload everything". */
export interface StoreChange {
  all: boolean;
  changedTraceIds: ReadonlySet<TraceId>;
  removedTraceIds: ReadonlySet<TraceId>;
}

/** How often another window's store counters are polled while it is shown (ms). */
const REMOTE_POLL_MS = 1_000;

function isRemoteMethod(method: string): method is (typeof REMOTE_QUERY_METHODS)[number] {
  return (REMOTE_QUERY_METHODS as readonly string[]).includes(method);
}

const EMPTY_STATS: StoreStats = {
  traceCount: 0,
  spanCount: 0,
  logCount: 0,
  metricPointCount: 0,
  evictedTraceCount: 0,
  evictedSpanCount: 0,
  rejectedCount: 0,
  storeBytes: 0,
};

/**
 * The views' single access point to stored traces: queries go to the back end thread, change
 * events come back from it. While live updates are paused, changes are collected and delivered
 * as one `all` change on resume; stats keep updating.
 */
export class TraceRepository implements vscode.Disposable {
  private statsValue: StoreStats = EMPTY_STATS;
  private pausedValue = false;
  private missedWhilePaused = false;
  private readonly changeEmitter = new vscode.EventEmitter<StoreChange>();
  private readonly statsEmitter = new vscode.EventEmitter<StoreStats>();
  /** Fires when stored traces changed (not while paused). */
  readonly onDidChange = this.changeEmitter.event;
  /** Fires when counters changed (also while paused). */
  readonly onDidChangeStats = this.statsEmitter.event;

  /** Set while another window owns the receiver: queries go to its store (src/core/receiver/windowChannel.ts). */
  private remote: RemoteStoreClient | undefined;
  private remotePoll: ReturnType<typeof setInterval> | undefined;
  private remoteStatsKey = '';

  constructor(private readonly client: BackendClient) {}

  /** `true` while the traces shown are another window's. */
  get isRemote(): boolean {
    return this.remote !== undefined;
  }

  /**
   * Shows another window's store (`remote`) or this window's own (`undefined`). While remote, the
   * owner's counters are polled every `REMOTE_POLL_MS` and any change reloads the views (the owner
   * pushes no events across windows). Either switch reloads every view.
   */
  setRemote(remote: RemoteStoreClient | undefined): void {
    if (remote?.port === this.remote?.port && !!remote === !!this.remote) return;
    clearInterval(this.remotePoll);
    this.remotePoll = undefined;
    this.remote = remote;
    this.remoteStatsKey = '';
    if (remote) this.remotePoll = setInterval(() => void this.pollRemote(), REMOTE_POLL_MS);
    this.refresh();
  }

  get stats(): StoreStats {
    return this.statsValue;
  }

  get paused(): boolean {
    return this.pausedValue;
  }

  /** Sends one query to the worker. */
  query<M extends keyof BackendRequests & string>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']> {
    const remote = this.remote;
    if (remote && isRemoteMethod(method)) {
      return remote.request(method, params as never) as Promise<BackendRequests[M]['result']>;
    }
    return this.client.request(method, params);
  }

  private async pollRemote(): Promise<void> {
    const remote = this.remote;
    if (!remote) return;
    try {
      const stats = await remote.request('stats', {});
      if (remote !== this.remote) return;
      const key = JSON.stringify(stats);
      if (key === this.remoteStatsKey) return;
      this.remoteStatsKey = key;
      this.updateStats(stats);
      if (this.pausedValue) this.missedWhilePaused = true;
      else this.changeEmitter.fire({ all: true, changedTraceIds: new Set(), removedTraceIds: new Set() });
    } catch {
      // The owner is going away; the receiver controller notices and takes over or reconnects.
    }
  }

  /** Pauses or resumes live updates of the views. */
  setPaused(paused: boolean): void {
    if (paused === this.pausedValue) return;
    this.pausedValue = paused;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.paused, paused);
    if (!paused && this.missedWhilePaused) {
      this.missedWhilePaused = false;
      this.changeEmitter.fire({ all: true, changedTraceIds: new Set(), removedTraceIds: new Set() });
    }
  }

  /** Forces every view to reload. */
  refresh(): void {
    void this.query('stats', {}).then((stats) => this.updateStats(stats), () => undefined);
    this.changeEmitter.fire({ all: true, changedTraceIds: new Set(), removedTraceIds: new Set() });
  }

  /** Feeds one event from the worker (ignored while another window's store is shown). */
  handleWorkerEvent(event: Extract<BackendEvent, { type: 'storeChanged' }>): void {
    if (this.remote) return;
    this.updateStats(event.stats);
    const change: StoreChange = {
      all: event.truncated || event.cleared,
      changedTraceIds: new Set(event.changedTraceIds),
      removedTraceIds: new Set(event.removedTraceIds),
    };
    if (this.pausedValue && !event.cleared) {
      this.missedWhilePaused = true;
      return;
    }
    this.changeEmitter.fire(change);
  }

  /** The worker restarted empty. */
  handleWorkerRestart(): void {
    this.updateStats(EMPTY_STATS);
    this.changeEmitter.fire({ all: true, changedTraceIds: new Set(), removedTraceIds: new Set() });
  }

  dispose(): void {
    clearInterval(this.remotePoll);
    this.changeEmitter.dispose();
    this.statsEmitter.dispose();
  }

  private updateStats(stats: StoreStats): void {
    this.statsValue = stats;
    this.statsEmitter.fire(stats);
  }
}
