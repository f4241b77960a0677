/**
 * Message components shared by the Conversation tab and the details pane: role bubbles, message
 * parts (text, tool calls, tool results, reasoning, media), tool call cards, the "content not
 * captured" notice.
 *
 * Safety: every piece of telemetry goes through lit text bindings, except assistant text, which
 * is rendered by `renderMarkdown` (markdown-it without HTML + DOMPurify allow-list). User, system
 * and tool text is shown as plain text: it is what was sent, byte for byte.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { until } from 'lit/directives/until.js';
import type { GenAiEvaluation, GenAiMcpInfo, GenAiMessage, GenAiMessagePart } from '../../src/model/genai';
import type { SpanId } from '../../src/model/trace';
import type { AttributeValue } from '../../src/model/trace';
import { formatDuration, formatSize } from '../../src/model/format';
import { shortenText } from '../../src/model/genaiFormat';
import { loadMarkdown, markdownRenderer } from './markdownLoader';
import { copyButton, foldPoint, highlightJson, renderDisplay, toDisplay, type ValueContext } from './values';
import { formatBytes, renderEvaluations, renderMcpLabel, renderMediaPart, type ExtrasContext } from './genaiExtras';

/** Message text folds later than attribute values: it is read, not scanned. */
export const MESSAGE_FOLD = { chars: 1500, lines: 24 };
/** JSON (arguments, results) folds a little earlier. */
const JSON_FOLD = { chars: 800, lines: 16 };
/** Inline (one-line) JSON up to this length. */
const INLINE_JSON_CHARS = 100;
/** Above this size markdown is shown as plain text (rendering would be slow and unreadable). */
const MARKDOWN_MAX_CHARS = 200_000;

const KNOWN_ROLES = new Set(['system', 'user', 'assistant', 'tool']);

export function roleClass(role: string): string {
  return KNOWN_ROLES.has(role) ? role : 'other';
}

export function roleLabel(role: string): string {
  switch (role) {
    case 'system':
      return 'System';
    case 'user':
      return 'User';
    case 'assistant':
      return 'Assistant';
    case 'tool':
      return 'Tool';
    default:
      return role ? role.charAt(0).toUpperCase() + role.slice(1) : 'Message';
  }
}

function roleIcon(role: string): string {
  switch (role) {
    case 'system':
      return 'settings-gear';
    case 'user':
      return 'account';
    case 'assistant':
      return 'sparkle';
    case 'tool':
      return 'tools';
    default:
      return 'comment';
  }
}

/** Plain text of a value (strings as they are, anything else as JSON). */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The text a message's copy button copies. */
export function partsText(parts: GenAiMessagePart[]): string {
  return parts
    .map((p) => {
      switch (p.type) {
        case 'text':
        case 'reasoning':
          return p.content;
        case 'tool_call':
          return `${p.name}(${p.arguments === undefined ? '' : typeof p.arguments === 'string' ? p.arguments : JSON.stringify(p.arguments)})`;
        case 'tool_call_response':
          return valueText(p.response);
        case 'media':
          return [p.modality, p.mimeType, p.sizeBytes !== undefined ? formatBytes(p.sizeBytes) : '', p.uri ?? p.fileId, p.note].filter(Boolean).join(' ');
        case 'other':
          return valueText(p.raw);
        default:
          return '';
      }
    })
    .filter((s) => s !== '')
    .join('\n\n');
}

/**
 * Sanitized markdown as lit content: at once when the markdown chunk is loaded, else the plain text
 * until it arrives (and for good if it cannot be loaded).
 */
function markdownHtml(text: string): unknown {
  const render = markdownRenderer();
  if (render) return unsafeHTML(render(text));
  const plain = html`<div class="msg-text">${text}</div>`;
  return until(
    loadMarkdown().then((loaded) => (loaded ? unsafeHTML(loaded(text)) : plain)),
    plain,
  );
}

