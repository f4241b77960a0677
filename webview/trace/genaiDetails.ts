/**
 * The details pane's GenAI sections, shown first when the selected span has a normalized GenAI
 * view (`SpanDetail.genai`): the facts (kind, provider, models, usage, finish reasons, reported
 * cost), then the conversation of that one call (its input and output messages) or, for a tool
 * span, its arguments and result; values that could not be parsed, raw with their notes.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { GenAiConvention, GenAiSpanView, GenAiUsage } from '../../src/model/genai';
import { formatTokenCount, genaiKindIcon, genaiKindLabel, usageTotal } from '../../src/model/genaiFormat';
import { describeCost, formatCostUsd, formatUsd, type CallCost } from '../../src/model/cost';
import { renderContentMissing, renderJsonish, renderMessage, renderSystemInstructions, renderToolCard } from './messages';
import { copyButton, renderDisplay, type ValueContext } from './values';
import { mcpFacts, renderContentRefs, renderEvaluations, renderGuardrailCard, type ExtrasContext } from './genaiExtras';
import { formatInteger } from '../../src/model/format';

export interface GenAiSectionHost extends ExtrasContext {
  /** A collapsible details section (open state persisted by id). */
  section(id: string, title: string, count: number | null, body: TemplateResult, actions: TemplateResult | typeof nothing): TemplateResult;
}

const CONVENTION_NAMES: Record<GenAiConvention, string> = {
  'otel-genai': 'OpenTelemetry GenAI',
  'otel-genai-events': 'OpenTelemetry GenAI events',
  openinference: 'OpenInference',
  openllmetry: 'OpenLLMetry',
  'vercel-ai': 'Vercel AI SDK',
  langfuse: 'Langfuse',
  logfire: 'Logfire / pydantic-ai',
  unknown: 'unrecognized',
};

/** Every GenAI section for one span. */
export function renderGenAiSections(g: GenAiSpanView, host: GenAiSectionHost, cost?: CallCost, actions: TemplateResult | typeof nothing = nothing): TemplateResult {
  const messageCount = (g.inputMessages?.length ?? 0) + (g.outputMessages?.length ?? 0);
  const hasMessages = messageCount > 0 || !!g.systemInstructions?.length || !!g.contentMissing || !!g.toolDefinitions?.length || !!g.contentRefs?.length;
  const hasTool = g.kind === 'tool' || !!g.tool;
  return html`
    ${host.section('genai', 'GenAI', null, facts(g, host, cost), actions)}
    ${g.mcp ? host.section('genai-mcp', 'MCP', null, mcpFacts(g.mcp), nothing) : nothing}
    ${g.guardrail ? host.section('genai-guardrail', 'Guardrail', g.guardrail.results.length || null, renderGuardrailCard(g.guardrail, '', 'g:guard', host), nothing) : nothing}
    ${hasTool && g.tool ? host.section('genai-tool', 'Tool Call', null, toolBody(g), nothing) : nothing}
    ${g.evaluations?.length ? host.section('genai-evals', 'Evaluations', g.evaluations.length, renderEvaluations(g.evaluations, 'g:evals', host), nothing) : nothing}
    ${hasMessages ? host.section('genai-messages', 'Messages', messageCount, messagesBody(g, host), nothing) : nothing}
    ${g.rawValues?.length ? host.section('genai-raw', 'Unparsed Values', g.rawValues.length, rawBody(g, host), nothing) : nothing}
  `;

  function toolBody(view: GenAiSpanView): TemplateResult {
    const t = view.tool!;
    return html`<div class="genai-tool">
      ${renderToolCard({ name: t.name ?? '', callId: t.callId, type: t.type, arguments: t.arguments, result: t.result, mcp: view.mcp }, 'g:tool', host)}
    </div>`;
  }
}

