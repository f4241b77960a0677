/**
 * The details pane for one span: summary, then collapsible sections (attributes, events, logs,
 * links, resource, instrumentation scope). Rendered with lit into `#details`; every piece of
 * trace data goes through text bindings, never `innerHTML`.
 */
import { html, nothing, render, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { Attributes, LogRecordInfo, SkeletonSpan, SpanDetail, SpanEvent, SpanId, SpanLink, SpanRecord, TraceId } from '../../src/model/trace';
import { formatDuration, formatLocalTime, formatOffset, nanoDiffMs, severityClass, severityName } from '../../src/model/format';
import { kindIcon, kindLabel } from './icons';
import { copyButton, flashCopied, renderAttributes, renderDisplay, renderValue, toDisplay, truncationNote, type ValueContext } from './values';
import { renderGenAiSections } from './genaiDetails';
import type { ExtrasContext } from './genaiExtras';
import type { SourceHooks } from './source';
import { genaiKindIcon, genaiKindLabel } from '../../src/model/genaiFormat';
import { MISSING_PARENT_EXPLANATION } from '../../src/model/spanHierarchy';
import { assertNever } from '../../src/protocol/channel';

export type DetailsState =
  | { kind: 'empty' }
  | { kind: 'loading'; skeleton: SkeletonSpan }
  | { kind: 'error'; skeleton: SkeletonSpan; message: string }
  | { kind: 'missing'; skeleton: SkeletonSpan }
  /** A missing-parent placeholder (src/model/spanHierarchy.ts): no span to load. */
  | { kind: 'missingParent'; skeleton: SkeletonSpan; childCount: number }
  | { kind: 'loaded'; skeleton: SkeletonSpan; detail: SpanDetail };

export interface DetailsHost {
  traceId(): TraceId | null;
  traceStartUnixNano(): string;
  /** Is this span in the trace shown (so a link to it can select it)? */
  hasSpan(spanId: SpanId): boolean;
  reveal(spanId: SpanId): void;
  copy(text: string, what: string): void;
  /** Ask the extension host to open a local file (a `file://` content reference or media part). */
  openLocalFile?(path: string): void;
  /** Replay Model Call… (a model-call span): opens the playground in the extension host. */
  replayModelCall?(spanId: SpanId): void;
  retry(): void;
  isSectionOpen(section: string): boolean;
  setSectionOpen(section: string, open: boolean): void;
  /** Go to Source: the source bar and clickable stack frames (webview/trace/source.ts). */
  source?: SourceHooks;
}

/** Stack traces are read by lines: fold later than other values. */
const STACK_FOLD = { chars: 4000, lines: 14 };
const EXCEPTION_KEYS = new Set(['exception.type', 'exception.message', 'exception.stacktrace']);

export class DetailsPane implements ValueContext {
  private state: DetailsState = { kind: 'empty' };
  private readonly expanded = new Set<string>();
  private shownSpanId: SpanId | null = null;
  /** The pane is scrolled down (kept by a scroll listener: reading `scrollTop` would force a layout). */
  private scrolled = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: DetailsHost,
  ) {
    root.setAttribute('role', 'region');
    root.setAttribute('aria-label', 'Span details');
    root.addEventListener('scroll', () => (this.scrolled = root.scrollTop > 0), { passive: true });
    this.update();
  }

  get current(): DetailsState {
    return this.state;
  }

  show(state: DetailsState): void {
    const spanId = state.kind === 'empty' ? null : state.skeleton.spanId;
    if (spanId !== this.shownSpanId) {
      this.expanded.clear();
      this.shownSpanId = spanId;
      // Writing scrollTop forces a layout: only when there is something to undo.
      if (this.scrolled) {
        this.root.scrollTop = 0;
        this.scrolled = false;
      }
    }
    this.state = state;
    // What is shown, for tests and timing (bench/webviewBench.mjs waits for `loaded` of a span).
    this.root.dataset.state = state.kind;
    if (spanId) this.root.dataset.spanId = spanId;
    else delete this.root.dataset.spanId;
    this.update();
  }

  // ValueContext
  isExpanded(id: string): boolean {
    return this.expanded.has(id);
  }

  toggleExpanded(id: string): void {
    if (!this.expanded.delete(id)) this.expanded.add(id);
    this.update();
  }

  copy(text: string, what: string, button: HTMLElement): void {
    this.host.copy(text, what);
    flashCopied(button);
  }

  private update(): void {
    render(this.template(), this.root);
  }

  private template(): TemplateResult {
    const s = this.state;
    switch (s.kind) {
      case 'empty':
        return html`<div class="placeholder">
          <span class="codicon codicon-list-tree"></span>
          <p>Select a span to see its attributes, events and logs.</p>
        </div>`;
      case 'loading':
        return html`${this.summary(s.skeleton, null)}
          <div class="loading" role="status"><vscode-progress-ring></vscode-progress-ring><span>Loading span details…</span></div>`;
      case 'error':
        return html`${this.summary(s.skeleton, null)}
          <div class="message error" role="alert">
            <span class="codicon codicon-error"></span>
            <span>Could not load span details: ${s.message}</span>
            <button class="link-btn" @click=${() => this.host.retry()}>Retry</button>
          </div>`;
      case 'missing':
        return html`${this.summary(s.skeleton, null)}
          <div class="message" role="status">
            <span class="codicon codicon-info"></span>
            <span>This span is no longer in the store (the trace may have been evicted or cleared).</span>
          </div>`;
      case 'missingParent':
        return this.missingParent(s.skeleton, s.childCount);
      case 'loaded':
        return html`${this.summary(s.skeleton, s.detail.span, !!s.detail.genai)} ${this.host.source?.sourceBar(s.detail) ?? nothing} ${this.sections(s.detail)}`;
      default:
        return assertNever(s);
    }
  }

  /** A parent span that was never received: what is known (its id, the spans naming it) and why. */
  private missingParent(sk: SkeletonSpan, childCount: number): TemplateResult {
    return html`<div class="d-head">
        <span class="codicon codicon-debug-disconnect d-kind" title="Not received"></span>
        <h2 class="d-title">${sk.name}</h2>
      </div>
      <dl class="facts">
        <dt>Span ID</dt>
        <dd class="id-cell"><code class="id">${sk.spanId}</code>${copyButton(sk.spanId, 'span ID', this, 'Copy span ID')}</dd>
        <dt>Children</dt>
        <dd>${childCount} ${childCount === 1 ? 'span names' : 'spans name'} it as their parent</dd>
        <dt>Covers</dt>
        <dd>${formatOffset(sk.startOffsetMs)} from trace start, ${formatDuration(sk.durationMs)} (its children's time)</dd>
      </dl>
      <div class="message" role="status" data-state="missing-parent">
        <span class="codicon codicon-info"></span>
        <span>${MISSING_PARENT_EXPLANATION}</span>
      </div>`;
  }

  /**
   * Header and key facts; `span` is null until the details arrive (skeleton facts only). With
   * `hasGenAi`, model and tokens are left to the GenAI section (which reads every convention).
   */
  private summary(sk: SkeletonSpan, span: SpanRecord | null, hasGenAi = false): TemplateResult {
    const statusCode = span?.status.code ?? sk.statusCode;
    const statusMessage = span?.status.message ?? '';
    const traceStart = this.host.traceStartUnixNano();
    const startNano = span?.startTimeUnixNano;
    const offsetMs = startNano ? nanoDiffMs(traceStart, startNano) : sk.startOffsetMs;
    const durationMs = span ? nanoDiffMs(span.startTimeUnixNano, span.endTimeUnixNano) : sk.durationMs;
    const attrs = span?.attributes ?? {};
    const model = hasGenAi ? '' : str(attrs['gen_ai.response.model']) || str(attrs['gen_ai.request.model']);
    const inTok = hasGenAi ? null : num(attrs['gen_ai.usage.input_tokens']);
    const outTok = hasGenAi ? null : num(attrs['gen_ai.usage.output_tokens']);
    const parentId = span ? span.parentSpanId : sk.parentSpanId;
    return html`<div class="d-head">
        <span
          class="codicon codicon-${sk.genai ? genaiKindIcon(sk.genai.kind) : kindIcon(sk.kind)} d-kind${sk.genai ? ' genai' : ''}"
          title=${sk.genai ? `${genaiKindLabel(sk.genai.kind)} (${kindLabel(sk.kind)} span)` : kindLabel(sk.kind)}
        ></span>
        <h2 class="d-title" title=${sk.name}>${sk.name || '(unnamed span)'}</h2>
        ${statusCode === 'error'
          ? html`<span class="pill pill-error"><span class="codicon codicon-error"></span>Error</span>`
          : statusCode === 'ok'
            ? html`<span class="pill pill-ok"><span class="codicon codicon-pass"></span>OK</span>`
            : nothing}
      </div>
      <dl class="facts">
        <dt>Status</dt>
        <dd class=${statusCode === 'error' ? 'status-error' : ''}>
          ${statusLabel(statusCode)}${statusMessage ? html`<span class="status-message"> — ${statusMessage}</span>` : nothing}
        </dd>
        <dt>Kind</dt>
        <dd>${kindLabel(sk.kind)}</dd>
        ${sk.serviceName ? html`<dt>Service</dt><dd>${sk.serviceName}</dd>` : nothing}
        <dt>Start</dt>
        <dd>
          ${startNano ? html`<span title=${`${startNano} ns since epoch`}>${formatLocalTime(startNano)}</span> ` : nothing}
          <span class="muted">${formatOffset(offsetMs)} from trace start</span>
        </dd>
        <dt>Duration</dt>
        <dd>
          ${formatDuration(Math.max(0, durationMs))}${durationMs < 0
            ? html` <span class="warn-note" data-fact="end-before-start" title="The span's end time is earlier than its start time, as the app sent it (clock skew, or a bug in the instrumentation). It is drawn with no length.">
                <span class="codicon codicon-warning"></span>ends ${formatDuration(-durationMs)} before it starts</span
              >`
            : nothing}
        </dd>
        ${model ? html`<dt>Model</dt><dd>${model}</dd>` : nothing}
        ${inTok !== null || outTok !== null
          ? html`<dt>Tokens</dt>
              <dd>${inTok ?? '?'} in · ${outTok ?? '?'} out${inTok !== null && outTok !== null ? html` <span class="muted">(${inTok + outTok} total)</span>` : nothing}</dd>`
          : nothing}
        <dt>Span ID</dt>
        <dd class="id-cell"><code class="id">${sk.spanId}</code>${copyButton(sk.spanId, 'span ID', this, 'Copy span ID')}</dd>
        <dt>Parent ID</dt>
        <dd class="id-cell">
          ${parentId
            ? html`${this.host.hasSpan(parentId)
                  ? html`<button class="link-btn id" title="Select the parent span" @click=${() => this.host.reveal(parentId)}>${parentId}</button>`
                  : html`<code class="id">${parentId}</code><span class="muted"> (not in this trace)</span>`}
                ${copyButton(parentId, 'parent span ID', this, 'Copy parent span ID')}`
            : html`<span class="muted">none (root span)</span>`}
        </dd>
      </dl>`;
  }

  private sections(detail: SpanDetail): TemplateResult {
    const span = detail.span;
    const attrCount = Object.keys(span.attributes).length;
    return html`
      ${detail.genai
        ? renderGenAiSections(
            detail.genai,
            { ...this.valueContext(), section: (...args) => this.section(...args) },
            detail.cost,
            detail.genai.kind === 'llm' && this.host.replayModelCall ? this.replayButton(span.spanId) : nothing,
          )
        : nothing}
      ${this.section(
        'attributes',
        'Attributes',
        attrCount,
        html`${renderAttributes(span.attributes, 'attr', this)}${dropped(span.droppedAttributesCount, 'attribute')}`,
        attrCount ? copyAllButton(span.attributes, 'attributes', this) : nothing,
      )}
      ${this.section('events', 'Events', span.events.length, this.events(span), nothing)}
      ${this.section('logs', 'Logs', detail.logs.length, this.logs(detail.logs, span), nothing)}
      ${this.section('links', 'Links', span.links.length, this.links(span.links, span.droppedLinksCount), nothing)}
      ${this.section(
        'resource',
        'Resource',
        Object.keys(span.resource.attributes).length,
        html`${renderAttributes(span.resource.attributes, 'res', this)}${dropped(span.resource.droppedAttributesCount, 'attribute')}${schema(span.resource.schemaUrl)}`,
        Object.keys(span.resource.attributes).length ? copyAllButton(span.resource.attributes, 'resource attributes', this) : nothing,
      )}
      ${this.section('scope', 'Instrumentation Scope', null, this.scope(span), nothing)}
    `;
  }

  /** This pane as a `ValueContext` (fold state and copy, opening local files, selecting spans) for modules that render parts of it. */
  private replayButton(spanId: SpanId): TemplateResult {
    return html`<button class="link-btn replay-call" title="Open this model call in the replay playground: edit it, send it again, compare the answers" @click=${(e: Event) => {
      e.stopPropagation();
      this.host.replayModelCall?.(spanId);
    }}>
      <span class="codicon codicon-debug-rerun" aria-hidden="true"></span>Replay…
    </button>`;
  }

  private valueContext(): ExtrasContext {
    const ctx: ExtrasContext = {
      isExpanded: (id) => this.isExpanded(id),
      toggleExpanded: (id) => this.toggleExpanded(id),
      copy: (text, what, button) => this.copy(text, what, button),
      selectSpan: (spanId) => {
        if (this.host.hasSpan(spanId)) this.host.reveal(spanId);
      },
    };
    if (this.host.openLocalFile) ctx.openLocalFile = (path) => this.host.openLocalFile?.(path);
    return ctx;
  }

  private section(id: string, title: string, count: number | null, body: TemplateResult, actions: TemplateResult | typeof nothing): TemplateResult {
    return html`<vscode-collapsible
      always-show-header-actions
      class="section"
      data-section=${id}
      heading=${title}
      description=${count === null ? '' : String(count)}
      ?open=${this.host.isSectionOpen(id)}
      @vsc-collapsible-toggle=${(e: CustomEvent<{ open: boolean }>) => this.host.setSectionOpen(id, e.detail.open)}
    >
      ${actions === nothing ? nothing : html`<div slot="actions">${actions}</div>`}
      <div class="section-body">${body}</div>
    </vscode-collapsible>`;
  }

  private events(span: SpanRecord): TemplateResult {
    if (span.events.length === 0) return html`<div class="empty">No events${dropped(span.droppedEventsCount, 'event')}</div>`;
    return html`<ol class="event-list">
        ${span.events.map((ev, i) => this.event(ev, i, span))}
      </ol>
      ${dropped(span.droppedEventsCount, 'event')}`;
  }

  private event(ev: SpanEvent, i: number, span: SpanRecord): TemplateResult {
    const offset = nanoDiffMs(span.startTimeUnixNano, ev.timeUnixNano);
    const isException = ev.name === 'exception';
    const a = ev.attributes;
    const stack = str(a['exception.stacktrace']);
    return html`<li class="event${isException ? ' exception' : ''}" data-event=${ev.name}>
      <div class="event-head">
        <span class="codicon ${isException ? 'codicon-error' : 'codicon-symbol-event'}"></span>
        <span class="event-name" title=${ev.name}>${ev.name || '(unnamed event)'}</span>
        <span class="offset" title=${formatLocalTime(ev.timeUnixNano)}>${formatOffset(offset)}</span>
      </div>
      ${isException
        ? html`<div class="exc-title">
              <span class="exc-type">${str(a['exception.type']) || 'Exception'}</span>${str(a['exception.message'])
                ? html`<span class="exc-message">: ${str(a['exception.message'])}</span>`
                : nothing}
            </div>
            ${stack
              ? html`<div class="stack-block">
                  ${(this.state.kind === 'loaded' ? this.host.source?.stack(this.state.detail, { kind: 'event', eventIndex: i }) : null) ??
                  renderDisplay({ kind: 'string', text: stack, copyText: stack }, `ev:${i}:stack`, this, 'stack', STACK_FOLD)}
                  ${copyButton(stack, 'stack trace', this, 'Copy stack trace')}
                </div>`
              : nothing}`
        : nothing}
      ${Object.keys(a).some((k) => !isException || !EXCEPTION_KEYS.has(k))
        ? renderAttributes(a, `ev:${i}`, this, isException ? EXCEPTION_KEYS : undefined)
        : nothing}
      ${dropped(ev.droppedAttributesCount, 'attribute')}
    </li>`;
  }

  private logs(logs: LogRecordInfo[], span: SpanRecord): TemplateResult {
    if (logs.length === 0) return html`<div class="empty">No logs correlated with this span</div>`;
    return html`<ol class="log-list">
      ${logs.map((log, i) => {
        const sev = severityClass(log.severityNumber, log.severityText);
        const offset = nanoDiffMs(span.startTimeUnixNano, log.timeUnixNano || log.observedTimeUnixNano);
        const attrCount = Object.keys(log.attributes).length;
        const attrsId = `log:${i}:attrs`;
        const body = log.body;
        return html`<li class="log sev-${sev}">
          <div class="log-head">
            <span class="sev" title=${`Severity ${log.severityNumber}`}>${severityName(log.severityNumber, log.severityText)}</span>
            ${log.eventName ? html`<span class="log-event" title=${log.eventName}>${log.eventName}</span>` : nothing}
            <span class="offset" title=${formatLocalTime(log.timeUnixNano || log.observedTimeUnixNano)}>${formatOffset(offset)}</span>
            ${body === null || body === '' ? nothing : copyButton(toDisplay(body).copyText, 'log body', this, 'Copy log body')}
          </div>
          ${body === null || body === '' ? html`<div class="empty">(empty body)</div>` : html`${renderValue(body, `log:${i}:body`, this)}${truncationNote(body)}`}
          ${attrCount
            ? html`<button class="link-btn" aria-expanded=${this.isExpanded(attrsId) ? 'true' : 'false'} @click=${() => this.toggleExpanded(attrsId)}>
                  ${this.isExpanded(attrsId) ? 'Hide' : 'Show'} ${attrCount} attribute${attrCount === 1 ? '' : 's'}
                </button>
                ${this.isExpanded(attrsId) ? renderAttributes(log.attributes, `log:${i}`, this) : nothing}`
            : nothing}
        </li>`;
      })}
    </ol>`;
  }

  private links(links: SpanLink[], droppedCount: number): TemplateResult {
    if (links.length === 0) return html`<div class="empty">No links${dropped(droppedCount, 'link')}</div>`;
    const here = this.host.traceId();
    return html`<ol class="link-list">
        ${links.map((l, i) => {
          const local = l.traceId === here && this.host.hasSpan(l.spanId);
          return html`<li class="span-link">
            <dl class="facts">
              <dt>Trace ID</dt>
              <dd class="id-cell"><code class="id">${l.traceId}</code>${l.traceId === here ? html`<span class="muted"> (this trace)</span>` : nothing}${copyButton(l.traceId, 'linked trace ID', this, 'Copy trace ID')}</dd>
              <dt>Span ID</dt>
              <dd class="id-cell">
                ${local
                  ? html`<button class="link-btn id" title="Select the linked span" @click=${() => this.host.reveal(l.spanId)}>${l.spanId}</button>`
                  : html`<code class="id">${l.spanId}</code>`}${copyButton(l.spanId, 'linked span ID', this, 'Copy span ID')}
              </dd>
              ${l.traceState ? html`<dt>Trace state</dt><dd><code>${l.traceState}</code></dd>` : nothing}
            </dl>
            ${Object.keys(l.attributes).length ? renderAttributes(l.attributes, `link:${i}`, this) : nothing}
            ${dropped(l.droppedAttributesCount, 'attribute')}
          </li>`;
        })}
      </ol>
      ${dropped(droppedCount, 'link')}`;
  }

  private scope(span: SpanRecord): TemplateResult {
    const sc = span.scope;
    const hasAttrs = Object.keys(sc.attributes).length > 0;
    if (!sc.name && !sc.version && !hasAttrs) return html`<div class="empty">No instrumentation scope</div>`;
    return html`<dl class="facts">
        <dt>Name</dt>
        <dd>${sc.name || html`<span class="muted">(none)</span>`}</dd>
        <dt>Version</dt>
        <dd>${sc.version || html`<span class="muted">(none)</span>`}</dd>
      </dl>
      ${hasAttrs ? renderAttributes(sc.attributes, 'scope', this) : nothing}${dropped(sc.droppedAttributesCount, 'attribute')}${schema(sc.schemaUrl)}`;
  }
}

function copyAllButton(attrs: Attributes, what: string, ctx: ValueContext): TemplateResult {
  return html`<vscode-toolbar-button
    icon="copy"
    label="Copy All as JSON"
    title="Copy All as JSON"
    @click=${(e: Event) => {
      e.stopPropagation();
      ctx.copy(JSON.stringify(attrs, null, 2), what, document.createElement('span'));
    }}
  ></vscode-toolbar-button>`;
}

function dropped(count: number, what: string): TemplateResult | typeof nothing {
  return count > 0 ? html`<div class="dropped">${count} ${what}${count === 1 ? '' : 's'} dropped</div>` : nothing;
}

function schema(url: string): TemplateResult | typeof nothing {
  return url ? html`<div class="schema muted">Schema: <span class="selectable">${url}</span></div>` : nothing;
}

function statusLabel(code: string): string {
  return code === 'error' ? 'Error' : code === 'ok' ? 'OK' : 'Unset';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
}
