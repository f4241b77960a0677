/**
 * The Conversation tab: the trace as the agent lived it, in time order. Agent steps, model calls
 * (input messages new in the call, a header with model, tokens and latency, the output) and tool
 * calls as cards. Loaded with the `traceConversation` request when the tab is first shown, and
 * again after live updates while it is visible (or when it becomes visible after one).
 *
 * Rendering is cheap on the click path: while the tab is hidden nothing is rendered (a selection
 * or Find change only marks the view for a render when it is shown), and each item is guarded by
 * what it shows (the conversation, its selected and Find state, the fold state), so selecting a
 * span re-renders the two items whose selection changed, not the up to 2,000 items of the trace.
 */
import { html, nothing, render, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { ConversationItem, GenAiMessagePart, TraceConversation } from '../../src/model/genai';
import type { SpanId, TraceId } from '../../src/model/trace';
import { formatDuration, formatInteger, formatOffset } from '../../src/model/format';
import { formatTokenCount, formatTokensInOut } from '../../src/model/genaiFormat';
import { describeCost, formatCostUsd } from '../../src/model/cost';
import { assertNever } from '../../src/protocol/channel';
import { partsText, renderContentMissing, renderMessage, renderSystemInstructions, renderToolCard } from './messages';
import { flashCopied } from './values';
import { renderContentRefs, renderEvaluations, renderGuardrailCard, type ExtrasContext } from './genaiExtras';

export interface ConversationHost {
  request(traceId: TraceId): Promise<TraceConversation | null>;
  /** Select a span in the waterfall (and show its details). */
  selectSpan(spanId: SpanId): void;
  copy(text: string, what: string): void;
  /** Ask the extension host to open a local file (a `file://` content reference or media part). */
  openLocalFile?(path: string): void;
  /** Replay Model Call… on a model call (opens the playground in the extension host). */
  replayModelCall?(spanId: SpanId): void;
}

type State =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'loaded'; conversation: TraceConversation }
  | { kind: 'unavailable' }
  | { kind: 'error'; message: string };

export class ConversationView implements ExtrasContext {
  readonly element: HTMLDivElement;
  private state: State = { kind: 'none' };
  private traceId: TraceId | null = null;
  private visible = false;
  /** The shown conversation is older than the trace (or there is none yet). */
  private stale = true;
  private inFlight = false;
  private token = 0;
  private selected: SpanId | null = null;
  private readonly expanded = new Set<string>();
  /** Spans matched by the open Find (their items are highlighted), or null. */
  private findMatches: ReadonlySet<SpanId> | null = null;
  /** Bumped by every fold toggle: guarded items render again. */
  private foldVersion = 0;
  /** A render was skipped while the tab was hidden. */
  private dirty = false;
  /** The tab is scrolled down (kept by a scroll listener: reading `scrollTop` would force a layout). */
  private scrolled = false;

