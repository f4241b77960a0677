/**
 * The request editor (left side of the playground): system instructions, messages (role and text
 * editable; tool calls and tool results as editable JSON; media described), tool definitions (a
 * JSON editor per tool, add/remove), tool choice, response format and parameters (the known ones
 * as inputs, the rest as name/value rows). Every gap of the recording (`ReplayRequest.missing`) is
 * a visible "not recorded" row where it applies. Fields are native textareas and inputs (their
 * text is the draft's, src/webview/replay/draft.ts); every string is rendered as text.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ReplayGap, ReplayRequest } from '../../src/model/replay';
import { KNOWN_PARAMETERS, editField, isEdited, newField, nextKey, readField, type Draft, type Field, type MessageDraft, type PartDraft } from './draft';
import { gapPlace } from './format';

/** What the editor needs from the app. */
export interface EditorContext {
  request: ReplayRequest;
  draft: Draft;
  /** Call after any change of the draft (re-render, save). */
  changed: () => void;
}

const ROLES = ['user', 'assistant', 'tool', 'system', 'developer'];
/** Gap sections shown inside the editor's sections (the rest: at its top). */
const EDITOR_SECTIONS: readonly string[] = ['system', 'messages', 'toolCallIds', 'media', 'tools', 'toolChoice', 'responseFormat', 'parameters'];

/** A "not recorded" row. */
export function gapRow(gap: ReplayGap): TemplateResult {
  return html`<div class="gap" role="note" data-gap=${gap.field}>
    <span class="codicon codicon-warning" aria-hidden="true"></span>
    <span><strong>not recorded: ${gap.field}</strong> — ${gap.note}</span>
  </div>`;
}

function gapsOf(request: ReplayRequest, sections: readonly string[], index?: number): ReplayGap[] {
  return request.missing.filter((g) => {
    const p = gapPlace(g);
    return sections.includes(p.section) && (index === undefined ? !(p.section === 'messages' && p.index !== undefined && p.index < request.messages.length) : p.section === 'messages' && p.index === index);
  });
}

/** A textarea bound to a field: edits set its text and error; `edited` and `invalid` show. */
function fieldArea(ctx: EditorContext, f: Field, label: string, id: string, opts: { mono?: boolean; placeholder?: string; rows?: number } = {}): TemplateResult {
  const errorId = `${id}-error`;
  return html`<textarea
      id=${id}
      class="field ${opts.mono ? 'mono' : ''}"
      aria-label=${label}
      aria-invalid=${f.error ? 'true' : 'false'}
      aria-describedby=${f.error ? errorId : nothing}
      ?data-edited=${isEdited(f)}
      placeholder=${opts.placeholder ?? ''}
      rows=${opts.rows ?? Math.min(Math.max(f.text.split('\n').length, 1), 12)}
      spellcheck="false"
      .value=${f.text}
      @input=${(e: Event) => {
        editField(f, (e.target as HTMLTextAreaElement).value);
        ctx.changed();
      }}
    ></textarea>
    ${f.error ? html`<div class="field-error" id=${errorId}><span class="codicon codicon-error" aria-hidden="true"></span> ${f.error}</div>` : nothing}`;
}

