/**
 * The answers (right side of the playground): the ORIGINAL answer as recorded, then one column per
 * variant with its overrides (provider, model, sampling parameters), its answer streamed as it
 * arrives, then, once done, the word diff against the original, the tool calls compared position by
 * position, tokens in/out, cost (from the result; "unknown" when absent), latency, time to first
 * token and finish reason; errors (401, 429 with Retry-After, timeout, …) with Retry. Every string
 * is rendered as text.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ReplayRequest, ReplayToolCall } from '../../src/model/replay';
import type { ReplayProviderChoice } from '../../src/protocol/replayView';
import { canonicalArguments, diffToolCalls, diffWords, recordedAnswer, type WordDiff } from './answerDiff';
import { costText, durationText, errorIcon, errorTitle, tokensText } from './format';
import { OVERRIDABLE, isRunning, overrideError, type Variant } from './variants';

/** What the answer columns need from the app. */
export interface AnswersContext {
  request: ReplayRequest;
  variants: Variant[];
  providers: ReplayProviderChoice[];
  top: { provider?: string; model: string };
  run: (v: Variant) => void;
  cancel: (v: Variant) => void;
  remove: (v: Variant) => void;
  /** Call after a change of a variant's settings or view toggles. */
  changed: () => void;
  openTrace: (traceId: string) => void;
  setKey: (provider: string) => void;
}

function diffView(d: WordDiff, label: string, kind: 'answer' | 'arguments'): TemplateResult {
  return html`<pre class="answer-text diff ${kind === 'arguments' ? 'mono args-diff' : 'answer-diff'}" aria-label=${label}>${d.segments.map((s) => (s.op === 'same' ? s.text : s.op === 'added' ? html`<ins>${s.text}</ins>` : html`<del>${s.text}</del>`))}</pre>
    ${d.coarse ? html`<p class="muted note">Too different (or too long) to diff word by word: shown removed and added whole.</p>` : nothing}`;
}

function toolCallList(calls: readonly ReplayToolCall[]): TemplateResult | typeof nothing {
  if (!calls.length) return nothing;
  return html`<ol class="tool-calls">
    ${calls.map(
      (c) => html`<li class="tool-call-row">
        <div class="tool-call-name"><span class="codicon codicon-tools" aria-hidden="true"></span> <strong>${c.name || '(no name yet)'}</strong>${c.id ? html` <span class="muted">${c.id}</span>` : nothing}</div>
        <pre class="answer-text mono">${canonicalArguments(c.arguments)}</pre>
      </li>`,
    )}
  </ol>`;
}

function metrics(rows: ReadonlyArray<[string, string, string?]>): TemplateResult {
  return html`<dl class="metrics">
    ${rows.map(([k, v, title]) => html`<div data-metric=${k} title=${title ?? nothing}><dt>${k}</dt><dd>${v}</dd></div>`)}
  </dl>`;
}

/** The recorded answer's column. */
function originalColumn(request: ReplayRequest): TemplateResult {
  const o = request.original;
  const answer = recordedAnswer(o.output);
  const empty = !answer.text && !answer.toolCalls.length;
  return html`<section class="column original" data-column="original" aria-label="Original answer">
    <header class="col-head">
      <h2><span class="codicon codicon-history" aria-hidden="true"></span> Original</h2>
      <div class="col-sub">recorded${o.responseModel ?? request.model ? html` · <span class="mono">${o.responseModel ?? request.model}</span>` : nothing}</div>
    </header>
    <div class="col-body">
      ${empty ? html`<p class="muted empty">The recording has no answer text or tool calls (output not captured).</p>` : nothing}
      ${answer.text ? html`<pre class="answer-text">${answer.text}</pre>` : nothing} ${toolCallList(answer.toolCalls)}
    </div>
    ${metrics([
      ['tokens', tokensText(o.usage)],
      ['cost', costText(o.costUsd), o.costUsd === undefined ? 'Not priced: unknown model or no token counts' : 'Priced like every model call (the span’s call cost)'],
      ['latency', durationText(o.durationMs), 'The span’s duration'],
      ['first token', 'not recorded'],
      ['finish', o.finishReasons?.join(', ') || '—'],
    ])}
  </section>`;
}

function providerName(ctx: AnswersContext, v: Variant): string | undefined {
  return v.provider ?? ctx.top.provider;
}