/** Long text with a "Show more" fold; assistant text as sanitized markdown. */
export function renderText(text: string, id: string, ctx: ValueContext, markdown: boolean): TemplateResult {
  const cut = foldPoint(text, MESSAGE_FOLD.chars, MESSAGE_FOLD.lines);
  const expanded = cut < 0 || ctx.isExpanded(id);
  const shown = expanded ? text : text.slice(0, cut);
  const ellipsis = expanded ? nothing : html`<span class="ellipsis">…</span>`;
  const body =
    markdown && shown.length <= MARKDOWN_MAX_CHARS
      ? html`<div class="md">${markdownHtml(shown)}${ellipsis}</div>`
      : html`<div class="msg-text">${shown}${ellipsis}</div>`;
  const toggle =
    cut < 0
      ? nothing
      : html`<button class="link-btn fold-toggle" aria-expanded=${expanded ? 'true' : 'false'} @click=${() => ctx.toggleExpanded(id)}>
          ${expanded ? 'Show less' : `Show more (${formatSize(text.length)})`}
        </button>`;
  return html`${body}${toggle}`;
}

/**
 * A JSON-ish value (tool arguments, results): short JSON on one line, longer values pretty-printed
 * with token colors and folded; non-JSON strings as text.
 */
export function renderJsonish(value: unknown, id: string, ctx: ValueContext): TemplateResult {
  if (value === undefined) return html`<span class="muted">(none)</span>`;
  const d = toDisplay(value as AttributeValue);
  if (d.kind === 'json') {
    const compact = compactJson(value);
    if (compact !== null && compact.length <= INLINE_JSON_CHARS) {
      return html`<code class="json-inline">${highlightJson(compact)}</code>`;
    }
  }
  return renderDisplay(d, id, ctx, 'msg-value', JSON_FOLD);
}

function compactJson(value: unknown): string | null {
  try {
    const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    return JSON.stringify(parsed);
  } catch {
    return null;
  }
}

/** One part of a message. */
export function renderPart(part: GenAiMessagePart, id: string, ctx: ExtrasContext, role: string): TemplateResult {
  switch (part.type) {
    case 'text':
      return html`<div class="part part-text">${renderText(part.content, id, ctx, role === 'assistant')}</div>`;
    case 'tool_call':
      return html`<div class="part part-tool-call">
        <div class="part-head">
          <span class="codicon codicon-tools"></span>
          <span class="part-title">Calls <span class="tool-name">${part.name || '(unnamed tool)'}</span></span>
          ${part.id ? html`<code class="call-id" title="Tool call ID">${part.id}</code>` : nothing}
        </div>
        ${part.arguments === undefined ? nothing : html`<div class="part-value">${renderJsonish(part.arguments, `${id}:args`, ctx)}</div>`}
      </div>`;
    case 'tool_call_response':
      return html`<div class="part part-tool-result">
        <div class="part-head">
          <span class="codicon codicon-reply"></span>
          <span class="part-title">Tool result</span>
          ${part.id ? html`<code class="call-id" title="Tool call ID">${part.id}</code>` : nothing}
        </div>
        <div class="part-value">${renderJsonish(part.response, `${id}:resp`, ctx)}</div>
      </div>`;
    case 'reasoning': {
      const openId = `${id}:open`;
      const open = ctx.isExpanded(openId);
      return html`<div class="part part-reasoning">
        <button class="disclosure" aria-expanded=${open ? 'true' : 'false'} @click=${() => ctx.toggleExpanded(openId)}>
          <span class="codicon codicon-chevron-${open ? 'down' : 'right'}"></span>
          <span class="codicon codicon-lightbulb"></span>
          <span>Reasoning</span>
          <span class="muted">${formatSize(part.content.length)}</span>
        </button>
        ${open ? html`<div class="reasoning-body">${renderText(part.content, `${id}:text`, ctx, false)}</div>` : nothing}
      </div>`;
    }
    case 'media':
      return renderMediaPart(part, ctx);
    case 'other':
      return html`<div class="part part-other">
        <div class="part-head"><span class="codicon codicon-question"></span><span class="part-title">Unrecognized part</span></div>
        <div class="part-value">${renderJsonish(part.raw, `${id}:raw`, ctx)}</div>
      </div>`;
    default:
      return html``;
  }
}

