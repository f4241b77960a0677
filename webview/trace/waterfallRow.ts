/**
 * One waterfall row: its elements (`createRow`), what it shows of its span (`bindRowNode`: name,
 * kind, GenAI suffix, service, bar, tooltip) and of the view's state (`bindRowState`: selection,
 * expansion, error marker, event ticks). The waterfall (waterfall.ts) owns the rows, recycles
 * them and positions them; this module only fills them in.
 *
 * Every position is set through the CSSOM (`el.style.*`), never a `style=""` attribute, so the
 * view works under a nonce-only `style-src` CSP.
 */
import { formatDuration, formatOffset } from '../../src/model/format';
import { genaiKindIcon, genaiKindLabel, genaiRowSuffix, formatTokensInOut } from '../../src/model/genaiFormat';
import { formatUsd } from '../../src/model/cost';
import { MISSING_PARENT_EXPLANATION } from '../../src/model/spanHierarchy';
import { kindIcon, kindLabel, SERVICE_PALETTE_SIZE } from './icons';
import { div, setText, span } from './dom';
import type { TraceTree } from './tree';
import { FIND_INSIDE, FIND_MATCH } from './findNavigation';

/** Indentation per tree level in px: keep in sync with the guide gradient in styles/waterfall.css. */
const INDENT = 12;

/** An event tick on a bar: `at` is a fraction of the span's duration. */
export interface EventMark {
  at: number;
  exception: boolean;
}

/** A row's elements, and what it is bound to. */
export interface RowView {
  el: HTMLDivElement;
  twistie: HTMLSpanElement;
  guides: HTMLSpanElement;
  kind: HTMLSpanElement;
  name: HTMLSpanElement;
  /** GenAI suffix: model and tokens, agent or tool name. */
  gen: HTMLSpanElement;
  svc: HTMLSpanElement;
  orphan: HTMLSpanElement;
  err: HTMLSpanElement;
  bar: HTMLDivElement;
  dur: HTMLSpanElement;
  /** Node bound to this element, and the tree version it was bound for. */
  node: number;
  version: number;
  /** `collapsed|selected|marks|find` signature, to skip no-op updates. */
  stateKey: string;
}

/** The DOM id of a node's row (the tree's `aria-activedescendant`). */
export function rowId(node: number): string {
  return `span-row-${node}`;
}

/** A new, unbound row. */
export function createRow(): RowView {
  const el = document.createElement('div');
  el.className = 'row';
  el.setAttribute('role', 'treeitem');
  const name = div('cell-name');
  const guides = span('guides');
  const twistie = span('twistie codicon');
  const kind = span('kind codicon');
  const label = span('name');
  const gen = span('gen');
  const svc = span('svc');
  const orphan = span('orphan codicon codicon-debug-disconnect');
  const err = span('err codicon codicon-error');
  name.append(guides, twistie, kind, label, gen, svc, orphan, err);
  const time = div('cell-time');
  const tl = div('tl');
  const bar = document.createElement('div');
  const dur = span('dur');
  tl.append(bar, dur);
  time.append(tl);
  el.append(name, time);
  return { el, twistie, guides, kind, name: label, gen, svc, orphan, err, bar, dur, node: -1, version: -1, stateKey: '' };
}

