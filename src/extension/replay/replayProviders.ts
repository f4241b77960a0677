/**
 * Host side of `traceLens.replay.providers`: the validated providers (src/core/replay/providers.ts),
 * their keys in VS Code SecretStorage (bound to name + base URL origin, never in settings or logs),
 * and the two commands that edit them: Add Replay Provider… and Set Replay Provider Key….
 */
import * as vscode from 'vscode';
import type { ReplayProviderConfig, ReplayProviderKind } from '../../model/replay';
import { isLocalProvider, providerBaseUrl, readReplayProviders, replaySecretKey } from '../../core/replay/providers';
import { SETTINGS, SETTINGS_SECTION } from '../ids';
import { affectsSetting, readReplaySettings } from '../settings';

/** A configured provider as the UI shows it. */
export interface ReplayProviderView extends ReplayProviderConfig {
  hasKey: boolean;
  /** A local server (localhost) works without a key. */
  local: boolean;
  baseUrlShown: string;
}

/** Settings + secrets of the replay providers; fires `onDidChange` when either changes. */
export class ReplayProviders implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private reportedErrors = '';

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsSetting(e, SETTINGS.replayProviders)) this.emitter.fire();
      }),
      secrets.onDidChange((e) => {
        if (e.key.startsWith('traceLens.replay/')) this.emitter.fire();
      }),
    );
  }

  /** The valid providers from the user settings; problems are logged once per distinct set. */
  configs(): ReplayProviderConfig[] {
    const settings = readReplaySettings();
    const { providers, errors } = readReplayProviders(settings.providers);
    const messages = [...errors, ...settings.ignored.map((i) => `${i.setting} in the ${i.scope} settings is ignored: replay providers are read from your user settings only`)];
    const text = messages.join('\n');
    if (text && text !== this.reportedErrors) for (const m of messages) this.log.warn(`replay: ${m}`);
    this.reportedErrors = text;
    return providers;
  }

  /** Providers with whether a key is stored for each (keys are not returned). */
  async views(): Promise<ReplayProviderView[]> {
    const out: ReplayProviderView[] = [];
    for (const p of this.configs()) {
      const key = await this.secrets.get(replaySecretKey(p));
      out.push({ ...p, hasKey: Boolean(key), local: isLocalProvider(p), baseUrlShown: providerBaseUrl(p) });
    }
    return out;
  }

  /** The provider named `name`, or `undefined`. */
  find(name: string): ReplayProviderConfig | undefined {
    return this.configs().find((p) => p.name === name);
  }

  /** The stored key of `provider` ('' for a local provider without one); `undefined` when none is stored for a remote one. */
  async keyOf(provider: ReplayProviderConfig): Promise<string | undefined> {
    const key = await this.secrets.get(replaySecretKey(provider));
    if (key) return key;
    return isLocalProvider(provider) ? '' : undefined;
  }

  /** Asks for the key of `provider` (or of one picked) and stores it; empty input deletes it. */
  async promptForKey(name?: string): Promise<boolean> {
    const providers = this.configs();
    if (providers.length === 0) {
      const add = await vscode.window.showInformationMessage('No replay provider is configured yet.', 'Add Replay Provider…');
      if (add) return this.addProvider();
      return false;
    }
    const provider =
      (name ? providers.find((p) => p.name === name) : undefined) ??
      (
        await vscode.window.showQuickPick(
          providers.map((p) => ({ label: p.name, description: `${p.kind} · ${providerBaseUrl(p)}`, provider: p })),
          { title: 'Set Replay Provider Key: provider' },
        )
      )?.provider;
    if (!provider) return false;
    const value = await vscode.window.showInputBox({
      title: `API key for ${provider.name} (${providerBaseUrl(provider)})`,
      password: true,
      ignoreFocusOut: true,
      prompt: 'Stored in VS Code SecretStorage for this provider and origin, never in settings or logs. Leave empty to delete.',
    });
    if (value === undefined) return false;
    const key = replaySecretKey(provider);
    if (value.trim()) await this.secrets.store(key, value.trim());
    else await this.secrets.delete(key);
    vscode.window.setStatusBarMessage(`$(key) Trace Lens: key ${value.trim() ? 'stored' : 'deleted'} for "${provider.name}"`, 3000);
    return true;
  }

  /** Guided entry of a provider: kind, base URL, name; written to the user settings, then the key. */
  async addProvider(): Promise<boolean> {
    type KindPick = vscode.QuickPickItem & { wire: ReplayProviderKind; baseUrl?: string; name: string };
    const picks: KindPick[] = [
      { label: 'OpenAI', description: 'https://api.openai.com/v1', wire: 'openai', name: 'OpenAI' },
      { label: 'Anthropic', description: 'https://api.anthropic.com', wire: 'anthropic', name: 'Anthropic' },
      { label: 'Ollama', description: 'http://localhost:11434/v1 (OpenAI-compatible, no key)', wire: 'openai', baseUrl: 'http://localhost:11434/v1', name: 'Ollama' },
      { label: 'LM Studio', description: 'http://localhost:1234/v1 (OpenAI-compatible, no key)', wire: 'openai', baseUrl: 'http://localhost:1234/v1', name: 'LM Studio' },
      { label: 'Other OpenAI-compatible server…', description: 'Azure OpenAI, vLLM, a gateway…', wire: 'openai', baseUrl: '', name: '' },
    ];
    const pick = await vscode.window.showQuickPick(picks, { title: 'Add Replay Provider' });
    if (!pick) return false;
    let baseUrl = pick.baseUrl;
    if (baseUrl === '') {
      baseUrl = await vscode.window.showInputBox({
        title: 'Add Replay Provider: base URL',
        prompt: 'The OpenAI-compatible base URL, e.g. http://localhost:8000/v1',
        validateInput: (v) => {
          try {
            const u = new URL(v.trim());
            return u.protocol === 'http:' || u.protocol === 'https:' ? (u.username || u.password ? 'No credentials in the URL: the key is asked for next' : undefined) : 'http or https';
          } catch {
            return 'Not a URL';
          }
        },
      });
      if (!baseUrl) return false;
      baseUrl = baseUrl.trim();
    }
    const existing = this.configs();
    const name = await vscode.window.showInputBox({
      title: 'Add Replay Provider: name',
      value: pick.name || new URL(baseUrl ?? 'http://provider').hostname,
      validateInput: (v) => (!v.trim() ? 'A name is needed' : existing.some((p) => p.name === v.trim()) ? 'This name is already used' : undefined),
    });
    if (!name) return false;
    const entry: ReplayProviderConfig = { name: name.trim(), kind: pick.wire, ...(baseUrl ? { baseUrl } : {}) };
    const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const current = c.inspect<unknown[]>(SETTINGS.replayProviders)?.globalValue;
    await c.update(SETTINGS.replayProviders, [...(Array.isArray(current) ? current : []), entry], vscode.ConfigurationTarget.Global);
    if (!isLocalProvider(entry)) await this.promptForKey(entry.name);
    return true;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
