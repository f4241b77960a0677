/**
 * Host side of forwarding: turns settings + SecretStorage into the worker's `configureForwarding`
 * request, keeps the per-target status fresh (polling `forwardingStatus` while targets exist),
 * and re-sends the configuration when the worker restarted (it comes back with `configId` -1).
 *
 * Secrets: read from `context.secrets` only, sent to the worker in memory, never logged; the
 * reasons and warnings shown in the UI never contain secret values. Each secret is stored for the
 * target's name *and* its endpoint's origin (`boundSecretKey`, `secretOrigin` in presets.ts): a
 * target whose URL now points to another origin gets no secret (it shows "missing secret for
 * <origin>") until the user sets it for that origin. Secrets stored by name only (before this
 * binding) are not used: the user is asked once per session and target whether they belong to the
 * target's current origin (then they move there) or not (then they are deleted).
 *
 * Settings come from `readForwardingSettings` (user values only; a workspace value is ignored and
 * logged once per setting and scope).
 */
import * as vscode from 'vscode';
import { boundSecretKey, PRESETS, resolveTarget, secretKey, secretOrigin, type SecretSlotId } from '../../core/forwarding/presets';
import type { ForwardingConfig, ForwardingStatus, ForwardingTargetSetting, ForwardTracesParams, ForwardTracesResult, ResolvedTarget } from '../../core/forwarding/types';
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
  /** `name → origin` pairs whose name-only secrets the user was already asked about (this session). */
  private readonly askedLegacy = new Set<string>();
  /** Ignored workspace values already logged (one warning each per session). */
  private readonly loggedIgnored = new Set<string>();
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

  /**
   * Stores (or with `undefined`/'' deletes) one secret of `target` for its endpoint's current
   * origin; the name-only copy of that slot, if any, is deleted.
   * @throws Error when the target's endpoint is not an http(s) URL (no origin to bind to).
   */
  async setSecret(target: Pick<ForwardingTargetSetting, 'name' | 'preset' | 'endpoint'>, slot: SecretSlotId, value: string | undefined): Promise<void> {
    const origin = secretOrigin(target);
    if (!origin) throw new Error(`the endpoint of "${target.name}" is not a valid http(s) URL; fix it before setting its secrets`);
    const key = boundSecretKey(target.name, origin, slot);
    if (value === undefined || value === '') await this.secrets.delete(key);
    else await this.secrets.store(key, value);
    if (await this.secrets.get(secretKey(target.name, slot))) await this.secrets.delete(secretKey(target.name, slot));
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
    for (const ignored of this.settings.ignoredWorkspaceValues) {
      const line = `forwarding: ignored the ${ignored.scope === 'workspace' ? 'workspace' : 'workspace folder'} value of ${ignored.setting}: it is read from your user settings only (a workspace must not choose where your telemetry and keys go)`;
      if (this.loggedIgnored.has(line)) continue;
      this.loggedIgnored.add(line);
      this.log.warn(line);
    }
    const resolved: ResolvedTarget[] = [];
    const views: TargetView[] = [];
    const seen = new Set<string>();
    for (const setting of this.settings.targets) {
      const secretsSet: TargetView['secretsSet'] = {};
      const values: Partial<Record<SecretSlotId, string>> = {};
      /** Slots with a name-only secret (stored before secrets were bound to origins); never used as is. */
      const legacy: Partial<Record<SecretSlotId, true>> = {};
      const preset = PRESETS[setting.preset];
      const origin = secretOrigin(setting);
      for (const slot of preset.secrets) {
        const v = origin ? await this.secrets.get(boundSecretKey(setting.name, origin, slot.id)) : undefined;
        if (v) {
          values[slot.id] = v;
          secretsSet[slot.id] = true;
        } else {
          const old = await this.secrets.get(secretKey(setting.name, slot.id));
          if (old) legacy[slot.id] = true;
        }
      }
      if (seen.has(setting.name)) {
        views.push({ setting, secretsSet, warnings: [], problem: `another target is also named "${setting.name}"; names must be unique` });
        continue;
      }
      seen.add(setting.name);
      const r = resolveTarget(setting, (slot) => values[slot], { ownPorts: this.settings.ownPorts });
      if (origin && Object.keys(legacy).length > 0) this.askAboutLegacySecrets(setting, origin, Object.keys(legacy) as SecretSlotId[]);
      if (r.ok) {
        resolved.push(r.target);
        views.push({ setting, secretsSet, warnings: r.warnings });
        continue;
      }
      const missing = preset.secrets.filter((slot) => slot.required && !values[slot.id]);
      let problem = r.reason;
      if (origin && missing.length > 0 && r.reason.startsWith('missing secret')) {
        const waiting = missing.some((slot) => legacy[slot.id]);
        problem = waiting
          ? `the key stored for "${setting.name}" before keys were tied to an endpoint is not used until you confirm it for ${origin} (or set it again with "Trace Lens: Set Forwarding Secret…")`
          : `missing secret for ${origin}: ${missing.map((m) => m.label).join(', ')} (keys are kept per endpoint origin; run "Trace Lens: Set Forwarding Secret…")`;
      }
      views.push({ setting, secretsSet, warnings: [], problem });
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

  /**
   * Asks once per session whether the name-only secrets (`slots`) of `setting` belong to its current
   * `origin`: yes moves them to that origin's keys, no deletes them; dismissing leaves them unused.
   * Not awaited: a reload never waits for the user.
   */
  private askAboutLegacySecrets(setting: ForwardingTargetSetting, origin: string, slots: SecretSlotId[]): void {
    const asked = `${setting.name}\n${origin}`;
    if (this.askedLegacy.has(asked)) return;
    this.askedLegacy.add(asked);
    const use = `Use Them for ${origin}`;
    const remove = 'Delete Them';
    void vscode.window
      .showWarningMessage(
        `Trace Lens: the forwarding keys of "${setting.name}" were stored before keys were tied to an endpoint, so they are not sent anywhere for now. Do they belong to ${origin}?`,
        use,
        remove,
      )
      .then(async (answer) => {
        if (answer === use) {
          // Read again (not kept from the question); bound to the origin the user was shown, even if
          // the target moved while the question was open.
          for (const slot of slots) {
            const value = await this.secrets.get(secretKey(setting.name, slot));
            if (value) await this.secrets.store(boundSecretKey(setting.name, origin, slot), value);
          }
        }
        if (answer === use || answer === remove) {
          for (const slot of slots) await this.secrets.delete(secretKey(setting.name, slot));
          this.log.info(`forwarding target "${setting.name}": the keys stored by name only were ${answer === use ? `bound to ${origin}` : 'deleted'}`);
        }
      })
      .then(undefined, (error: unknown) => this.log.error(`forwarding target "${setting.name}": ${(error as Error).message}`));
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
