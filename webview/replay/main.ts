/**
 * Entry of the replay playground webview (bundled to `dist/webview/replay.js`, styles to
 * `replay.css`; document: `replayViewDocument` in src/extension/webviewHtml.ts).
 *
 * Flow (src/protocol/replayView.ts): say `ready` → the host sends `init` with the recorded request,
 * the providers and the preselection → the editor shows the request exactly as recorded (gaps
 * flagged), the answers side shows the original answer and one variant column. Send (or Ctrl+Enter
 * anywhere) posts one `send` per variant, each with a fresh run id; the host's `replayStarted`,
 * `replayEvent`s, `replayError` and `replayTraced` fill that variant's column as they arrive. The
 * edited request and the columns survive the view being hidden (`setState`). Every string from the
 * recording or a provider is rendered as text (lit escapes it).
 */
import './replay.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { html, nothing, render, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { ReplayRequest } from '../../src/model/replay';
import type { ReplayCodeFormat, ReplayPreselection, ReplayProviderChoice, ReplayViewEvent } from '../../src/protocol/replayView';
import { answersView } from './answers';
import { buildRequest, draftEdited, newDraft, type Draft } from './draft';
import { editorView, gapRow, generalGaps } from './editor';
import { connectToHost, sourceKey, type ReplayHostConnection } from './host';
import { topBarView } from './topbar';
import { applyRunEvent, cancelRun, interruptRuns, isRunning, newVariant, startRun, variantSend, type Variant } from './variants';

interface Loaded {
  request: ReplayRequest;
  providers: ReplayProviderChoice[];
  preselected: ReplayPreselection;
  models: string[];
  draft: Draft;
  provider?: string;
  model: string;
  variants: Variant[];
  nextVariant: number;
}

const CODE_LABEL: Record<ReplayCodeFormat, string> = { curl: 'curl', python: 'Python', typescript: 'TypeScript' };

class ReplayApp {
  private readonly conn: ReplayHostConnection;
  private s: Loaded | null = null;
  private unavailable: string | null = null;
  /** The polite announcement line (copied, finished, why Send did nothing). */
  private status = '';
  private frame = 0;
  private saveTimer = 0;
  /** Bumped on every change of the draft, the selection or the columns: what `derived` was computed for. */
  private version = 0;
  private derived: { version: number; blocked: string | undefined; edited: boolean } | null = null;

