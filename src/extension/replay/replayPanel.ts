/**
 * Replay playgrounds: one webview per replayed model-call span (protocol src/protocol/replayView.ts).
 * The host rebuilds the request in the back end (`replayRequest`), turns each `send` into the
 * provider's request body (src/core/replay/wire), sends it with the official SDKs
 * (src/core/replay/client, loaded from dist/replay.js on the first replay), streams the answer to
 * the view, prices it like every stored call (`priceCall`) and records it as its own trace
 * (src/core/replay/replayTrace.ts, stored through `importOtlp`: not forwarded). Keys come from
 * SecretStorage (src/extension/replay/replayProviders.ts) and never reach the webview or a log.
 */
import * as vscode from 'vscode';
import { Channel, assertNever } from '../../protocol/channel';
import type { ReplayProviderChoice, ReplayViewCommand, ReplayViewEvent } from '../../protocol/replayView';
import type { ReplayProviderConfig, ReplayRequest, ReplayResult } from '../../model/replay';
import type { SpanId, TraceId } from '../../model/trace';
import { preselectProvider, providerBaseUrl } from '../../core/replay/providers';
import { openaiRequestBody } from '../../core/replay/wire/openaiRequest';
import { anthropicRequestBody } from '../../core/replay/wire/anthropicRequest';
import { replayCode } from '../../core/replay/code';
import { genAiProviderName } from '../../core/replay/client/endpoint';
import { replayTraceRequest, unixNanoFromMs } from '../../core/replay/replayTrace';
import { SETTINGS, SETTINGS_SECTION, WEBVIEW_PANELS } from '../ids';
import { readReplaySettings } from '../settings';
import { replayViewDocument } from '../webviewHtml';
import type { TraceRepository } from '../traces/traceRepository';
import type { ReplayProviders } from './replayProviders';

type SendReplay = typeof import('./replayRuntime').sendReplay;
let runtime: Promise<SendReplay> | undefined;

/** The replay client (dist/replay.js), loaded once. */
function loadSendReplay(): Promise<SendReplay> {
  runtime ??= import('./replayRuntime').then(
    (m) => m.sendReplay,
    (err: unknown) => {
      runtime = undefined;
      throw err;
    },
  );
  return runtime;
}

/** Opens playgrounds, one per span; a second Replay of the same span reveals the open one. */
export class ReplayPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ReplayPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly repository: TraceRepository,
    private readonly providers: ReplayProviders,
    private readonly log: vscode.LogOutputChannel,
    private readonly openTrace: (traceId: TraceId, spanId?: SpanId) => void,
  ) {}

  /** Opens (or reveals) the playground of `spanId` in `traceId`. */
  async open(traceId: TraceId, spanId: SpanId): Promise<void> {
    const key = `${traceId}:${spanId}`;
    const existing = this.panels.get(key);
    if (existing) return existing.reveal();
    const request = await this.repository.query('replayRequest', { traceId, spanId });
    if (!request) {
      void vscode.window.showWarningMessage('Trace Lens: this span is not a model call that can be replayed (or the trace is no longer stored).');
      return;
    }
    const panel = new ReplayPanel(this.extensionUri, this.repository, this.providers, this.log, request, {
      disposed: () => this.panels.delete(key),
      openTrace: this.openTrace,
    });
    this.panels.set(key, panel);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
  }
}

interface ReplayPanelHooks {
  disposed: () => void;
  openTrace: (traceId: TraceId, spanId?: SpanId) => void;
}

