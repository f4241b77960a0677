/**
 * Rendering of attribute values, log bodies and stack traces as text (lit escapes every
 * interpolation; nothing here builds HTML from data). JSON (objects, arrays and strings that
 * hold JSON) is pretty-printed with token coloring; long values are folded behind "Show more".
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AttributeValue, Attributes } from '../../src/model/trace';
import { formatInteger, formatSize } from '../../src/model/format';
import { truncationOf } from '../../src/model/limits';

/** Fold values longer than this many characters or lines. */
export const FOLD_CHARS = 300;
export const FOLD_LINES = 6;
/** Above this size JSON is shown without token coloring (keeps huge prompts cheap). */
const HIGHLIGHT_MAX_CHARS = 100_000;

export interface ValueContext {
  /** Is the value with this id unfolded? */
  isExpanded(id: string): boolean;
  toggleExpanded(id: string): void;
  copy(text: string, what: string, button: HTMLElement): void;
}

/** Shows a copy button as done (check mark) for a moment after its text was copied. */
export function flashCopied(button: HTMLElement): void {
  button.classList.replace('codicon-copy', 'codicon-check');
  button.classList.add('copied');
  window.setTimeout(() => {
    button.classList.replace('codicon-check', 'codicon-copy');
    button.classList.remove('copied');
  }, COPIED_FEEDBACK_MS);
}

const COPIED_FEEDBACK_MS = 1200;

/** A value prepared for display. */
export interface DisplayValue {
  kind: 'string' | 'number' | 'boolean' | 'null' | 'json';
  /** The text shown (pretty JSON for `json`). */
  text: string;
  /** The text copied. */
  copyText: string;
}

/**
 * Parsing and pretty-printing a large JSON prompt on every re-render (each fold toggle renders
 * the pane again) would be wasteful: remember results for long strings and for objects.
 */
const stringCache = new Map<string, DisplayValue>();
const objectCache = new WeakMap<object, DisplayValue>();
const CACHE_MIN_CHARS = 200;
const STRING_CACHE_ENTRIES = 256;

export function toDisplay(value: AttributeValue): DisplayValue {
  if (typeof value === 'string' && value.length >= CACHE_MIN_CHARS) {
    let d = stringCache.get(value);
    if (!d) {
      d = computeDisplay(value);
      if (stringCache.size >= STRING_CACHE_ENTRIES) stringCache.delete(stringCache.keys().next().value!);
      stringCache.set(value, d);
    }
    return d;
  }
  if (typeof value === 'object' && value !== null) {
    let d = objectCache.get(value);
    if (!d) objectCache.set(value, (d = computeDisplay(value)));
    return d;
  }
  return computeDisplay(value);
}

function computeDisplay(value: AttributeValue): DisplayValue {
  if (value === null) return { kind: 'null', text: 'null', copyText: 'null' };
  switch (typeof value) {
    case 'number':
      return { kind: 'number', text: String(value), copyText: String(value) };
    case 'boolean':
      return { kind: 'boolean', text: String(value), copyText: String(value) };
    case 'string': {
      const parsed = parseJsonContainer(value);
      if (parsed !== undefined) return { kind: 'json', text: JSON.stringify(parsed, null, 2), copyText: value };
      return { kind: 'string', text: value, copyText: value };
    }
    default: {
      const text = JSON.stringify(value, null, 2);
      return { kind: 'json', text, copyText: text };
    }
  }
}