/** Binds a row to `node` of `tree` (of the given tree version): everything that depends only on the span. */
export function bindRowNode(view: RowView, tree: TraceTree, node: number, version: number): void {
  const n = tree.nodes[node]!;
  const s = n.span;
  view.node = node;
  view.version = version;
  view.stateKey = '';
  const el = view.el;
  el.id = rowId(node);
  el.dataset.spanId = s.spanId;
  el.setAttribute('aria-level', String(n.depth + 1));
  el.setAttribute('aria-setsize', String(n.setSize));
  el.setAttribute('aria-posinset', String(n.posInSet));
  el.classList.toggle('error', s.statusCode === 'error');
  el.classList.toggle('missing-parent', n.placeholder);
  view.guides.style.width = `${n.depth * INDENT}px`;
  const g = s.genai;
  view.kind.className = n.placeholder
    ? 'kind codicon codicon-debug-disconnect'
    : `kind codicon codicon-${g ? genaiKindIcon(g.kind) : kindIcon(s.kind)}${g ? ' genai' : ''}`;
  view.kind.title = n.placeholder ? 'Not received' : g ? `${genaiKindLabel(g.kind)} (${kindLabel(s.kind)} span)` : kindLabel(s.kind);
  setText(view.name, s.name || '(unnamed span)');
  view.name.classList.toggle('unnamed', !s.name);
  const cost = s.cost === undefined ? '' : `${s.costIsSum ? 'Σ ' : ''}${s.cost === null ? '—' : formatUsd(s.cost)}`;
  const suffix = [g ? genaiRowSuffix(g, s.name) : '', cost].filter(Boolean).join(' · ');
  setText(view.gen, suffix);
  view.gen.hidden = !suffix;
  view.gen.title = s.costIsSum
    ? `Cost ${cost}: the sum of the model calls under this span (its own token counts repeat theirs and are not priced)`
    : s.cost === null
      ? 'Cost unknown: no price for this model (add one with the traceLens.pricing.models setting)'
      : cost
        ? `Cost ${cost}`
        : '';
  setText(view.svc, n.showService ? s.serviceName : '');
  view.svc.hidden = !n.showService;
  view.orphan.hidden = !n.missingParent;
  view.orphan.title = n.missingParent ? `Parent span ${s.parentSpanId ?? ''} is not in this trace` : '';

  const scale = tree.scaleMs || 1;
  const startPct = (Math.max(0, s.startOffsetMs) / scale) * 100;
  const widthPct = (Math.max(0, s.durationMs) / scale) * 100;
  view.bar.className = n.placeholder ? 'bar missing-parent' : `bar svc-${n.serviceIndex % SERVICE_PALETTE_SIZE}${s.statusCode === 'error' ? ' error' : ''}`;
  view.bar.style.left = `${startPct}%`;
  view.bar.style.width = `${widthPct}%`;
  setText(view.dur, n.placeholder ? '' : formatDuration(s.durationMs));
  view.dur.style.left = `calc(${Math.min(100, startPct + widthPct)}% + 4px)`;

  // "Ask @tracelens about This Span" and, on a model call, "Replay Model Call…" (package.json
  // `webview/context`, `webviewSection` `span` / `llmSpan`).
  if (n.placeholder) delete el.dataset.vscodeContext;
  else el.dataset.vscodeContext = JSON.stringify({ webviewSection: s.genai?.kind === 'llm' ? 'llmSpan' : 'span', spanId: s.spanId });

  if (n.placeholder) {
    el.title = [`${s.name}: ${s.spanId}`, `${n.childCount} ${n.childCount === 1 ? 'span names' : 'spans name'} it as their parent`, MISSING_PARENT_EXPLANATION].join('\n');
    return;
  }
  const lines = [
    s.name || '(unnamed span)',
    `${g ? `${genaiKindLabel(g.kind)} · ` : ''}${kindLabel(s.kind)}${s.serviceName ? ` · ${s.serviceName}` : ''}`,
    `Start ${formatOffset(s.startOffsetMs)} · Duration ${formatDuration(s.durationMs)}`,
  ];
  if (g) {
    const facts = [g.agentName && `agent ${g.agentName}`, g.toolName && `tool ${g.toolName}`, g.model, formatTokensInOut(g.inputTokens, g.outputTokens) && `tokens ${formatTokensInOut(g.inputTokens, g.outputTokens)}`];
    const line = facts.filter(Boolean).join(' · ');
    if (line) lines.push(line);
  }
  if (s.statusCode === 'error') lines.push(s.hasException ? 'Status: error (exception)' : 'Status: error');
  if (s.eventCount) lines.push(`${s.eventCount} event${s.eventCount === 1 ? '' : 's'}`);
  if (n.missingParent) lines.push(`Parent ${s.parentSpanId ?? ''} not in this trace`);
  el.title = lines.join('\n');
}

/**
 * Shows selection, expansion, event ticks, Find matches and the Graph tab's highlight on a bound
 * row; skipped when nothing changed since the last call, unless `force`. `find`: the node's
 * `FindMatches.flags` (0 without a Find); a selected match is the current match. `highlight`: the
 * same flags for the spans of the node chosen in the Graph tab (webview/trace/graph.ts).
 */
export function bindRowState(view: RowView, tree: TraceTree, selected: boolean, marks: readonly EventMark[] | undefined, force: boolean, find = 0, highlight = 0): void {
  const n = tree.nodes[view.node]!;
  const collapsed = tree.isCollapsed(view.node);
  const key = `${collapsed ? 1 : 0}${selected ? 1 : 0}${find}${highlight}${marks ? marks.length : -1}`;
  if (!force && key === view.stateKey) return;
  view.stateKey = key;
  const el = view.el;
  el.setAttribute('aria-selected', selected ? 'true' : 'false');
  el.classList.toggle('selected', selected);
  const match = (find & FIND_MATCH) !== 0;
  el.classList.toggle('find-match', match);
  el.classList.toggle('find-current', match && selected);
  // A collapsed row hides matches below it: marked, so the user knows to look inside.
  el.classList.toggle('find-inside', collapsed && (find & FIND_INSIDE) !== 0);
  el.classList.toggle('graph-match', (highlight & FIND_MATCH) !== 0);
  el.classList.toggle('graph-inside', collapsed && (highlight & FIND_INSIDE) !== 0);
  if (n.childCount > 0) {
    el.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
    view.twistie.className = `twistie codicon ${collapsed ? 'codicon-chevron-right' : 'codicon-chevron-down'}`;
  } else {
    el.removeAttribute('aria-expanded');
    view.twistie.className = 'twistie';
  }
  const ownError = n.span.statusCode === 'error';
  const hiddenError = collapsed && n.descendantError;
  view.err.hidden = !ownError && !hiddenError;
  view.err.classList.toggle('hidden-error', !ownError && hiddenError);
  view.err.title = ownError ? (n.span.hasException ? 'Error (exception)' : 'Error') : hiddenError ? 'A collapsed child span has an error' : '';

  view.bar.replaceChildren();
  if (marks) {
    for (const m of marks) {
      const tick = span(m.exception ? 'evt exception' : 'evt');
      tick.style.left = `${Math.min(100, Math.max(0, m.at * 100))}%`;
      view.bar.append(tick);
    }
  }
}