/** One playground: the rebuilt request, the providers, the runs. */
class ReplayPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: Channel<ReplayViewEvent, ReplayViewCommand, Record<string, never>, Record<string, never>>;
  private readonly runs = new Map<string, AbortController>();
  /** Models used in replays of this panel (offered first next time). */
  private readonly usedModels: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    extensionUri: vscode.Uri,
    private readonly repository: TraceRepository,
    private readonly providers: ReplayProviders,
    private readonly log: vscode.LogOutputChannel,
    private readonly request: ReplayRequest,
    private readonly hooks: ReplayPanelHooks,
  ) {
    const webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const spanName = request.source.spanName || 'model call';
    this.panel = vscode.window.createWebviewPanel(WEBVIEW_PANELS.replay, `Replay: ${spanName}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [webviewRoot],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'trace-lens.svg');
    this.channel = new Channel<ReplayViewEvent, ReplayViewCommand, Record<string, never>, Record<string, never>>(
      (envelope) => void this.panel.webview.postMessage(envelope),
      {},
      (command) => this.onCommand(command),
    );
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: unknown) => this.channel.receive(message)),
      this.panel.onDidDispose(() => this.dispose()),
      providers.onDidChange(() => void this.sendProviders()),
    );
    this.panel.webview.html = replayViewDocument({
      cspSource: this.panel.webview.cspSource,
      asset: (file) => this.panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, file)).toString(),
      spanName,
    });
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.runs.values()) c.abort();
    this.runs.clear();
    this.channel.close();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.hooks.disposed();
  }

  private post(event: ReplayViewEvent): void {
    if (!this.disposed) this.channel.send(event);
  }

  private async choices(): Promise<{ providers: ReplayProviderChoice[]; configs: ReplayProviderConfig[] }> {
    const views = await this.providers.views();
    return {
      configs: views,
      providers: views.map((v) => ({
        name: v.name,
        kind: v.kind,
        ...(v.baseUrl ? { baseUrl: v.baseUrl } : {}),
        hasKey: v.hasKey || v.local,
        ...(v.defaultModel ? { defaultModel: v.defaultModel } : {}),
      })),
    };
  }

  private models(configs: readonly ReplayProviderConfig[]): string[] {
    const out: string[] = [];
    const add = (m: string | undefined): void => {
      if (m && !out.includes(m)) out.push(m);
    };
    add(this.request.model);
    add(this.request.original.responseModel);
    for (const m of this.usedModels) add(m);
    for (const c of configs) add(c.defaultModel);
    return out;
  }

  private preselection(configs: readonly ReplayProviderConfig[]): { provider?: string; reason: string } {
    const chosen = preselectProvider(configs, this.request);
    if (chosen.provider) {
      const recorded = this.request.provider;
      return {
        provider: chosen.provider.name,
        reason: recorded ? `${chosen.provider.name} serves the recorded provider ${recorded}` : `${chosen.provider.name} speaks the ${chosen.provider.kind} API`,
      };
    }
    return { reason: chosen.reason ?? 'No provider configured' };
  }

  private async sendInit(): Promise<void> {
    const { providers, configs } = await this.choices();
    this.post({ type: 'init', request: this.request, providers, preselected: this.preselection(configs), models: this.models(configs) });
  }

  private async sendProviders(): Promise<void> {
    const { providers, configs } = await this.choices();
    this.post({ type: 'providers', providers, preselected: this.preselection(configs), models: this.models(configs) });
  }

  private onCommand(command: ReplayViewCommand): void {
    switch (command.type) {
      case 'ready':
        void this.sendInit();
        return;
      case 'send':
        void this.run(command.variantId, command.provider, command.model, command.request);
        return;
      case 'cancel':
        this.runs.get(command.variantId)?.abort();
        return;
      case 'copyAsCode':
        void this.copyAsCode(command.format, command.provider, command.request);
        return;
      case 'configureProviders':
        void vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.${SETTINGS.replayProviders}`);
        return;
      case 'setKey':
        void this.providers.promptForKey(command.provider);
        return;
      case 'openSpan':
        if (command.traceId === this.request.source.traceId) this.hooks.openTrace(command.traceId, command.spanId);
        return;
      case 'openReplayTrace':
        if (typeof command.traceId === 'string' && /^[0-9a-f]{32}$/.test(command.traceId)) this.hooks.openTrace(command.traceId);
        return;
      default:
        assertNever(command);
    }
  }

  private async copyAsCode(format: 'curl' | 'python' | 'typescript', providerName: string | undefined, request: ReplayRequest): Promise<void> {
    try {
      const provider = providerName ? this.providers.find(providerName) : undefined;
      const kind = provider?.kind ?? request.kind;
      const code = replayCode(request, kind, { baseUrl: provider ? providerBaseUrl(provider) : providerBaseUrl({ kind }), ...(request.model ? { model: request.model } : {}) });
      await vscode.env.clipboard.writeText(code[format]);
      this.post({ type: 'copied', format });
    } catch (err) {
      this.post({ type: 'copied', format, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** One run of a variant: body → provider (streamed) → priced → recorded as a trace. */
  private async run(variantId: string, providerName: string, model: string, request: ReplayRequest): Promise<void> {
    const provider = this.providers.find(providerName);
    if (!provider) {
      this.post({ type: 'replayError', variantId, error: { kind: 'other', message: `No replay provider named "${providerName}" is configured.` } });
      return;
    }
    const apiKey = await this.providers.keyOf(provider);
    if (apiKey === undefined) {
      this.post({
        type: 'replayError',
        variantId,
        error: { kind: 'auth', message: `No key is stored for ${provider.name}: use "Set key" (Trace Lens: Set Replay Provider Key…).` },
      });
      return;
    }
    const edited: ReplayRequest = { ...request, model };
    const { body } = provider.kind === 'anthropic' ? anthropicRequestBody(edited, { model, stream: true }) : openaiRequestBody(edited, { model, stream: true });
    if (!this.usedModels.includes(model)) this.usedModels.unshift(model);
    const controller = new AbortController();
    this.runs.set(variantId, controller);
    const baseUrl = providerBaseUrl(provider);
    const startMs = Date.now();
    this.post({ type: 'replayStarted', variantId });
    let result: ReplayResult;
    try {
      const sendReplay = await loadSendReplay();
      result = await sendReplay({
        kind: provider.kind,
        baseUrl,
        apiKey,
        body: body as unknown as Record<string, unknown>,
        signal: controller.signal,
        timeoutMs: readReplaySettings().requestTimeoutSeconds * 1000,
        providerName: provider.name,
        onEvent: (event) => {
          if (event.type !== 'done') this.post({ type: 'replayEvent', variantId, event });
        },
      });
    } catch (err) {
      result = { text: '', toolCalls: [], latencyMs: Date.now() - startMs, error: { kind: 'other', message: err instanceof Error ? err.message : String(err) } };
    } finally {
      this.runs.delete(variantId);
    }
    const endMs = Date.now();
    if (result.usage && !result.error) {
      const cost = await this.repository
        .query('priceCall', {
          provider: genAiProviderName(provider.kind, baseUrl),
          requestModel: model,
          ...(result.responseModel ? { responseModel: result.responseModel } : {}),
          usage: result.usage,
          timestamp: startMs,
        })
        .catch(() => undefined);
      if (cost && (cost.status === 'priced' || cost.status === 'reported')) result.costUsd = cost.costUsd;
    }
    if (result.error) this.post({ type: 'replayError', variantId, error: result.error });
    else this.post({ type: 'replayEvent', variantId, event: { type: 'done', result } });
    if (result.error?.kind === 'cancelled') return;
    await this.record(variantId, provider, model, edited, body as unknown as Record<string, unknown>, result, startMs, endMs, baseUrl);
  }

  /** Stores the replay as its own trace (linked to the source span) and tells the view its id. */
  private async record(
    variantId: string,
    provider: ReplayProviderConfig,
    model: string,
    request: ReplayRequest,
    body: Record<string, unknown>,
    result: ReplayResult,
    startMs: number,
    endMs: number,
    baseUrl: string,
  ): Promise<void> {
    try {
      const otlp = replayTraceRequest({
        request,
        body,
        result,
        providerName: provider.name,
        kind: provider.kind,
        model,
        baseUrl,
        startTimeUnixNano: unixNanoFromMs(startMs),
        endTimeUnixNano: unixNanoFromMs(Math.max(endMs, startMs + result.latencyMs)),
      });
      const bytes = new TextEncoder().encode(JSON.stringify(otlp));
      const imported = await this.repository.query('importOtlp', { kind: 'json', body: bytes, firstLine: 1, source: '' });
      const traceId = imported.traceIds[0];
      if (traceId) this.post({ type: 'replayTraced', variantId, traceId });
    } catch (err) {
      this.log.warn(`replay: the replay could not be recorded as a trace: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