function facts(g: GenAiSpanView, ctx: ValueContext, cost: CallCost | undefined): TemplateResult {
  const u = g.usage;
  const model =
    g.requestModel && g.responseModel && g.requestModel !== g.responseModel
      ? html`${g.requestModel} <span class="muted" title="Requested model → model that answered">→</span> ${g.responseModel}`
      : (g.responseModel ?? g.requestModel);
  const total = usageTotal(u);
  return html`<dl class="facts genai-facts">
    <dt>Kind</dt>
    <dd><span class="codicon codicon-${genaiKindIcon(g.kind)} inline-icon"></span>${genaiKindLabel(g.kind)}</dd>
    ${g.provider ? html`<dt>Provider</dt><dd>${g.provider}</dd>` : nothing}
    ${model ? html`<dt>Model</dt><dd data-fact="model">${model}</dd>` : nothing}
    ${g.agentName ? html`<dt>Agent</dt><dd>${g.agentName}</dd>` : nothing}
    ${g.tool?.name && g.kind !== 'tool' ? html`<dt>Tool</dt><dd>${g.tool.name}</dd>` : nothing}
    ${u?.inputTokens !== undefined ? html`<dt>Input tokens</dt><dd data-fact="input-tokens">${tokens(u.inputTokens)}${inputDetails(u)}</dd>` : nothing}
    ${u?.outputTokens !== undefined ? html`<dt>Output tokens</dt><dd data-fact="output-tokens">${tokens(u.outputTokens)}${outputDetails(u)}</dd>` : nothing}
    ${total !== undefined
      ? html`<dt>Total tokens</dt>
          <dd data-fact="total-tokens">
            ${tokens(total)}${g.usageIsAggregate ? html` <span class="muted">(also reported by a child span; counted once in totals)</span>` : nothing}
            ${u?.unitemizedTokens
              ? html`<div class="muted token-reading" data-fact="unitemized-tokens">
                  ${formatInteger(u.unitemizedTokens)} of them are reported as neither input nor output (often cache reads or writes the instrumentation did not break out); the cost counts only input and output.
                </div>`
              : nothing}
          </dd>`
      : nothing}
    ${g.finishReasons?.length ? html`<dt>Finish reasons</dt><dd>${g.finishReasons.join(', ')}</dd>` : nothing}
    ${cost
      ? html`<dt>Cost</dt><dd data-fact="cost" title=${describeCost(cost)}>${cost.status === 'priced' && u?.unitemizedTokens ? '≥ ' : ''}${formatCostUsd(cost)} <span class="muted">${costNote(cost, g)}</span></dd>`
      : g.reportedCostUsd !== undefined
        ? html`<dt>Cost</dt><dd data-fact="cost">${formatUsd(g.reportedCostUsd)} <span class="muted">(reported)</span></dd>`
        : nothing}
    ${g.sessionId ? html`<dt>Session</dt><dd class="id-cell"><code class="id">${g.sessionId}</code>${copyButton(g.sessionId, 'session ID', ctx, 'Copy session ID')}</dd>` : nothing}
    ${g.userId ? html`<dt>User</dt><dd>${g.userId}</dd>` : nothing}
    ${g.conventions.length ? html`<dt>Convention</dt><dd class="muted">${g.conventions.map((c) => CONVENTION_NAMES[c] ?? c).join(', ')}</dd>` : nothing}
  </dl>`;
}

/** What a cost is: reported by the span, priced (as which model, override, long-context rate), or why it is unknown. */
function costNote(cost: CallCost, g: GenAiSpanView): string {
  const aggregate = g.usageIsAggregate ? '; includes nested calls, counted once in totals' : '';
  switch (cost.status) {
    case 'reported':
      return `(reported${aggregate})`;
    case 'priced': {
      const via = cost.source === 'override' ? `override ${cost.pricedAs}` : cost.pricedAs;
      const tier = cost.tierAboveInputTokens !== undefined ? `, > ${formatInteger(cost.tierAboveInputTokens)} input tokens rate` : '';
      const fallback = cost.unknownResponseModel !== undefined ? `, by request model: no price for ${cost.unknownResponseModel}` : '';
      const unitemized = g.usage?.unitemizedTokens ? `; without ${formatInteger(g.usage.unitemizedTokens)} tokens of the total that are neither input nor output` : '';
      return `(${via}${tier}${fallback}${unitemized}${aggregate})`;
    }
    case 'unpriced':
      return `(${cost.detail})`;
    case 'sum': {
      const n = cost.total.reportedCount + cost.total.pricedCount + cost.total.unpricedCount;
      return `(sum of ${n} model call${n === 1 ? '' : 's'} under this span; counted once in totals)`;
    }
  }
}

function tokens(n: number): TemplateResult {
  return html`<span title=${`${formatInteger(n)} tokens`}>${formatInteger(n)}</span>`;
}