/** A string that holds a JSON object or array (a common way to carry GenAI messages). */
function parseJsonContainer(s: string): unknown {
  const t = s.trimStart();
  if (!(t.startsWith('{') || t.startsWith('[')) || s.length > 5_000_000) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Where to cut a folded text, or -1 when it needs no folding. */
export function foldPoint(text: string, maxChars = FOLD_CHARS, maxLines = FOLD_LINES): number {
  let cut = text.length > maxChars ? maxChars : -1;
  let nl = -1;
  for (let i = 0; i < maxLines; i++) {
    nl = text.indexOf('\n', nl + 1);
    if (nl < 0) break;
  }
  if (nl >= 0 && nl < text.length - 1 && (cut < 0 || nl < cut)) cut = nl;
  return cut;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A value with folding. `id` must be unique within the details pane (it keys the fold state);
 * `what` names the value in the "copied" notification.
 */
export function renderValue(value: AttributeValue, id: string, ctx: ValueContext): TemplateResult {
  return renderDisplay(toDisplay(value), id, ctx);
}

export function renderDisplay(
  d: DisplayValue,
  id: string,
  ctx: ValueContext,
  extraClass = '',
  fold: { chars: number; lines: number } = { chars: FOLD_CHARS, lines: FOLD_LINES },
): TemplateResult {
  const cut = foldPoint(d.text, fold.chars, fold.lines);
  const expanded = cut < 0 || ctx.isExpanded(id);
  const shown = expanded ? d.text : d.text.slice(0, cut);
  const body = d.kind === 'json' ? highlightJson(shown) : shown;
  const multiline = d.kind === 'json' || d.text.includes('\n');
  const cls = `value v-${d.kind}${multiline ? ' multiline' : ''}${extraClass ? ` ${extraClass}` : ''}`;
  const toggle =
    cut < 0
      ? nothing
      : html`<button class="link-btn fold-toggle" aria-expanded=${expanded ? 'true' : 'false'} @click=${() => ctx.toggleExpanded(id)}>${
          expanded ? 'Show less' : `Show more (${moreLabel(d.text, cut)})`
        }</button>`;
  return html`<div class=${cls}><span class="value-text">${body}${expanded ? nothing : html`<span class="ellipsis">…</span>`}</span>${toggle}</div>`;
}

function moreLabel(text: string, cut: number): string {
  const lines = countLines(text);
  const shownLines = countLines(text.slice(0, cut));
  const size = formatSize(text.length);
  return lines > shownLines ? `${lines - shownLines + 1} more lines, ${size}` : size;
}

const JSON_TOKEN = /("(?:\\.|[^"\\\n])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Token-colored JSON as lit parts (text nodes and spans with classes; never HTML strings). */
export function highlightJson(text: string): Array<string | TemplateResult> | string {
  if (text.length > HIGHLIGHT_MAX_CHARS) return text;
  const out: Array<string | TemplateResult> = [];
  let last = 0;
  JSON_TOKEN.lastIndex = 0;
  for (let m = JSON_TOKEN.exec(text); m; m = JSON_TOKEN.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) {
      if (m[2] !== undefined) out.push(html`<span class="j-key">${m[1]}</span>`, m[2]);
      else out.push(html`<span class="j-str">${m[1]}</span>`);
    } else if (m[3] !== undefined) {
      out.push(html`<span class=${m[3] === 'null' ? 'j-null' : 'j-bool'}>${m[3]}</span>`);
    } else {
      out.push(html`<span class="j-num">${m[4]}</span>`);
    }
    last = JSON_TOKEN.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A copy button (a plain light-DOM button: cheap enough for one per attribute row). */
export function copyButton(text: string, what: string, ctx: ValueContext, label = 'Copy value'): TemplateResult {
  return html`<button
    class="icon-btn codicon codicon-copy"
    title=${label}
    aria-label=${`${label}: ${what}`}
    @click=${(e: Event) => {
      e.stopPropagation();
      ctx.copy(text, what, e.currentTarget as HTMLElement);
    }}
  ></button>`;
}

/**
 * For a value Trace Lens cut at ingest (src/model/limits.ts), a note with the original length;
 * `.value-note[data-truncated=<original length>]`. Nothing for other values.
 */
export function truncationNote(value: AttributeValue | undefined): TemplateResult | typeof nothing {
  const cut = truncationOf(value);
  if (!cut) return nothing;
  return html`<div class="value-note" data-truncated=${String(cut.originalLength)}>
    <span class="codicon codicon-fold"></span>Cut by Trace Lens: ${formatInteger(cut.originalLength)} characters received, the first
    ${formatInteger(cut.keptLength)} kept (setting traceLens.store.maxAttributeValueLength)
  </div>`;
}

/** A key/value table of attributes, sorted by key. Rows: `.attr-row[data-key]`. */
export function renderAttributes(attrs: Attributes, idPrefix: string, ctx: ValueContext, omit?: ReadonlySet<string>): TemplateResult {
  const keys = Object.keys(attrs)
    .filter((k) => !omit?.has(k))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return html`<div class="empty">No attributes</div>`;
  return html`<div class="attr-table" role="table">
    ${keys.map((key) => {
      const d = toDisplay(attrs[key]!);
      return html`<div class="attr-row" role="row" data-key=${key}>
        <div class="attr-key" role="rowheader" title=${key}>${key}</div>
        <div class="attr-value" role="cell">${renderDisplay(d, `${idPrefix}:${key}`, ctx)}${truncationNote(attrs[key])}</div>
        <div class="attr-actions" role="cell">${copyButton(d.copyText, key, ctx)}</div>
      </div>`;
    })}
  </div>`;
}
