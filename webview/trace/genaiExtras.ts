/**
 * Components for the conventions beyond messages, shared by the Conversation tab and the details
 * pane: the MCP label of a tool card, evaluation results, guardrail cards, content stored by
 * reference, and media parts (images inline only from `data:` URIs checked by the back end —
 * the document's CSP allows `img-src data:` and nothing remote; other media as type · size · link).
 *
 * Safety: every value goes through lit bindings (text or attribute), never HTML. `<img src>` is
 * only ever a `data:image/(png|jpeg|gif|webp);base64,…` URI (re-checked here); links only
 * `http(s):` URLs, which VS Code opens outside the webview after asking; `file:` paths are opened
 * by the extension host (`openLocalFile`), never by the webview.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { GenAiContentRef, GenAiEvaluation, GenAiGuardrail, GenAiGuardrailResult, GenAiMcpInfo, GenAiMessagePart } from '../../src/model/genai';
import type { SpanId } from '../../src/model/trace';
import { copyButton, type ValueContext } from './values';

type MediaPart = Extract<GenAiMessagePart, { type: 'media' }>;

/** What the extras need besides fold state and copy: opening a local file, selecting a span. */
export interface ExtrasContext extends ValueContext {
  openLocalFile?(path: string): void;
  selectSpan?(spanId: SpanId): void;
}

/** The only image sources shown (the back end checked the bytes and the base64 alphabet). */
const SAFE_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]/;