function inputDetails(u: GenAiUsage): TemplateResult | typeof nothing {
  const parts: string[] = [];
  if (u.cacheReadTokens) parts.push(`${formatTokenCount(u.cacheReadTokens)} cached`);
  if (u.cacheWriteTokens) parts.push(`${formatTokenCount(u.cacheWriteTokens)} cache write`);
  if (!parts.length) return nothing;
  const r = u.inputReading;
  const reading = !r
    ? nothing
    : r.cache === 'excluded'
      ? html`<div class="muted token-reading" data-fact="input-reading" title=${r.because}>
          The span reported ${formatInteger(r.reportedInputTokens)} input tokens without cached ones; cached tokens were added (${r.because}).
        </div>`
      : html`<div class="muted token-reading" data-fact="input-reading" title=${r.because}>Reported input already includes cached tokens (${r.because}).</div>`;
  return html` <span class="muted">(incl. ${parts.join(', ')})</span>${reading}`;
}

function outputDetails(u: GenAiUsage): TemplateResult | typeof nothing {
  if (u.reasoningTokens === undefined) return nothing;
  const r = u.outputReading;
  const reading = r
    ? html`<div class="muted token-reading" data-fact="output-reading" title=${r.because}>
        The span reported ${formatInteger(r.reportedOutputTokens)} output tokens without reasoning ones; reasoning tokens were added (${r.because}).
      </div>`
    : nothing;
  return html` <span class="muted">(incl. ${formatTokenCount(u.reasoningTokens)} reasoning)</span>${reading}`;
}

function messagesBody(g: GenAiSpanView, ctx: ExtrasContext): TemplateResult {
  const input = g.inputMessages ?? [];
  const output = g.outputMessages ?? [];
  const defs = g.toolDefinitions ?? [];
  const defsOpen = ctx.isExpanded('g:defs');
  return html`<div class="msg-list compact">
    ${g.contentMissing ? renderContentMissing(g.contentCaptureHint, ctx) : nothing}
    ${g.contentRefs?.length ? renderContentRefs(g.contentRefs, ctx) : nothing}
    ${g.systemInstructions?.length ? renderSystemInstructions(g.systemInstructions, 'g:sys', ctx) : nothing}
    ${input.length ? html`<div class="msg-group-label">Input</div>` : nothing}
    ${input.map((m, i) => renderMessage(m, `g:in:${i}`, ctx))}
    ${output.length ? html`<div class="msg-group-label">Output</div>` : nothing}
    ${output.map((m, i) => renderMessage(m, `g:out:${i}`, ctx))}
    ${defs.length
      ? html`<div class="tool-defs">
          <button class="disclosure" aria-expanded=${defsOpen ? 'true' : 'false'} @click=${() => ctx.toggleExpanded('g:defs')}>
            <span class="codicon codicon-chevron-${defsOpen ? 'down' : 'right'}"></span>
            <span class="codicon codicon-tools"></span>
            <span>Tools offered to the model</span>
            <span class="muted">${defs.length}</span>
          </button>
          ${defsOpen
            ? html`<ul class="tool-def-list">
                ${defs.map((d, i) => html`<li><span class="tool-name">${toolDefName(d)}</span>${renderJsonish(d, `g:def:${i}`, ctx)}</li>`)}
              </ul>`
            : html`<span class="tool-def-names muted">${defs.map(toolDefName).join(', ')}</span>`}
        </div>`
      : nothing}
  </div>`;
}

/** `name` of an OpenAI-style `{type, function: {name}}` or a flat `{name}` definition. */
function toolDefName(def: unknown): string {
  if (def && typeof def === 'object') {
    const o = def as { name?: unknown; function?: { name?: unknown } };
    if (typeof o.name === 'string') return o.name;
    if (o.function && typeof o.function.name === 'string') return o.function.name;
  }
  return '(tool)';
}

function rawBody(g: GenAiSpanView, ctx: ValueContext): TemplateResult {
  return html`<ul class="raw-list">
    ${(g.rawValues ?? []).map(
      (r, i) => html`<li class="raw-value" data-key=${r.key}>
        <div class="raw-head">
          <code class="raw-key">${r.key}</code>
          ${copyButton(r.raw, r.key, ctx, 'Copy raw value')}
        </div>
        <div class="raw-note"><span class="codicon codicon-warning"></span>${r.note}</div>
        ${renderDisplay({ kind: 'string', text: r.raw, copyText: r.raw }, `g:raw:${i}`, ctx)}
      </li>`,
    )}
  </ul>`;
}