  constructor(private readonly root: HTMLElement) {
    this.conn = connectToHost((e) => this.onEvent(e));
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && this.s) {
        e.preventDefault();
        this.sendAll();
      }
    });
    this.render();
    this.conn.channel.send({ type: 'ready' });
  }

  private onEvent(e: ReplayViewEvent): void {
    switch (e.type) {
      case 'init':
        this.version++;
        this.init(e);
        this.render();
        return;
      case 'unavailable':
        this.unavailable = e.reason;
        this.s = null;
        this.render();
        return;
      case 'providers': {
        const s = this.s;
        if (!s) return;
        s.providers = e.providers;
        if (e.models) s.models = e.models;
        if (e.preselected) s.preselected = e.preselected;
        if (!s.provider || !e.providers.some((p) => p.name === s.provider)) this.pickProvider(e.preselected?.provider ?? s.preselected.provider, false);
        for (const v of s.variants) if (v.provider && !e.providers.some((p) => p.name === v.provider)) delete v.provider;
        this.changed();
        return;
      }
      case 'replayStarted':
      case 'replayEvent':
      case 'replayError':
      case 'replayTraced': {
        if (!this.s) return;
        const v = applyRunEvent(this.s.variants, e);
        if (!v) return;
        if (e.type === 'replayEvent' && e.event.type === 'done') this.announce(`${v.label}: ${v.run?.error ? 'failed' : 'answer complete'}.`);
        if (e.type === 'replayError' && e.error.kind !== 'cancelled') this.announce(`${v.label}: ${e.error.message}`);
        if (e.type !== 'replayEvent' || e.event.type === 'done') this.save();
        this.scheduleRender();
        return;
      }
      case 'copied':
        this.announce(e.error ? `Copy as Code (${CODE_LABEL[e.format]}) failed: ${e.error}` : `Copied the ${CODE_LABEL[e.format]} snippet to the clipboard.`);
        this.render();
        return;
    }
  }

  private init(e: Extract<ReplayViewEvent, { type: 'init' }>): void {
    this.unavailable = null;
    const key = sourceKey(e.request);
    const prev = this.s && sourceKey(this.s.request) === key ? this.s : undefined;
    const saved = prev ? undefined : this.conn.loadState(e.request);
    if (saved) interruptRuns(saved.variants);
    this.s = {
      request: e.request,
      providers: e.providers,
      preselected: e.preselected,
      models: e.models,
      draft: prev?.draft ?? saved?.draft ?? newDraft(e.request),
      model: prev?.model ?? saved?.model ?? '',
      variants: prev?.variants ?? saved?.variants ?? [newVariant(1)],
      nextVariant: prev?.nextVariant ?? saved?.nextVariant ?? 2,
    };
    const kept = prev?.provider ?? saved?.provider;
    if (kept && e.providers.some((p) => p.name === kept)) this.s.provider = kept;
    else this.pickProvider(e.preselected.provider, !prev && !saved);
    this.save();
  }

  /** The model the field gets for provider `p`: the recorded one when `p` speaks the recorded wire format, else `p`'s default. */
  private modelFor(p: ReplayProviderChoice | undefined): string {
    const s = this.s;
    if (!s) return '';
    const recorded = s.request.model ?? s.request.original.responseModel;
    if (!p) return recorded ?? '';
    return (p.kind === s.request.kind ? (recorded ?? p.defaultModel) : (p.defaultModel ?? recorded)) ?? '';
  }

  /**
   * Selects a provider. `setModel`: also set the model field to `modelFor` the provider (at start,
   * or when the user had not typed a model of their own).
   */
  private pickProvider(name: string | undefined, setModel: boolean): void {
    const s = this.s;
    if (!s) return;
    const before = s.providers.find((x) => x.name === s.provider);
    const p = s.providers.find((x) => x.name === name);
    const untouched = s.model.trim() === '' || s.model === this.modelFor(before);
    if (p) s.provider = p.name;
    else delete s.provider;
    if (setModel || untouched) s.model = this.modelFor(p);
  }

  private announce(text: string): void {
    this.status = text;
  }

  private changed(): void {
    this.version++;
    this.render();
    this.save();
  }

  private save(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => {
      const s = this.s;
      if (!s) return;
      this.conn.saveState({ source: sourceKey(s.request), draft: s.draft, ...(s.provider ? { provider: s.provider } : {}), model: s.model, variants: s.variants, nextVariant: s.nextVariant });
    }, 250);
  }

  /** Why Send cannot go now, or undefined. */
  private sendBlocked(s: Loaded): string | undefined {
    const { problems } = buildRequest(s.request, s.draft);
    if (problems.length) return `Fix ${problems.length === 1 ? 'one field' : `${problems.length} fields`} first: ${problems[0].where} — ${problems[0].error}`;
    if (!s.provider && s.variants.every((v) => !v.provider)) return s.providers.length ? 'Pick a provider to send.' : 'Configure a provider to send.';
    if (!s.model.trim() && s.variants.every((v) => !v.model.trim())) return 'Give a model to send.';
    return undefined;
  }

  private sendAll(): void {
    const s = this.s;
    if (!s) return;
    const blocked = this.sendBlocked(s);
    if (blocked) {
      this.announce(blocked);
      this.render();
      this.focusFirstInvalid();
      return;
    }
    const { request } = buildRequest(s.request, s.draft);
    for (const v of s.variants) this.sendVariant(v, request);
    this.changed();
  }

  private sendVariant(v: Variant, request?: ReplayRequest): void {
    const s = this.s;
    if (!s) return;
    let req = request;
    if (!req) {
      const built = buildRequest(s.request, s.draft);
      if (built.problems.length) {
        this.announce(`Fix the request first: ${built.problems[0].where} — ${built.problems[0].error}`);
        this.changed();
        this.focusFirstInvalid();
        return;
      }
      req = built.request;
    }
    const send = variantSend(v, req, { ...(s.provider ? { provider: s.provider } : {}), model: s.model });
    if (!send.ok) {
      this.announce(`${v.label}: ${send.error}.`);
      this.changed();
      return;
    }
    if (v.run && isRunning(v)) this.conn.channel.send({ type: 'cancel', variantId: v.run.id });
    const variantId = startRun(v, send);
    this.conn.channel.send({ type: 'send', variantId, provider: send.provider, model: send.model, request: send.request });
    this.changed();
  }

  private cancel(v: Variant): void {
    if (!v.run || !isRunning(v)) return;
    this.conn.channel.send({ type: 'cancel', variantId: v.run.id });
    cancelRun(v);
    this.changed();
  }

  private focusFirstInvalid(): void {
    requestAnimationFrame(() => {
      const el = this.root.querySelector<HTMLElement>('.editor [aria-invalid="true"]');
      if (!el) return;
      const section = el.closest('vscode-collapsible');
      if (section && !section.open) section.open = true;
      el.focus();
    });
  }

  private copyAsCode(format: ReplayCodeFormat): void {
    const s = this.s;
    if (!s) return;
    this.closeMenu(false);
    const { request, problems } = buildRequest(s.request, s.draft);
    if (problems.length) {
      this.announce(`Fix the request first: ${problems[0].where} — ${problems[0].error}`);
      this.render();
      return;
    }
    const model = s.model.trim() || request.model;
    this.conn.channel.send({ type: 'copyAsCode', format, ...(s.provider ? { provider: s.provider } : {}), request: { ...request, ...(model ? { model } : {}) } });
  }

  private menu(): (HTMLElement & { show: boolean }) | null {
    return this.root.querySelector('#code-menu');
  }

  private toggleMenu(): void {
    const m = this.menu();
    if (!m) return;
    m.show = !m.show;
    this.root.querySelector('#copy-code')?.setAttribute('aria-expanded', String(m.show));
  }

  private closeMenu(focusButton: boolean): void {
    const m = this.menu();
    if (m) m.show = false;
    const button = this.root.querySelector<HTMLElement>('#copy-code');
    button?.setAttribute('aria-expanded', 'false');
    if (focusButton) button?.focus();
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    render(this.view(), this.root);
  }

  private view(): TemplateResult {
    if (this.unavailable !== null) {
      return html`<div class="empty-state" role="alert"><span class="codicon codicon-circle-slash" aria-hidden="true"></span> <span>${this.unavailable}</span></div>`;
    }
    const s = this.s;
    if (!s) return html`<div class="empty-state"><vscode-progress-ring class="ring" aria-hidden="true"></vscode-progress-ring> Loading the recorded request…</div>`;
    // Streamed events re-render many times a second: the request is rebuilt only after a change.
    if (this.derived?.version !== this.version) this.derived = { version: this.version, blocked: this.sendBlocked(s), edited: draftEdited(s.request, s.draft) };
    const { blocked, edited } = this.derived;
    const general = generalGaps(s.request);
    const post = this.conn.channel;
    return html`<div class="app">
      ${topBarView({
        request: s.request,
        providers: s.providers,
        preselected: s.preselected,
        models: s.models,
        ...(s.provider ? { provider: s.provider } : {}),
        model: s.model,
        ...(blocked ? { sendBlocked: blocked } : {}),
        anyRunning: s.variants.some(isRunning),
        openSpan: () => post.send({ type: 'openSpan', traceId: s.request.source.traceId, spanId: s.request.source.spanId }),
        setProvider: (name) => {
          this.pickProvider(name, false);
          this.changed();
        },
        setModel: (model) => {
          s.model = model;
          this.changed();
        },
        send: () => this.sendAll(),
        cancelAll: () => s.variants.forEach((v) => this.cancel(v)),
        addVariant: () => {
          const v = newVariant(s.nextVariant++, true);
          s.variants.push(v);
          this.changed();
          requestAnimationFrame(() => {
            const col = this.root.querySelector<HTMLElement>(`.column[data-column="${v.id}"]`);
            col?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
            col?.querySelector<HTMLElement>('select, input')?.focus();
          });
        },
        toggleMenu: () => this.toggleMenu(),
        menuClosed: () => this.closeMenu(true),
        copyAsCode: (format) => this.copyAsCode(format),
        configure: () => post.send({ type: 'configureProviders' }),
        setKey: (provider) => post.send({ type: 'setKey', provider }),
        ...(edited
          ? {
              reset: () => {
                s.draft = newDraft(s.request);
                this.announce('The request is back to what was recorded.');
                this.changed();
              },
            }
          : {}),
      })}
      <div class="announce" role="status" aria-live="polite">${this.status}</div>
      <main class="panes">
        <section class="pane editor" aria-label="Request (as recorded; editable)">
          ${guard([this.version, s.request, s.draft], () => html`${general.length ? html`<div class="general-gaps">${general.map(gapRow)}</div>` : nothing}
            ${editorView({ request: s.request, draft: s.draft, changed: () => this.changed() })}`)}
        </section>
        <section class="pane answers" aria-label="Answers">
          ${answersView({
            request: s.request,
            variants: s.variants,
            providers: s.providers,
            top: { ...(s.provider ? { provider: s.provider } : {}), model: s.model },
            run: (v) => this.sendVariant(v),
            cancel: (v) => this.cancel(v),
            remove: (v) => {
              this.cancel(v);
              s.variants = s.variants.filter((x) => x !== v);
              this.changed();
            },
            changed: () => this.changed(),
            openTrace: (traceId) => post.send({ type: 'openReplayTrace', traceId }),
            setKey: (provider) => post.send({ type: 'setKey', provider }),
          })}
        </section>
      </main>
    </div>`;
  }
}

const app = document.getElementById('app');
if (app) new ReplayApp(app);