function overridesForm(ctx: AnswersContext, v: Variant): TemplateResult {
  const id = (what: string) => `${v.id}-${what}`;
  return html`<div class="overrides" role="group" aria-label=${`${v.label} overrides`}>
    <label class="ov-label" for=${id('provider')}>Provider</label>
    <select class="select" id=${id('provider')} @change=${(e: Event) => {
      const value = (e.target as HTMLSelectElement).value;
      if (value) v.provider = value;
      else delete v.provider;
      ctx.changed();
    }}>
      <option value="" ?selected=${v.provider === undefined}>${ctx.top.provider ? `Default (${ctx.top.provider})` : 'Default (none picked)'}</option>
      ${ctx.providers.map((p) => html`<option value=${p.name} ?selected=${v.provider === p.name}>${p.name}</option>`)}
    </select>
    <label class="ov-label" for=${id('model')}>Model</label>
    <input class="input" id=${id('model')} list="model-suggestions" spellcheck="false" placeholder=${ctx.top.model || 'model'} .value=${v.model} @input=${(e: Event) => {
      v.model = (e.target as HTMLInputElement).value;
      ctx.changed();
    }} />
    ${OVERRIDABLE.map(({ name }) => {
      const text = v.params[name] ?? '';
      const error = overrideError(name, text);
      const base = ctx.request.parameters[name];
      return html`<label class="ov-label" for=${id(name)}>${name}</label>
        <div>
          <input class="input num" id=${id(name)} data-override=${name} inputmode="decimal" spellcheck="false" aria-invalid=${error ? 'true' : 'false'} placeholder=${base !== undefined ? `${String(base)} (request)` : 'request’s'} .value=${text} @input=${(e: Event) => {
            v.params[name] = (e.target as HTMLInputElement).value;
            ctx.changed();
          }} />
          ${error ? html`<div class="field-error"><span class="codicon codicon-error" aria-hidden="true"></span> ${error}</div>` : nothing}
        </div>`;
    })}
  </div>`;
}

function runBody(ctx: AnswersContext, v: Variant): TemplateResult {
  const run = v.run;
  if (!run) return html`<p class="muted empty">Not sent yet. <strong>Send</strong> (Ctrl+Enter) runs every variant; <span class="codicon codicon-play" aria-hidden="true"></span> runs this one.</p>`;
  const original = recordedAnswer(ctx.request.original.output);
  const waiting = isRunning(v) && !run.text && !run.toolCalls.length;
  const done = run.status === 'done';
  const parts: TemplateResult[] = [];
  if (waiting) parts.push(html`<p class="muted waiting"><vscode-progress-ring class="ring" aria-hidden="true"></vscode-progress-ring> ${run.status === 'sending' ? 'Sending…' : 'Waiting for the first token…'}</p>`);
  if (done && v.showDiff) {
    parts.push(diffView(diffWords(original.text, run.text), `${v.label} answer compared with the original`, 'answer'));
    const rows = diffToolCalls(original.toolCalls, run.toolCalls);
    if (rows.length) {
      parts.push(html`<ol class="tool-calls diffed" aria-label="Tool calls compared with the original">
        ${rows.map(
          (r) => html`<li class="tool-call-row" data-status=${r.status}>
            <div class="tool-call-name">
              <span class="status" data-status=${r.status}>${r.status === 'added' ? 'new' : r.status === 'removed' ? 'not called' : r.status}</span>
              <span class="codicon codicon-tools" aria-hidden="true"></span>
              ${r.nameChanged ? html`<del>${r.recorded?.name}</del> <ins>${r.replay?.name}</ins>` : html`<strong>${(r.replay ?? r.recorded)?.name}</strong>`}
            </div>
            ${diffView(r.arguments, `arguments of tool call ${r.index + 1}`, 'arguments')}
          </li>`,
        )}
      </ol>`);
    }
  } else {
    if (run.text) parts.push(html`<pre class="answer-text" aria-live=${isRunning(v) ? 'off' : nothing}>${run.text}${isRunning(v) ? html`<span class="cursor" aria-hidden="true"></span>` : nothing}</pre>`);
    parts.push(html`${toolCallList(run.toolCalls)}`);
    if (done && !run.text && !run.toolCalls.length) parts.push(html`<p class="muted empty">The model answered with no text and no tool call.</p>`);
  }
  if (run.error) {
    const e = run.error;
    const provider = run.provider;
    parts.push(html`<div class="run-error" data-kind=${e.kind} role=${e.kind === 'cancelled' ? 'status' : 'alert'}>
      <span class="codicon codicon-${errorIcon(e)}" aria-hidden="true"></span>
      <div class="run-error-body">
        <strong class="run-error-title">${errorTitle(e)}</strong>
        ${e.kind !== 'cancelled' || e.message !== 'Cancelled.' ? html`<p class="run-error-message">${e.message}</p>` : nothing}
        <div class="run-error-actions">
          <vscode-button class="retry" secondary icon="refresh" @click=${() => ctx.run(v)}>Retry</vscode-button>
          ${e.kind === 'auth' ? html`<vscode-button class="set-key" secondary icon="key" @click=${() => ctx.setKey(provider)}>Set key for ${provider}…</vscode-button>` : nothing}
        </div>
      </div>
    </div>`);
  }
  return html`${parts}`;
}

