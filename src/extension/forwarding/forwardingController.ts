/**
 * Host side of forwarding: turns settings + SecretStorage into the worker's `configureForwarding`
 * request, keeps the per-target status fresh (polling `forwardingStatus` while targets exist),
 * and re-sends the configuration when the worker restarted (it comes back with `configId` -1).
 *
 * Secrets: read from `context.secrets` only, sent to the worker in memory, never logged; the
 * reasons and warnings shown in the UI never contain secret values.
 */
import * as vscode from 'vscode';
import { PRESETS, resolveTarget, secretKey, type SecretSlotId } from '../../core/forwarding/presets';
import type { ForwardingConfig, ForwardingStatus, ForwardTracesParams, ForwardTracesResult, ResolvedTarget } from '../../core/forwarding/types';
import type { BackendRequests } from '../../core/backend/protocol';
import { readForwardingSettings, type ForwardingSettings } from './forwardingSettings';
import type { TargetView } from './forwardingModel';


/** What the controller needs from the back end thread client. */
export interface WorkerRequester {
  request<M extends keyof BackendRequests & string>(method: M, params: BackendRequests[M]['params']): Promise<BackendRequests[M]['result']>;
}

const POLL_INTERVAL_MS = 2000;

export class ForwardingController implements vscode.Disposable {
  private settings: ForwardingSettings = readForwardingSettings();
  private views: TargetView[] = [];
  private configId = 0;
  private lastStatus: ForwardingStatus | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** Fires when targets, their problems or their counters change. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly worker: WorkerRequester,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('traceLens.forwarding') || e.affectsConfiguration('traceLens.receiver')) void this.reload();
      }),
      secrets.onDidChange((e) => {
        if (e.key.startsWith('traceLens.forwarding/')) void this.reload();
      }),
    );
    void this.reload();
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  get targets(): readonly TargetView[] {
    return this.views;
  }

  /** Re-reads settings and secrets and reconfigures the worker (coalesced). */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          await this.reloadOnce();
        } catch (error) {
          this.log.error(`forwarding: could not configure the worker: ${(error as Error).message}`);
        }
      } while (this.reloadAgain);
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  async getSecret(target: string, slot: SecretSlotId): Promise<string | undefined> {
    return this.secrets.get(secretKey(target, slot));
  }

  async setSecret(target: string, slot: SecretSlotId, value: string | undefined): Promise<void> {
    if (value === undefined || value === '') await this.secrets.delete(secretKey(target, slot));
    else await this.secrets.store(secretKey(target, slot), value);
  }

  /** Sends stored traces now; failures come back per target. */
  sendTraces(params: ForwardTracesParams): Promise<ForwardTracesResult> {
    return this.worker.request('forwardTraces', params).finally(() => void this.poll());
  }

  dispose(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    for (const d of this.disposables) d.dispose();
  }

  private async reloadOnce(): Promise<void> {
    this.settings = readForwardingSettings();
    const resolved: ResolvedTarget[] = [];
    const views: TargetView[] = [];
    const seen = new Set<string>();
    for (const setting of this.settings.targets) {
      const secretsSet: TargetView['secretsSet'] = {};
      const values: Partial<Record<SecretSlotId, string>> = {};
      const preset = PRESETS[setting.preset];
      for (const slot of preset.secrets) {
        const v = await this.secrets.get(secretKey(setting.name, slot.id));
        if (v) {
          values[slot.id] = v;
          secretsSet[slot.id] = true;
        }
      }
      if (seen.has(setting.name)) {
        views.push({ setting, secretsSet, warnings: [], problem: `another target is also named "${setting.name}"; names must be unique` });
        continue;
      }
      seen.add(setting.name);
      const r = resolveTarget(setting, (slot) => values[slot], { ownPorts: this.settings.ownPorts });
      if (r.ok) {
        resolved.push(r.target);
        views.push({ setting, secretsSet, warnings: r.warnings });
      } else {
        views.push({ setting, secretsSet, warnings: [], problem: r.reason });
      }
    }
    for (const v of views) {
      if (v.problem) this.log.warn(`forwarding target "${v.setting.name}": ${v.problem}`);
      for (const w of v.warnings) this.log.info(`forwarding target "${v.setting.name}": ${w}`);
    }
    const previous = new Map(this.views.map((v) => [v.setting.name, v.status]));
    for (const v of views) if (!v.problem) v.status = previous.get(v.setting.name);
    this.views = views;
    const config: ForwardingConfig = { configId: ++this.configId, enabled: this.settings.enabled, targets: resolved, limits: this.settings.limits };
    await this.worker.request('configureForwarding', config);
    this.updatePolling();
    this.changed.fire();
    void this.poll();
  }

  private updatePolling(): void {
    const wanted = this.settings.targets.length > 0;
    if (wanted && !this.pollTimer) this.pollTimer = setInterval(() => void this.poll(), POLL_INTERVAL_MS);
    if (!wanted && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  private async poll(): Promise<void> {
    let status: ForwardingStatus;
    try {
      status = await this.worker.request('forwardingStatus', {});
    } catch {
      return; // worker restarting; the next poll sees configId -1 and reconfigures
    }
    if (status.configId !== this.configId && !this.reloading) {
      this.log.info('forwarding: the back end thread lost its configuration (restart?); configuring it again');
      void this.reload();
      return;
    }
    const byName = new Map(status.targets.map((t) => [t.name, t]));
    let differs = JSON.stringify(status) !== JSON.stringify(this.lastStatus);
    for (const v of this.views) {
      const next = v.problem ? undefined : byName.get(v.setting.name);
      if (JSON.stringify(next) !== JSON.stringify(v.status)) differs = true;
      v.status = next;
    }
    this.lastStatus = status;
    if (differs) this.changed.fire();
  }
}