  constructor(private readonly host: ConversationHost) {
    this.element = document.createElement('div');
    this.element.className = 'conversation';
    this.element.id = 'conversation';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'region');
    this.element.setAttribute('aria-label', 'Conversation');
    this.element.addEventListener('scroll', () => (this.scrolled = this.element.scrollTop > 0), { passive: true });
    this.update();
  }

  /** A trace was loaded (`changed`: a different trace than before) or updated live. */
  setTrace(traceId: TraceId | null): void {
    if (traceId !== this.traceId) {
      this.traceId = traceId;
      this.expanded.clear();
      this.state = { kind: 'none' };
      if (this.scrolled) {
        this.element.scrollTop = 0;
        this.scrolled = false;
      }
      this.update();
    }
    this.stale = true;
    if (this.visible) this.load();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.dirty) this.update();
    if (visible && this.stale) this.load();
  }

  setSelected(spanId: SpanId | null): void {
    if (spanId === this.selected) return;
    this.selected = spanId;
    if (this.state.kind === 'loaded') this.update();
  }

  /** Highlights the items of the spans a Find matched (`null`: none); the selected one is the current match. */
  setFindMatches(spanIds: ReadonlySet<SpanId> | null): void {
    if (spanIds === this.findMatches) return;
    this.findMatches = spanIds;
    if (this.state.kind === 'loaded') this.update();
  }

  /**
   * Scrolls the item of `spanId` into view when the tab shows one (a span without an item, e.g.
   * an HTTP call, leaves the scroll as it is). Returns whether there is an item.
   */
  scrollToSpan(spanId: SpanId): boolean {
    const item = [...this.element.querySelectorAll<HTMLElement>('.conv-item[data-span-id]')].find(
      (el) => el.dataset.spanId === spanId || (el.dataset.linkedSpans?.split(' ').includes(spanId) ?? false),
    );
    if (!item) return false;
    const box = this.element.getBoundingClientRect();
    const r = item.getBoundingClientRect();
    // A tall model call shows its start; one already in view stays put.
    if (r.top < box.top || r.top > box.bottom - Math.min(r.height, 48)) item.scrollIntoView({ block: 'start' });
    return true;
  }

  /** Reloads now (Retry). */
  reload(): void {
    this.stale = true;
    this.load();
  }

  // ValueContext
  isExpanded(id: string): boolean {
    return this.expanded.has(id);
  }

  toggleExpanded(id: string): void {
    if (!this.expanded.delete(id)) this.expanded.add(id);
    this.foldVersion++;
    this.update();
  }

  copy(text: string, what: string, button: HTMLElement): void {
    this.host.copy(text, what);
    flashCopied(button);
  }

  // ExtrasContext
  selectSpan(spanId: SpanId): void {
    this.host.selectSpan(spanId);
  }

  openLocalFile(path: string): void {
    this.host.openLocalFile?.(path);
  }

  private load(): void {
    const traceId = this.traceId;
    if (!traceId) return;
    // One request at a time; a change while it runs asks again when it is answered.
    if (this.inFlight) return;
    this.inFlight = true;
    this.stale = false;
    const token = ++this.token;
    // Live updates keep the current content until the new one arrives.
    if (this.state.kind !== 'loaded') {
      this.state = { kind: 'loading' };
      this.update();
    }
    const done = () => {
      this.inFlight = false;
      if (this.stale && this.visible) this.load();
    };
    this.host.request(traceId).then(
      (conversation) => {
        if (token === this.token && traceId === this.traceId) {
          this.state = conversation ? { kind: 'loaded', conversation } : { kind: 'unavailable' };
          this.update();
        }
        done();
      },
      (error: unknown) => {
        if (token === this.token && traceId === this.traceId) {
          this.state = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
          this.update();
        }
        done();
      },
    );
  }

  /** Renders now when the tab is shown, else when it is next shown. */
  private update(): void {
    this.dirty = !this.visible;
    if (this.visible) render(this.template(), this.element);
  }

  private template(): TemplateResult {
    const s = this.state;
    switch (s.kind) {
      case 'none':
        return html``;
      case 'loading':
        return html`<div class="loading conv-loading" role="status"><vscode-progress-ring></vscode-progress-ring><span>Loading the conversation…</span></div>`;
      case 'error':
        return html`<div class="message error" role="alert">
          <span class="codicon codicon-error"></span>
          <span>Could not load the conversation: ${s.message}</span>
          <button class="link-btn" @click=${() => this.reload()}>Retry</button>
        </div>`;
      case 'unavailable':
        return emptyState('The conversation is not available for this trace.', 'The trace may have been removed, or its spans are still being processed.');
      case 'loaded':
        return this.conversation(s.conversation);
      default:
        return assertNever(s);
    }
  }

  private conversation(c: TraceConversation): TemplateResult {
    if (c.items.length === 0) {
      return emptyState(
        'No GenAI activity in this trace.',
        'The Conversation tab shows the model calls, tool calls and agent steps of a trace instrumented with the GenAI conventions (OpenTelemetry GenAI, OpenInference, OpenLLMetry, Vercel AI SDK, Langfuse, Logfire).',
      );
    }
    // A tool result the model received is not repeated when its tool call card shows it.
    const shownResults = new Set<string>();
    for (const item of c.items) if (item.type === 'toolCall' && item.callId && item.result !== undefined) shownResults.add(item.callId);
    let lastSystem = '';
    const modelCalls = c.items.filter((i) => i.type === 'modelCall').length;
    const toolCalls = c.items.filter((i) => i.type === 'toolCall').length;
    let inTok = 0;
    let outTok = 0;
    for (const i of c.items) {
      if (i.type !== 'modelCall') continue;
      inTok += i.usage?.inputTokens ?? 0;
      outTok += i.usage?.outputTokens ?? 0;
    }
    const hint = c.items.find((i) => i.type === 'modelCall' && i.contentMissing && i.contentCaptureHint);
    return html`<div class="conv-summary" role="note">
        <span><span class="codicon codicon-sparkle"></span>${modelCalls} model ${modelCalls === 1 ? 'call' : 'calls'}</span>
        ${toolCalls ? html`<span><span class="codicon codicon-tools"></span>${toolCalls} tool ${toolCalls === 1 ? 'call' : 'calls'}</span>` : nothing}
        ${inTok || outTok ? html`<span title="Input and output tokens of all model calls">${formatTokenCount(inTok)} in · ${formatTokenCount(outTok)} out tokens</span>` : nothing}
      </div>
      ${c.contentMissingCount > 0
        ? html`<div class="notice conv-missing" role="note">
            <span class="codicon codicon-eye-closed"></span>
            <div class="notice-body">
              ${c.contentMissingCount} model ${c.contentMissingCount === 1 ? 'call has' : 'calls have'} no captured message content.
              ${hint && hint.type === 'modelCall' ? html`<span class="hint-text selectable">${hint.contentCaptureHint}</span>` : nothing}
            </div>
          </div>`
        : nothing}
      ${c.truncated
        ? html`<div class="notice conv-truncated" role="note">
            <span class="codicon codicon-info"></span>
            <div class="notice-body">This trace has more GenAI spans than one conversation shows: the timeline stops early. The Waterfall has every span.</div>
          </div>`
        : nothing}
      <ol class="conv-items">
        ${c.items.map((item, i) => {
          let repeated = false;
          if (item.type === 'modelCall' && item.systemInstructions?.length) {
            const text = partsText(item.systemInstructions);
            repeated = text === lastSystem;
            lastSystem = text;
          }
          // A tool card also stands for the spans folded into it (the MCP server span of the call).
          const linked = item.type === 'toolCall' ? (item.linkedSpanIds ?? []) : [];
          const match = this.findMatches?.has(item.spanId) === true || linked.some((id) => this.findMatches?.has(id) === true);
          const selected = item.spanId === this.selected || (this.selected !== null && linked.includes(this.selected));
          return guard([c, selected, match, repeated, this.foldVersion], () => this.item(item, i, shownResults, repeated, selected, match, linked));
        })}
      </ol>`;
  }

  private item(item: ConversationItem, i: number, shownResults: ReadonlySet<string>, systemRepeated: boolean, selected: boolean, match: boolean, linked: readonly SpanId[]): TemplateResult {
    // Find: the classes go after the base ones (`selected` and `error` included).
    const find = match ? (selected ? ' find-match find-current' : ' find-match') : '';
    const select = () => this.host.selectSpan(item.spanId);
    const id = `${i}:${item.spanId}`;
    switch (item.type) {
      case 'agent':
        return html`<li class="conv-item agent-step${selected ? ' selected' : ''}${item.error ? ' error' : ''}${find}" data-item="agent" data-span-id=${item.spanId}>
          <button class="step-head" title="Select this agent span in the waterfall" @click=${select}>
            <span class="codicon codicon-robot"></span>
            <span class="step-label">Agent</span>
            <span class="step-name">${item.agentName}</span>
            <span class="step-meta">${formatOffset(item.startOffsetMs)} · ${formatDuration(item.durationMs)}</span>
          </button>
          ${item.error ? html`<div class="step-error"><span class="codicon codicon-error"></span>${item.error}</div>` : nothing}
          ${item.evaluations?.length ? renderEvaluations(item.evaluations, `ev:${id}`, this) : nothing}
        </li>`;
      case 'guardrail':
        return html`<li class="conv-item guardrail${selected ? ' selected' : ''}${item.error ? ' error' : ''}${find}" data-item="guardrail" data-span-id=${item.spanId}>
          ${renderGuardrailCard(item.guardrail, item.name, `gr:${id}`, this, select, item.error)}
        </li>`;
      case 'toolCall':
        return html`<li class="conv-item tool-call${selected ? ' selected' : ''}${find}" data-item="toolCall" data-span-id=${item.spanId} data-linked-spans=${linked.length ? linked.join(' ') : nothing}>
          ${renderToolCard(
            {
              name: item.name,
              callId: item.callId,
              type: item.toolType,
              arguments: item.arguments,
              result: item.result,
              error: item.error,
              durationMs: item.durationMs,
              mcp: item.mcp,
              linkedSpanIds: item.linkedSpanIds,
              evaluations: item.evaluations,
            },
            `tc:${id}`,
            this,
            select,
          )}
        </li>`;
      case 'modelCall': {
        const tokens = formatTokensInOut(item.usage?.inputTokens, item.usage?.outputTokens);
        const sys: GenAiMessagePart[] | undefined = systemRepeated ? undefined : item.systemInstructions;
        return html`<li class="conv-item model-call${selected ? ' selected' : ''}${item.error ? ' error' : ''}${find}" data-item="modelCall" data-span-id=${item.spanId}>
          ${sys?.length ? renderSystemInstructions(sys, `sys:${id}`, this) : nothing}
          ${item.newInputMessages.map((m, j) => renderMessage(m, `in:${id}:${j}`, this, { hideToolResultIds: shownResults }))}
          <div class="mc-row">
          <button class="mc-head" title="Select this model call in the waterfall" @click=${select}>
            <span class="codicon codicon-sparkle"></span>
            <span class="mc-model">${item.model || 'model call'}</span>
            ${item.provider ? html`<span class="mc-provider">${item.provider}</span>` : nothing}
            ${tokens ? html`<span class="mc-tokens" title=${tokenTitle(item.usage)}>${tokens}</span>` : nothing}
            <span class="mc-latency" title="Latency">${formatDuration(item.durationMs)}</span>
            ${item.cost ? html`<span class="mc-cost" title=${describeCost(item.cost)}>${formatCostUsd(item.cost)}</span>` : nothing}
            ${item.error ? html`<span class="pill pill-error"><span class="codicon codicon-error"></span>Error</span>` : nothing}
            <span class="mc-rule" aria-hidden="true"></span>
          </button>
          ${this.host.replayModelCall
            ? html`<button class="icon-btn mc-replay" title="Replay Model Call… (open in the playground)" aria-label="Replay this model call" @click=${() => this.host.replayModelCall?.(item.spanId)}>
                <span class="codicon codicon-debug-rerun" aria-hidden="true"></span>
              </button>`
            : nothing}
          </div>
          ${item.contentMissing ? renderContentMissing(item.contentCaptureHint, this) : nothing}
          ${item.contentRefs?.length ? renderContentRefs(item.contentRefs, this) : nothing}
          ${item.error ? html`<div class="step-error"><span class="codicon codicon-error"></span>${item.error}</div>` : nothing}
          ${item.outputMessages.map((m, j) => renderMessage(m, `out:${id}:${j}`, this))}
          ${item.evaluations?.length ? renderEvaluations(item.evaluations, `ev:${id}`, this) : nothing}
        </li>`;
      }
      default:
        return assertNever(item);
    }
  }
}

function tokenTitle(usage: { inputTokens?: number; outputTokens?: number; cacheReadTokens?: number; reasoningTokens?: number } | undefined): string {
  if (!usage) return '';
  const lines: string[] = [];
  if (usage.inputTokens !== undefined) lines.push(`${formatInteger(usage.inputTokens)} input tokens${usage.cacheReadTokens ? ` (${formatInteger(usage.cacheReadTokens)} from cache)` : ''}`);
  if (usage.outputTokens !== undefined) lines.push(`${formatInteger(usage.outputTokens)} output tokens${usage.reasoningTokens ? ` (${formatInteger(usage.reasoningTokens)} reasoning)` : ''}`);
  return lines.join('\n');
}

function emptyState(title: string, text: string): TemplateResult {
  return html`<div class="placeholder conv-empty">
    <span class="codicon codicon-comment-discussion"></span>
    <p class="conv-empty-title">${title}</p>
    <p>${text}</p>
  </div>`;
}
