/**
 * "Go to Source" in the trace view: a source bar in the span details (the span's code location
 * and a Go to Source button) and stack traces with clickable frames (workspace frames
 * highlighted, library frames dimmed). The host resolves paths (`sourceInfo`) and opens files
 * (`goToSource`); this module only renders and asks. Frames are addressed by stack and index,
 * never by path, so the webview cannot make the host open anything the span does not name.
 *
 * Hooks: `DetailsPane` calls `sourceBar` and `stack` (optional `DetailsHost.source`); the
 * waterfall calls `goToSource` on double-click and Enter.
 */
import './source.css';
import { html, nothing, type TemplateResult } from 'lit';
import type { FrameRef, GoToSourceResult, SourceTargetView, SpanSourceInfo, StackRef, StackView } from '../../src/model/source';
import type { SpanDetail, SpanId } from '../../src/model/trace';
import type { TraceViewChannel } from './host';

/** Stack lines shown before "Show N more lines". */
const STACK_FOLD_LINES = 14;

/** What `DetailsPane` asks of this module (all optional for it). */
export interface SourceHooks {
  /** The source bar under the span summary, or `nothing` for a span without code location and stacks. */
  sourceBar(detail: SpanDetail): TemplateResult | typeof nothing;
  /** A stack trace with clickable frames, or `null` while frames are being resolved (render plain text). */
  stack(detail: SpanDetail, ref: StackRef): TemplateResult | null;
}

type InfoState = { kind: 'loading' } | { kind: 'loaded'; info: SpanSourceInfo | null } | { kind: 'error'; message: string };

export class SourceSupport implements SourceHooks {
  /** By detail object: a reloaded span (live update) gets a fresh resolution. */
  private readonly infos = new WeakMap<SpanDetail, InfoState>();
  private readonly unfolded = new Set<string>();
  private lastResult: { spanId: SpanId; text: string } | null = null;

  constructor(
    private readonly channel: TraceViewChannel,
    /** Re-render the details pane (an answer arrived, a fold was toggled). */
    private readonly onChange: () => void,
  ) {}

  /** Asks the host to open a span's source (or one frame); resolves with the outcome. */
  goToSource(spanId: SpanId, frame?: FrameRef): Promise<GoToSourceResult> {
    return this.channel.request('goToSource', frame ? { spanId, frame } : { spanId }).then(
      (result) => {
        this.lastResult = result.opened ? null : { spanId, text: result.message };
        this.onChange();
        return result;
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.lastResult = { spanId, text: message };
        this.onChange();
        return { opened: false, reason: 'noLocation', message } as GoToSourceResult;
      },
    );
  }

  sourceBar(detail: SpanDetail): TemplateResult | typeof nothing {
    const attrs = detail.span.attributes;
    const hasCode = typeof (attrs['code.file.path'] ?? attrs['code.filepath']) === 'string';
    // Most spans have neither: no `sourceInfo` round trip (and no second render) for them.
    if (!hasCode && !hasStackText(detail)) return nothing;
    const state = this.info(detail);
    const info = state.kind === 'loaded' ? state.info : null;
    const codeStack = info?.stacks.find((s) => s.ref.kind === 'attribute');
    const hasStack = info ? info.stacks.some((s) => s.lines.some((l) => l.frame)) : false;
    if (!hasCode && !hasStack) return nothing;
    const spanId = detail.span.spanId;
    const location = info?.location ?? null;
    const raw = String(attrs['code.file.path'] ?? attrs['code.filepath'] ?? '');
    const line = attrs['code.line.number'] ?? attrs['code.lineno'];
    const failure = this.lastResult?.spanId === spanId ? this.lastResult.text : '';
    return html`<div class="source-bar" role="group" aria-label="Source">
      <span class="codicon codicon-file-code source-icon" aria-hidden="true"></span>
      ${location
        ? html`<span class="source-label origin-${location.origin}" title=${location.title}>${location.label}</span>
            ${location.functionName ? html`<span class="source-fn muted" title=${location.functionName}>${location.functionName}</span>` : nothing}`
        : hasCode
          ? html`<span class="source-label" title=${raw}>${raw}${line !== undefined ? `:${String(line)}` : ''}</span>`
          : html`<span class="source-label muted">from the stack trace</span>`}
      <button
        class="link-btn go-to-source"
        title=${location ? `Open ${location.label} (${originText(location.origin)})` : 'Open the code that produced this span'}
        @click=${() => void this.goToSource(spanId)}
      >
        <span class="codicon codicon-go-to-file" aria-hidden="true"></span>Go to Source
      </button>
    </div>
    ${failure ? html`<div class="source-failure muted" role="status">${failure}</div>` : nothing}
    ${codeStack
      ? html`<details class="code-stack">
          <summary>Code stack trace <span class="muted">(code.stacktrace)</span></summary>
          ${this.renderStack(spanId, codeStack)}
        </details>`
      : nothing}`;
  }