function runMetrics(v: Variant): TemplateResult | typeof nothing {
  const r = v.run?.result;
  if (!r) return nothing;
  return metrics([
    ['tokens', tokensText(r.usage)],
    ['cost', costText(r.costUsd), r.costUsd === undefined ? 'Not priced: unknown model or no token counts' : 'Priced like every model call'],
    ['latency', durationText(r.latencyMs), 'From sending the request to the last byte'],
    ['first token', durationText(r.firstTokenMs), 'Time to first token'],
    ['finish', r.finishReason ?? '—'],
    ...(r.responseModel ? [['model', r.responseModel] as [string, string]] : []),
  ]);
}

function variantColumn(ctx: AnswersContext, v: Variant): TemplateResult {
  const running = isRunning(v);
  const run = v.run;
  const provider = run?.provider ?? providerName(ctx, v);
  const model = run?.model ?? (v.model.trim() || ctx.top.model);
  const overrides = run ? run.overrides : OVERRIDABLE.filter((o) => (v.params[o.name] ?? '').trim()).map((o) => `${o.name} ${v.params[o.name].trim()}`).join(', ');
  return html`<section class="column" data-column=${v.id} data-status=${run?.status ?? 'idle'} aria-label=${v.label} aria-busy=${running ? 'true' : 'false'}>
    <header class="col-head">
      <div class="col-title">
        <h2>${v.label}</h2>
        <span class="spacer"></span>
        ${running
          ? html`<vscode-button class="stop" secondary icon="debug-stop" title="Stop this replay" aria-label=${`Stop ${v.label}`} @click=${() => ctx.cancel(v)}></vscode-button>`
          : html`<vscode-button class="run" secondary icon="play" title="Send this variant only" aria-label=${`Send ${v.label}`} @click=${() => ctx.run(v)}></vscode-button>`}
        <vscode-button class="edit" secondary icon="settings" title="Provider, model and parameters of this variant" aria-label=${`${v.label} settings`} aria-expanded=${v.editing ? 'true' : 'false'} @click=${() => {
          v.editing = !v.editing;
          ctx.changed();
        }}></vscode-button>
        ${ctx.variants.length > 1 ? html`<vscode-button class="remove" secondary icon="close" title="Remove this variant" aria-label=${`Remove ${v.label}`} @click=${() => ctx.remove(v)}></vscode-button>` : nothing}
      </div>
      <div class="col-sub">${provider ?? 'no provider'} · <span class="mono">${model || 'no model'}</span>${overrides ? html` · <span class="overrides-text">${overrides}</span>` : nothing}</div>
    </header>
    ${v.editing ? overridesForm(ctx, v) : nothing}
    ${run?.status === 'done'
      ? html`<div class="view-toggle" role="group" aria-label="Show">
          <button class="toggle" aria-pressed=${v.showDiff ? 'true' : 'false'} @click=${() => {
            v.showDiff = true;
            ctx.changed();
          }}>Diff vs original</button>
          <button class="toggle" aria-pressed=${v.showDiff ? 'false' : 'true'} @click=${() => {
            v.showDiff = false;
            ctx.changed();
          }}>Answer</button>
        </div>`
      : nothing}
    <div class="col-body">${runBody(ctx, v)}</div>
    ${runMetrics(v)}
    ${run?.traceId ? html`<button class="link trace-link" @click=${() => ctx.openTrace(run.traceId!)}><span class="codicon codicon-link-external" aria-hidden="true"></span> Open replay trace</button>` : nothing}
  </section>`;
}

/** The answer columns: original first, then every variant. */
export function answersView(ctx: AnswersContext): TemplateResult {
  return html`<div class="columns">${originalColumn(ctx.request)}${repeat(ctx.variants, (v) => v.id, (v) => variantColumn(ctx, v))}</div>`;
}