export interface MessageOptions {
  /** Tool results with these call ids are not repeated (a tool call card already shows them). */
  hideToolResultIds?: ReadonlySet<string>;
  /** Label after the role, e.g. "input" / "output". */
  note?: string;
}

/** A message as a bubble by role; `system` messages are collapsed. `nothing` when nothing is left to show. */
export function renderMessage(msg: GenAiMessage, id: string, ctx: ExtrasContext, options: MessageOptions = {}): TemplateResult | typeof nothing {
  if (msg.role === 'system') return renderSystemInstructions(msg.parts, id, ctx);
  const hide = options.hideToolResultIds;
  const parts = hide ? msg.parts.filter((p) => !(p.type === 'tool_call_response' && p.id && hide.has(p.id))) : msg.parts;
  if (parts.length === 0) return nothing;
  const label = roleLabel(msg.role);
  return html`<div class="msg msg-${roleClass(msg.role)}" data-role=${msg.role}>
    <div class="msg-head">
      <span class="codicon codicon-${roleIcon(msg.role)}"></span>
      <span class="msg-role">${label}</span>
      ${msg.name ? html`<span class="msg-name" title="Name">${msg.name}</span>` : nothing}
      ${options.note ? html`<span class="msg-note">${options.note}</span>` : nothing}
      ${msg.finishReason ? html`<span class="msg-finish" title="Finish reason">${msg.finishReason}</span>` : nothing}
      <span class="msg-actions">${copyButton(partsText(parts), `${label.toLowerCase()} message`, ctx, 'Copy message')}</span>
    </div>
    <div class="msg-body">${parts.map((p, j) => renderPart(p, `${id}:${j}`, ctx, msg.role))}</div>
  </div>`;
}

/** System instructions: collapsed by default, with a one-line preview. */
export function renderSystemInstructions(parts: GenAiMessagePart[], id: string, ctx: ExtrasContext): TemplateResult {
  const openId = `${id}:open`;
  const open = ctx.isExpanded(openId);
  const text = partsText(parts);
  return html`<div class="msg msg-system${open ? ' open' : ''}" data-role="system">
    <div class="msg-head">
      <button class="disclosure" aria-expanded=${open ? 'true' : 'false'} @click=${() => ctx.toggleExpanded(openId)}>
        <span class="codicon codicon-chevron-${open ? 'down' : 'right'}"></span>
        <span class="codicon codicon-settings-gear"></span>
        <span class="msg-role">System instructions</span>
      </button>
      ${open ? nothing : html`<span class="msg-preview" title=${shortenText(text, 400)}>${shortenText(text, 160)}</span>`}
      <span class="msg-actions">${copyButton(text, 'system instructions', ctx, 'Copy message')}</span>
    </div>
    ${open ? html`<div class="msg-body">${parts.map((p, j) => renderPart(p, `${id}:${j}`, ctx, 'system'))}</div>` : nothing}
  </div>`;
}

/** What a tool call card shows. */
export interface ToolCallInfo {
  name: string;
  callId?: string;
  type?: string;
  arguments?: unknown;
  result?: unknown;
  error?: string;
  durationMs?: number;
  /** MCP facts: the title reads "MCP · server · tool". */
  mcp?: GenAiMcpInfo;
  /** Other spans of the same call (the MCP server span under its client span). */
  linkedSpanIds?: SpanId[];
  evaluations?: GenAiEvaluation[];
}

/**
 * A tool call as a card: name, call id, duration, error state, pretty-printed arguments and
 * result. `onSelect` makes the title a button that selects the tool's span.
 */
