/**
 * The playground's top bar: the source span (opens it), the provider dropdown (with the reason of
 * the preselection, a missing key, or no provider at all), the model field (free text with
 * suggestions), Send (Ctrl+Enter), Add variant, the Copy as Code menu and Configure providers.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ReplayRequest } from '../../src/model/replay';
import type { ReplayCodeFormat, ReplayPreselection, ReplayProviderChoice } from '../../src/protocol/replayView';

/** What the top bar needs from the app. */
export interface TopBarContext {
  request: ReplayRequest;
  providers: ReplayProviderChoice[];
  preselected: ReplayPreselection;
  models: string[];
  provider?: string;
  model: string;
  /** Why Send cannot go now (shown beside it), if it cannot. */
  sendBlocked?: string;
  anyRunning: boolean;
  openSpan: () => void;
  setProvider: (name: string) => void;
  setModel: (model: string) => void;
  send: () => void;
  cancelAll: () => void;
  addVariant: () => void;
  /** Opens the Copy as Code menu, or closes it when open. */
  toggleMenu: () => void;
  /** The menu closed (Escape, Tab): focus goes back to its button. */
  menuClosed: () => void;
  copyAsCode: (format: ReplayCodeFormat) => void;
  configure: () => void;
  setKey: (provider: string) => void;
  reset?: () => void;
}

/** The Copy as Code menu's entries; the SDK is the one of the provider's wire format (`openai` / `anthropic`). */
function codeFormats(kind: string): Array<{ label: string; value: ReplayCodeFormat }> {
  return [
    { label: 'curl', value: 'curl' },
    { label: `Python (${kind} SDK)`, value: 'python' },
    { label: `TypeScript (${kind} SDK)`, value: 'typescript' },
  ];
}

function providerNote(ctx: TopBarContext): TemplateResult | typeof nothing {
  if (!ctx.providers.length) {
    return html`<div class="provider-note warn" role="note"><span class="codicon codicon-warning" aria-hidden="true"></span>
      <span>${ctx.preselected.reason || 'No provider configured.'}</span>
      <button class="link" @click=${ctx.configure}>Configure providers…</button></div>`;
  }
  const p = ctx.providers.find((x) => x.name === ctx.provider);
  if (!p) {
    return html`<div class="provider-note warn" role="note"><span class="codicon codicon-warning" aria-hidden="true"></span>
      <span>${ctx.preselected.reason || 'Pick a provider.'}</span>
      <button class="link" @click=${ctx.configure}>Configure providers…</button></div>`;
  }
  const kindMismatch = p.kind !== ctx.request.kind ? html` <span class="muted">(recorded call spoke ${ctx.request.kind}; the request is translated to ${p.kind})</span>` : nothing;
  return html`<div class="provider-note" role="note">
    <span class="muted">${p.name === ctx.preselected.provider ? ctx.preselected.reason : `${p.kind}${p.baseUrl ? ` · ${p.baseUrl}` : ''}`}</span>${kindMismatch}
    ${p.hasKey
      ? nothing
      : html`<span class="no-key"><span class="codicon codicon-key" aria-hidden="true"></span> no API key stored for ${p.name}</span>
          <button class="link set-key" @click=${() => ctx.setKey(p.name)}>Set key…</button>`}
  </div>`;
}

/** The top bar. */
export function topBarView(ctx: TopBarContext): TemplateResult {
  const r = ctx.request;
  const recorded = [r.provider, r.model].filter(Boolean).join(' · ');
  return html`<header class="topbar">
    <div class="source">
      <button class="link source-link" title="Open the recorded span in its trace" @click=${ctx.openSpan}>
        <span class="codicon codicon-symbol-event" aria-hidden="true"></span> ${r.source.spanName}
      </button>
      <span class="muted source-facts">${recorded ? `recorded ${recorded}` : 'provider and model not recorded'}${r.source.conventions.length ? ` · ${r.source.conventions.join(', ')}` : ''}${r.stream ? ' · streamed' : ''}</span>
      ${ctx.reset ? html`<button class="link reset" title="Undo every edit: back to the recorded request" @click=${ctx.reset}><span class="codicon codicon-discard" aria-hidden="true"></span> Reset to recorded</button>` : nothing}
    </div>
    <div class="controls">
      <div class="control provider">
        <label id="provider-label" for="provider">Provider</label>
        ${ctx.providers.length
          ? html`<vscode-single-select id="provider" aria-labelledby="provider-label" .value=${ctx.provider ?? ''} @change=${(e: Event) => ctx.setProvider((e.target as HTMLSelectElement).value)}>
              ${ctx.provider === undefined ? html`<vscode-option value="" selected>Pick a provider…</vscode-option>` : nothing}
              ${ctx.providers.map((p) => html`<vscode-option value=${p.name} description=${`${p.kind}${p.hasKey ? '' : ', no key'}`} ?selected=${p.name === ctx.provider}>${p.name}</vscode-option>`)}
            </vscode-single-select>`
          : html`<vscode-button id="provider" secondary icon="gear" @click=${ctx.configure}>Configure providers…</vscode-button>`}
      </div>
      <div class="control model">
        <label for="model">Model</label>
        <input id="model" class="input" list="model-suggestions" spellcheck="false" autocomplete="off" placeholder="model name" .value=${ctx.model} @input=${(e: Event) => ctx.setModel((e.target as HTMLInputElement).value)} />
        <datalist id="model-suggestions">${ctx.models.map((m) => html`<option value=${m}></option>`)}</datalist>
      </div>
      <div class="actions">
        <vscode-button id="send" icon="play" title="Send every variant (Ctrl+Enter)" aria-keyshortcuts="Control+Enter" ?disabled=${!!ctx.sendBlocked} @click=${ctx.send}>Send</vscode-button>
        ${ctx.anyRunning ? html`<vscode-button id="stop-all" secondary icon="debug-stop" title="Stop every running replay" @click=${ctx.cancelAll}>Stop</vscode-button>` : nothing}
        <vscode-button id="add-variant" secondary icon="add" title="Another column: another model, provider or temperature" @click=${ctx.addVariant}>Add variant</vscode-button>
        <div class="menu-anchor">
          <vscode-button id="copy-code" secondary icon="code" icon-after="chevron-down" aria-haspopup="menu" @click=${(e: Event) => {
            e.stopPropagation();
            ctx.toggleMenu();
          }}>Copy as Code</vscode-button>
          <vscode-context-menu
            id="code-menu"
            tabindex="-1"
            .data=${codeFormats(ctx.providers.find((p) => p.name === ctx.provider)?.kind ?? r.kind)}
            @vsc-context-menu-select=${(e: CustomEvent<{ value: string }>) => ctx.copyAsCode(e.detail.value as ReplayCodeFormat)}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Escape' || e.key === 'Tab') ctx.menuClosed();
            }}
          ></vscode-context-menu>
        </div>
        <vscode-button id="configure" secondary icon="gear" title="Configure providers (traceLens.replay.providers)" aria-label="Configure providers" @click=${ctx.configure}></vscode-button>
      </div>
    </div>
    ${providerNote(ctx)}
    ${ctx.sendBlocked ? html`<div class="send-blocked muted" id="send-blocked"><span class="codicon codicon-info" aria-hidden="true"></span> ${ctx.sendBlocked}</div>` : nothing}
  </header>`;
}