  stack(detail: SpanDetail, ref: StackRef): TemplateResult | null {
    const state = this.info(detail);
    if (state.kind !== 'loaded' || !state.info) return null;
    const view = state.info.stacks.find((s) => sameRef(s.ref, ref));
    if (!view || !view.lines.some((l) => l.frame)) return null;
    return this.renderStack(detail.span.spanId, view);
  }

  private renderStack(spanId: SpanId, view: StackView): TemplateResult {
    const foldKey = `${spanId}:${JSON.stringify(view.ref)}`;
    const unfolded = this.unfolded.has(foldKey);
    const lines = unfolded ? view.lines : view.lines.slice(0, STACK_FOLD_LINES);
    const hidden = view.lines.length - lines.length;
    return html`<div class="stack-frames" data-format=${view.format ?? ''} role="list" aria-label="Stack trace">
      ${lines.map((line) =>
        // No whitespace around the text: the lines are pre-wrap.
        line.frame
          ? html`<div class="stack-line frame origin-${line.frame.origin}" role="listitem"><button class="frame-link" data-frame-index=${String(line.frame.index)} title=${`${frameTitle(line.frame)}\nClick to open`} @click=${() => void this.goToSource(spanId, { stack: view.ref, index: line.frame!.index })}>${line.text}</button></div>`
          : html`<div class="stack-line" role="listitem">${line.text || '\u00a0'}</div>`,
      )}
      ${hidden > 0 || unfolded
        ? html`<button
            class="link-btn stack-fold"
            @click=${() => {
              if (!this.unfolded.delete(foldKey)) this.unfolded.add(foldKey);
              this.onChange();
            }}
          >
            ${unfolded ? 'Show fewer lines' : `Show ${hidden} more line${hidden === 1 ? '' : 's'}`}
          </button>`
        : nothing}
    </div>`;
  }

  /** The span's resolved source info, requested on first use. */
  private info(detail: SpanDetail): InfoState {
    const known = this.infos.get(detail);
    if (known) return known;
    const loading: InfoState = { kind: 'loading' };
    this.infos.set(detail, loading);
    this.channel.request('sourceInfo', { spanId: detail.span.spanId }).then(
      (info) => {
        this.infos.set(detail, { kind: 'loaded', info });
        this.onChange();
      },
      (error: unknown) => this.infos.set(detail, { kind: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return loading;
  }
}

/**
 * Does the span carry a stack trace (`exception.stacktrace` on an event or correlated log record,
 * `code.stacktrace`)? The host's `spanStacks` (src/core/source/spanSource.ts) reads the same keys.
 */
function hasStackText(detail: SpanDetail): boolean {
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return (
    text(detail.span.attributes['code.stacktrace']) ||
    detail.span.events.some((e) => text(e.attributes['exception.stacktrace'])) ||
    detail.logs.some((l) => text(l.attributes['exception.stacktrace']))
  );
}

function sameRef(a: StackRef, b: StackRef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'event' && b.kind === 'event') return a.eventIndex === b.eventIndex;
  if (a.kind === 'log' && b.kind === 'log') return a.logIndex === b.logIndex;
  return true;
}

function originText(origin: SourceTargetView['origin']): string {
  switch (origin) {
    case 'workspace':
      return 'in the workspace';
    case 'library':
      return 'library code';
    case 'outside':
      return 'outside the workspace: asks first';
    case 'missing':
      return 'not found: shows the paths tried';
  }
}

function frameTitle(frame: SourceTargetView): string {
  return `${frame.label} (${originText(frame.origin)})\n${frame.title}`;
}