export function renderToolCard(t: ToolCallInfo, id: string, ctx: ExtrasContext, onSelect?: () => void): TemplateResult {
  const title = t.mcp
    ? html`<span class="codicon codicon-plug"></span>${renderMcpLabel(t.mcp, t.name)}`
    : html`<span class="codicon codicon-tools"></span><span class="tool-name">${t.name || '(unnamed tool)'}</span>`;
  const linked = t.linkedSpanIds ?? [];
  return html`<div class="tool-card${t.error ? ' error' : ''}${t.mcp ? ' mcp' : ''}" data-card="tool">
    <div class="tool-head">
      ${onSelect
        ? html`<button class="card-title" title="Select this tool call in the waterfall" @click=${onSelect}>${title}</button>`
        : html`<span class="card-title">${title}</span>`}
      ${t.type ? html`<span class="muted">${t.type}</span>` : nothing}
      ${t.callId ? html`<code class="call-id" title="Tool call ID">${t.callId}</code>` : nothing}
      ${t.error ? html`<span class="pill pill-error"><span class="codicon codicon-error"></span>Error</span>` : nothing}
      ${t.durationMs !== undefined ? html`<span class="card-dur" title="Duration">${formatDuration(t.durationMs)}</span>` : nothing}
    </div>
    ${linked.length && ctx.selectSpan
      ? html`<div class="tool-linked">
          ${linked.map(
            (spanId, i) => html`<button class="link-btn linked-span" title="Select this span of the same call in the waterfall" @click=${() => ctx.selectSpan?.(spanId)}>
              <span class="codicon codicon-link"></span>${t.mcp ? (linked.length === 1 && t.mcp.side === 'client' ? 'MCP server span' : `MCP span ${i + 1}`) : `linked span ${i + 1}`}
            </button>`,
          )}
        </div>`
      : nothing}
    <div class="tool-section" data-part="arguments">
      <div class="tool-label">
        <span>Arguments</span>
        ${t.arguments === undefined ? nothing : copyButton(valueText(t.arguments), `${t.name} arguments`, ctx, 'Copy arguments')}
      </div>
      ${t.arguments === undefined ? html`<span class="muted">not recorded</span>` : renderJsonish(t.arguments, `${id}:args`, ctx)}
    </div>
    ${t.result === undefined && t.error
      ? nothing
      : html`<div class="tool-section" data-part="result">
          <div class="tool-label">
            <span>Result</span>
            ${t.result === undefined ? nothing : copyButton(valueText(t.result), `${t.name} result`, ctx, 'Copy result')}
          </div>
          ${t.result === undefined ? html`<span class="muted">not recorded</span>` : renderJsonish(t.result, `${id}:result`, ctx)}
        </div>`}
    ${t.error
      ? html`<div class="tool-section tool-error" data-part="error">
          <div class="tool-label"><span>Error</span>${copyButton(t.error, `${t.name} error`, ctx, 'Copy error')}</div>
          <div class="msg-text">${t.error}</div>
        </div>`
      : nothing}
    ${t.evaluations?.length ? html`<div class="tool-section">${renderEvaluations(t.evaluations, `${id}:evals`, ctx)}</div>` : nothing}
  </div>`;
}

/** The notice for a model call whose messages were not captured, with how to turn capture on. */
export function renderContentMissing(hint: string | undefined, ctx: ValueContext): TemplateResult {
  return html`<div class="notice content-missing" role="note">
    <span class="codicon codicon-eye-closed"></span>
    <div class="notice-body">
      <div>Message content was not captured for this model call: only its model, token counts and timing were recorded.</div>
      ${hint
        ? html`<div class="hint">
            <span class="hint-label">To capture it:</span>
            <span class="hint-text selectable">${hint}</span>
            ${copyButton(hint, 'content capture hint', ctx, 'Copy')}
          </div>`
        : html`<div class="hint">Turn on your instrumentation's message content capture (for OpenTelemetry GenAI instrumentations:
            <code class="selectable">OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true</code>).</div>`}
    </div>
  </div>`;
}