/** `812 B`, `3.2 KiB`, `1.4 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** "MCP · server · tool" label of a tool card. */
export function renderMcpLabel(mcp: GenAiMcpInfo, toolName: string): TemplateResult {
  const title = [
    `MCP ${mcp.method ?? ''}`.trim(),
    mcp.server ? `server: ${mcp.server}` : '',
    mcp.sessionId ? `session: ${mcp.sessionId}` : '',
    mcp.protocolVersion ? `protocol: ${mcp.protocolVersion}` : '',
    mcp.requestId ? `request id: ${mcp.requestId}` : '',
    mcp.transport ? `transport: ${mcp.transport}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return html`<span class="mcp-label" title=${title}>
    <span class="mcp-tag">MCP</span>${mcp.server ? html`<span class="mcp-sep"> · </span><span class="mcp-server">${mcp.server}</span>` : nothing}<span class="mcp-sep"> · </span
    ><span class="tool-name">${toolName || mcp.toolName || '(unnamed tool)'}</span>
  </span>`;
}

/** MCP facts as definition-list rows (details pane). */
export function mcpFacts(mcp: GenAiMcpInfo): TemplateResult {
  const row = (label: string, value: string | undefined) => (value ? html`<dt>${label}</dt><dd>${value}</dd>` : nothing);
  return html`<dl class="facts mcp-facts">
    ${row('Method', mcp.method)} ${row('Side', mcp.side === 'unknown' ? undefined : mcp.side === 'client' ? 'client (calls the server)' : 'server (handles the call)')}
    ${row('Server', mcp.server)} ${row('Tool', mcp.toolName)} ${row('Prompt', mcp.promptName)} ${row('Resource', mcp.resourceUri)}
    ${row('Session', mcp.sessionId)} ${row('Protocol', mcp.protocolVersion)} ${row('Request ID', mcp.requestId)} ${row('Transport', mcp.transport)}
    ${row('Status code', mcp.statusCode)} ${row('Error type', mcp.errorType)}
  </dl>`;
}

function scoreText(e: GenAiEvaluation): string {
  const parts: string[] = [];
  if (e.scoreValue !== undefined) parts.push(String(e.scoreValue));
  if (e.scoreLabel) parts.push(e.scoreLabel);
  return parts.join(' · ');
}

/**
 * Evaluation results: one line each (name, score, label); the explanation on hover and behind a
 * keyboard-reachable disclosure. `id` keys the open state.
 */
export function renderEvaluations(evals: readonly GenAiEvaluation[], id: string, ctx: ExtrasContext): TemplateResult {
  return html`<ul class="evals" aria-label="Evaluations">
    ${evals.map((e, i) => {
      const openId = `${id}:${i}`;
      const open = ctx.isExpanded(openId);
      const score = scoreText(e);
      const title = [e.name || 'evaluation', score, e.explanation ?? '', e.responseId ? `response ${e.responseId}` : ''].filter(Boolean).join('\n');
      return html`<li class="eval${e.errorType ? ' eval-error' : ''}" data-eval=${e.name} title=${title}>
        <div class="eval-line">
          <span class="codicon codicon-${e.errorType ? 'warning' : 'checklist'}"></span>
          <span class="eval-name">${e.name || 'evaluation'}</span>
          ${score ? html`<span class="eval-score">${score}</span>` : nothing}
          ${e.errorType ? html`<span class="pill pill-error">${e.errorType}</span>` : nothing}
          ${e.fromSpanId && ctx.selectSpan
            ? html`<button class="link-btn eval-from" title="Select the span that reported this evaluation" @click=${() => ctx.selectSpan?.(e.fromSpanId!)}>reported by another span</button>`
            : nothing}
          ${e.explanation
            ? html`<button class="link-btn eval-why" aria-expanded=${open ? 'true' : 'false'} @click=${() => ctx.toggleExpanded(openId)}>${open ? 'Hide explanation' : 'Why?'}</button>`
            : nothing}
        </div>
        ${open && e.explanation ? html`<div class="eval-explanation selectable">${e.explanation}</div>` : nothing}
      </li>`;
    })}
  </ul>`;
}

function resultText(r: GenAiGuardrailResult): string {
  if (r.resultType && r.resultValue !== undefined) return `${r.resultType} = ${r.resultValue}`;
  return r.resultValue ?? r.resultType ?? '';
}

function guardrailRows(r: GenAiGuardrailResult): TemplateResult {
  const row = (label: string, value: string | undefined) => (value ? html`<dt>${label}</dt><dd>${value}</dd>` : nothing);
  const policy = r.policyId ? `${r.policyId}${r.policyVersion ? ` (version ${r.policyVersion})` : ''}` : undefined;
  const risk = r.riskCategory || r.riskScore !== undefined ? [r.riskCategory, r.riskScore !== undefined ? String(r.riskScore) : ''].filter(Boolean).join(' · ') : undefined;
  return html`${row('Policy', policy)}${row('Rule', r.ruleId)}${row('Source', r.source)}${row('Result', resultText(r) || undefined)}${row('Reason', r.reason)}${row('Risk', risk)}${row('Error', r.errorType)}`;
}

/**
 * A guardrail as a card: component, policy, result and reason (provider-native values, no verdict
 * of our own), and each `gen_ai.guardrail.result` event. `onSelect` selects its span.
 */
export function renderGuardrailCard(g: GenAiGuardrail, name: string, id: string, ctx: ExtrasContext, onSelect?: () => void, error?: string): TemplateResult {
  const title = html`<span class="codicon codicon-shield"></span><span class="guard-title">Guardrail</span><span class="guard-name">${g.componentName ?? name}</span>`;
  const own = guardrailRows(g);
  return html`<div class="tool-card guard-card${error ? ' error' : ''}" data-card="guardrail">
    <div class="tool-head">
      ${onSelect ? html`<button class="card-title" title="Select this guardrail span in the waterfall" @click=${onSelect}>${title}</button>` : html`<span class="card-title">${title}</span>`}
      ${error ? html`<span class="pill pill-error"><span class="codicon codicon-error"></span>Error</span>` : nothing}
    </div>
    <dl class="facts guard-facts">${own}</dl>
    ${g.results.length
      ? html`<ul class="guard-results">
          ${g.results.map(
            (r, i) => html`<li class="guard-result-item" data-result=${String(i)}>
              ${r.componentName && r.componentName !== g.componentName ? html`<div class="guard-component">${r.componentName}</div>` : nothing}
              <dl class="facts">${guardrailRows(r)}</dl>
              ${r.inputContent !== undefined ? contentRow('Evaluated content', r.inputContent, `${id}:${i}:in`, ctx) : nothing}
              ${r.outputContent !== undefined ? contentRow('Returned content', r.outputContent, `${id}:${i}:out`, ctx) : nothing}
            </li>`,
          )}
        </ul>`
      : nothing}
    ${error ? html`<div class="tool-section tool-error"><div class="msg-text">${error}</div></div>` : nothing}
  </div>`;
}

function contentRow(label: string, value: unknown, id: string, ctx: ExtrasContext): TemplateResult {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return html`<div class="tool-section"><div class="tool-label"><span>${label}</span>${copyButton(text, label.toLowerCase(), ctx, 'Copy')}</div><div class="msg-text selectable" data-id=${id}>${text}</div></div>`;
}

const CONTENT_NAMES: Record<GenAiContentRef['content'], string> = {
  input: 'Input messages',
  output: 'Output messages',
  system: 'System instructions',
  tools: 'Tool definitions',
};

/** "Content stored at …" notes for `*_ref` attributes: read from a local file, or why not. */
export function renderContentRefs(refs: readonly GenAiContentRef[], ctx: ExtrasContext): TemplateResult {
  return html`<ul class="content-refs">
    ${refs.map(
      (r) => html`<li class="content-ref" data-ref=${r.content}>
        <span class="codicon codicon-${r.read ? 'file' : 'link'}"></span>
        <span>${CONTENT_NAMES[r.content]}</span>
        ${r.read && r.localPath
          ? html`<span class="muted">read from</span> ${pathLink(r.localPath, ctx)} <span class="muted">(${formatBytes(r.read.bytes)}, ${r.read.format === 'jsonl' ? 'JSON Lines' : 'JSON'})</span>`
          : html`<span class="muted">stored at</span> <span class="media-ref selectable">${r.uri}</span>${copyButton(r.uri, 'content reference', ctx, 'Copy reference')}`}
        ${r.storageStatus ? html`<span class="pill">${r.storageStatus}</span>` : nothing}
        ${r.error ? html`<span class="ref-error"><span class="codicon codicon-warning"></span>${r.localPath ? `not read: ${r.error}` : r.error}</span>` : nothing}
      </li>`,
    )}
  </ul>`;
}

/** A local path: a button asking the host to open it (when it can), else selectable text. */
function pathLink(path: string, ctx: ExtrasContext): TemplateResult {
  return ctx.openLocalFile
    ? html`<button class="link-btn media-path" title=${`Open ${path}`} @click=${() => ctx.openLocalFile?.(path)}>${path}</button>`
    : html`<span class="media-ref selectable">${path}</span>`;
}

/** A media part: an inline image (checked `data:` URI), else type · size · link. */
export function renderMediaPart(part: MediaPart, ctx: ExtrasContext): TemplateResult {
  const kind = part.modality || 'media';
  const meta = [part.mimeType, part.sizeBytes !== undefined ? formatBytes(part.sizeBytes) : ''].filter(Boolean).join(' · ');
  const img = part.dataUri && SAFE_DATA_IMAGE.test(part.dataUri) ? part.dataUri : undefined;
  const web = part.uri && /^https?:\/\//i.test(part.uri) ? part.uri : undefined;
  return html`<div class="part part-media" data-media=${img ? 'inline-image' : kind}>
    ${img ? html`<img class="media-img" src=${img} alt=${`${kind}${part.mimeType ? ` (${part.mimeType})` : ''}`} />` : nothing}
    <div class="media-line">
      <span class="codicon codicon-file-media"></span>
      <span class="media-kind">${kind}</span>
      ${meta ? html`<span class="muted media-meta">${meta}</span>` : nothing}
      ${web ? html`<a class="media-link" href=${web} title=${web}>${web}</a>` : nothing}
      ${part.localPath ? pathLink(part.localPath, ctx) : !web && part.uri ? html`<span class="media-ref selectable" title=${part.uri}>${part.uri}</span>` : nothing}
      ${part.fileId ? html`<span class="media-ref selectable" title="File ID">${part.fileId}</span>` : nothing}
      ${part.note ? html`<span class="muted">${part.note}</span>` : nothing}
      ${part.localNote ? html`<span class="muted">${part.localNote}</span>` : nothing}
    </div>
  </div>`;
}