/** A one-line input bound to a field. */
function fieldInput(ctx: EditorContext, f: Field, label: string, id: string, placeholder = ''): TemplateResult {
  const errorId = `${id}-error`;
  return html`<input
      id=${id}
      class="input ${f.kind === 'number' || f.kind === 'integer' ? 'num' : ''}"
      aria-label=${label}
      aria-invalid=${f.error ? 'true' : 'false'}
      aria-describedby=${f.error ? errorId : nothing}
      ?data-edited=${isEdited(f)}
      placeholder=${placeholder}
      spellcheck="false"
      .value=${f.text}
      @input=${(e: Event) => {
        editField(f, (e.target as HTMLInputElement).value);
        ctx.changed();
      }}
    />${f.error ? html`<div class="field-error" id=${errorId}><span class="codicon codicon-error" aria-hidden="true"></span> ${f.error}</div>` : nothing}`;
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function partView(ctx: EditorContext, p: PartDraft, where: string, id: string, remove: () => void): TemplateResult {
  switch (p.kind) {
    case 'text':
      return html`<div class="part" data-part=${p.type}>
        ${p.type === 'reasoning' ? html`<div class="part-head"><span class="codicon codicon-lightbulb" aria-hidden="true"></span> Reasoning</div>` : nothing}
        ${fieldArea(ctx, p.content, `${where} ${p.type === 'reasoning' ? 'reasoning' : 'text'}`, id)}
      </div>`;
    case 'toolCall':
      return html`<div class="part" data-part="tool_call">
        <div class="part-head">
          <span class="codicon codicon-tools" aria-hidden="true"></span> Tool call
          ${fieldInput(ctx, p.name, `${where} tool call name`, `${id}-name`, 'tool name')}
          <span class="muted part-id" title="Tool call id">${p.id ? `id ${p.id}` : 'no id'}</span>
        </div>
        ${fieldArea(ctx, p.args, `${where} tool call arguments (JSON)`, `${id}-args`, { mono: true, placeholder: '{}' })}
      </div>`;
    case 'toolResult':
      return html`<div class="part" data-part="tool_call_response">
        <div class="part-head">
          <span class="codicon codicon-output" aria-hidden="true"></span> Tool result
          <span class="muted part-id" title="The tool call it answers">${p.id ? `for ${p.id}` : 'no call id'}</span>
          ${p.response.kind === 'json' ? html`<span class="muted">JSON</span>` : nothing}
        </div>
        ${fieldArea(ctx, p.response, `${where} tool result${p.response.kind === 'json' ? ' (JSON)' : ''}`, `${id}-result`, { mono: p.response.kind === 'json' })}
      </div>`;
    case 'media': {
      const m = p.part;
      const facts = [m.modality ?? 'media', m.mimeType, m.sizeBytes !== undefined ? sizeText(m.sizeBytes) : undefined].filter(Boolean).join(' · ');
      const where2 = m.uri ?? (m.fileId ? `file ${m.fileId}` : m.localPath);
      return html`<div class="part media" data-part="media">
        <div class="part-head">
          <span class="codicon codicon-file-media" aria-hidden="true"></span> <span class="media-facts">${facts}</span>
          <button class="icon-button" title="Remove this part" aria-label=${`Remove ${where} ${m.modality ?? 'media'} part`} @click=${remove}><span class="codicon codicon-close" aria-hidden="true"></span></button>
        </div>
        ${m.dataUri ? html`<img class="thumb" src=${m.dataUri} alt=${`${m.modality ?? 'image'} sent with the message`} />` : nothing}
        ${where2 ? html`<div class="media-where mono">${where2}</div>` : nothing}
        <div class="muted">${m.note ?? (m.dataUri || m.uri || m.fileId ? 'Sent as recorded (not editable here).' : 'Only described by the recording: its content is not sent.')}</div>
      </div>`;
    }
    case 'other':
      return html`<div class="part" data-part="other">
        <div class="part-head"><span class="codicon codicon-json" aria-hidden="true"></span> Other part (sent as this JSON)</div>
        ${fieldArea(ctx, p.raw, `${where} raw part (JSON)`, `${id}-raw`, { mono: true })}
      </div>`;
  }
}

function messageView(ctx: EditorContext, m: MessageDraft, index: number): TemplateResult {
  const where = `Message ${index + 1}`;
  const roles = ROLES.includes(m.role) ? ROLES : [m.role, ...ROLES];
  const remove = () => {
    ctx.draft.messages = ctx.draft.messages.filter((x) => x !== m);
    ctx.changed();
  };
  return html`<li class="message" data-key=${m.key} data-role=${m.role}>
    <div class="message-head">
      <span class="message-index">${index + 1}</span>
      <select class="select role" aria-label=${`${where} role`} @change=${(e: Event) => {
        m.role = (e.target as HTMLSelectElement).value;
        ctx.changed();
      }}>
        ${roles.map((r) => html`<option value=${r} ?selected=${r === m.role}>${r}</option>`)}
      </select>
      ${m.name !== undefined ? html`<span class="muted">name ${m.name}</span>` : nothing}
      <span class="spacer"></span>
      <button class="icon-button" title="Add a text part" aria-label=${`Add a text part to ${where}`} @click=${() => {
        m.parts.push({ kind: 'text', type: 'text', content: newField('text', undefined) });
        ctx.changed();
      }}><span class="codicon codicon-add" aria-hidden="true"></span></button>
      <button class="icon-button" title="Remove this message" aria-label=${`Remove ${where}`} @click=${remove}><span class="codicon codicon-trash" aria-hidden="true"></span></button>
    </div>
    ${gapsOf(ctx.request, ['messages'], index).map(gapRow)}
    ${m.parts.length === 0 ? html`<div class="muted empty-part">No content.</div>` : nothing}
    ${m.parts.map((p, i) =>
      partView(ctx, p, where, `${m.key}-p${i}`, () => {
        m.parts.splice(i, 1);
        ctx.changed();
      }),
    )}
  </li>`;
}

function toolName(f: Field): string {
  const r = readField(f);
  return r.ok && r.value && typeof (r.value as { name?: unknown }).name === 'string' ? (r.value as { name: string }).name : '(invalid)';
}

function section(id: string, heading: string, description: string, gaps: ReplayGap[], body: TemplateResult, open = true): TemplateResult {
  return html`<vscode-collapsible class="section" data-section=${id} heading=${heading} description=${gaps.length ? `${description}${description ? ' · ' : ''}${gaps.length} not recorded` : description} ?open=${open}>
    <div class="section-body">${gaps.map(gapRow)}${body}</div>
  </vscode-collapsible>`;
}

/** Gaps that belong to no editor section (model, provider, stream and unknown fields), for the top of the editor. */
export function generalGaps(request: ReplayRequest): ReplayGap[] {
  return request.missing.filter((g) => !EDITOR_SECTIONS.includes(gapPlace(g).section));
}

/** The whole editor. */
export function editorView(ctx: EditorContext): TemplateResult {
  const { draft, request } = ctx;
  const add = <T>(list: T[], item: T) => {
    list.push(item);
    ctx.changed();
  };
  const customParams = draft.params.filter((p) => !p.known);
  return html`
    ${section(
      'system',
      'System instructions',
      draft.system.length ? `${draft.system.length} part${draft.system.length > 1 ? 's' : ''}` : 'none',
      gapsOf(request, ['system']),
      html`${draft.system.length === 0 ? html`<p class="muted empty-part">No system instructions were sent.</p>` : nothing}
        ${draft.system.map((p, i) =>
          partView(ctx, p, 'System instructions', `sys-p${i}`, () => {
            draft.system.splice(i, 1);
            ctx.changed();
          }),
        )}
        <button class="link add" @click=${() => add(draft.system, { kind: 'text', type: 'text', content: newField('text', undefined) })}><span class="codicon codicon-add" aria-hidden="true"></span> Add system text</button>`,
    )}
    ${section(
      'messages',
      'Messages',
      `${draft.messages.length}`,
      gapsOf(request, ['messages', 'toolCallIds', 'media']),
      html`${draft.messages.length === 0 ? html`<p class="muted empty-part">No messages. Add one to send.</p>` : nothing}
        <ol class="messages">${repeat(draft.messages, (m) => m.key, (m, i) => messageView(ctx, m, i))}</ol>
        <button class="link add" @click=${() => add(draft.messages, { key: nextKey(draft, 'm'), role: 'user', parts: [{ kind: 'text', type: 'text', content: newField('text', undefined) }] })}><span class="codicon codicon-add" aria-hidden="true"></span> Add message</button>`,
    )}
    ${section(
      'tools',
      'Tools',
      `${draft.tools.length}`,
      gapsOf(request, ['tools']),
      html`${draft.tools.length === 0 ? html`<p class="muted empty-part">No tools were offered.</p>` : nothing}
        ${repeat(
          draft.tools,
          (t) => t.key,
          (t, i) => html`<div class="tool" data-key=${t.key}>
            <div class="part-head">
              <span class="codicon codicon-tools" aria-hidden="true"></span> <strong class="tool-name">${toolName(t.field)}</strong>
              <span class="spacer"></span>
              <button class="icon-button" title="Remove this tool" aria-label=${`Remove tool ${i + 1}`} @click=${() => {
                draft.tools = draft.tools.filter((x) => x !== t);
                ctx.changed();
              }}><span class="codicon codicon-trash" aria-hidden="true"></span></button>
            </div>
            ${fieldArea(ctx, t.field, `Tool ${i + 1} definition (JSON)`, `${t.key}-def`, { mono: true })}
          </div>`,
        )}
        <button class="link add" @click=${() => {
          const f = newField('tool', undefined);
          editField(f, JSON.stringify({ name: 'new_tool', description: '', parameters: { type: 'object', properties: {} } }, null, 2));
          add(draft.tools, { key: nextKey(draft, 't'), field: f });
        }}><span class="codicon codicon-add" aria-hidden="true"></span> Add tool</button>
        <div class="subfield">
          <label class="sublabel" for="tool-choice">Tool choice <span class="muted">(auto, none, required, or a JSON object; empty = not sent)</span></label>
          ${gapsOf(request, ['toolChoice']).map(gapRow)} ${fieldArea(ctx, draft.toolChoice, 'Tool choice', 'tool-choice', { mono: true, rows: 1 })}
        </div>`,
    )}
    ${section(
      'responseFormat',
      'Response format',
      draft.responseFormat.text.trim() ? 'structured output' : 'text',
      gapsOf(request, ['responseFormat']),
      html`${fieldArea(ctx, draft.responseFormat, 'Response format (JSON)', 'response-format', { mono: true, placeholder: 'Plain text. For structured output: {"type": "json_schema", "json_schema": {…}}' })}`,
      !!draft.responseFormat.text.trim() || gapsOf(request, ['responseFormat']).length > 0,
    )}
    ${section(
      'parameters',
      'Parameters',
      `${draft.params.filter((p) => p.field.text.trim()).length} set`,
      gapsOf(request, ['parameters']),
      html`<div class="params">
          ${draft.params
            .filter((p) => p.known)
            .map((p) => {
              const k = KNOWN_PARAMETERS.find((x) => x.name === p.name);
              return html`<label class="param" data-param=${p.name} for=${`param-${p.key}`}><span class="param-name">${k?.label ?? p.name}</span></label>
                <div class="param-value">${p.field.kind === 'lines' ? fieldArea(ctx, p.field, p.name, `param-${p.key}`, { rows: 1, placeholder: 'not set' }) : fieldInput(ctx, p.field, p.name, `param-${p.key}`, `not set (${k?.hint ?? ''})`)}</div>`;
            })}
        </div>
        ${customParams.length ? html`<div class="params custom">
              ${customParams.map(
                (p) => html`<input class="input param-key" aria-label="Parameter name" data-param=${p.name} spellcheck="false" .value=${p.name} @input=${(e: Event) => {
                    p.name = (e.target as HTMLInputElement).value;
                    ctx.changed();
                  }} />
                  <div class="param-value row">${fieldInput(ctx, p.field, `${p.name || 'parameter'} value`, `param-${p.key}`, 'value (JSON or text)')}
                    <button class="icon-button" title="Remove this parameter" aria-label=${`Remove parameter ${p.name}`} @click=${() => {
                      draft.params = draft.params.filter((x) => x !== p);
                      ctx.changed();
                    }}><span class="codicon codicon-trash" aria-hidden="true"></span></button></div>`,
              )}
            </div>`
          : nothing}
        <button class="link add" @click=${() => add(draft.params, { key: nextKey(draft, 'p'), name: '', known: false, field: newField('literal', undefined) })}><span class="codicon codicon-add" aria-hidden="true"></span> Add parameter</button>`,
    )}
  `;
}
