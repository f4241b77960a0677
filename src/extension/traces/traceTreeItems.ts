import * as vscode from 'vscode';
import type { SessionSummary, SkeletonSpan, SpanKind, TraceId, TraceSummary } from '../../model/trace';
import { MISSING_PARENT_EXPLANATION, MISSING_PARENT_NAME } from '../../model/spanHierarchy';
import { formatDuration, formatLocalTime } from '../../model/format';
import { describeUsage, formatUsageShort, genaiKindIcon, genaiKindLabel, genaiRowSuffix, shortenText } from '../../model/genaiFormat';
import { formatUsd } from '../../model/cost';
import { REPLAY_SERVICE_NAME } from '../../model/replay';
import { COMMANDS } from '../ids';
import { escapeMarkdown } from '../markdownText';
import { LABEL_MAX_CHARS, traceLabel } from './traceLabel';

/** Newest traces listed in the tree; older ones are reachable through "Open Trace by ID". */
export const MAX_TREE_TRACES = 500;

/** A node of the Traces tree. */
export type TraceTreeNode =
  | { kind: 'trace'; summary: TraceSummary }
  | { kind: 'span'; traceId: TraceId; span: SkeletonSpan; childCount: number }
  /** A parent span that has not arrived, standing for the spans that name it (src/model/spanHierarchy.ts). */
  | { kind: 'missingParent'; traceId: TraceId; placeholder: SkeletonSpan; childCount: number }
  /**
   * "Group by session" mode: a session (conversation) expanding into its traces; with a filter,
   * `matching` of its traces match (counted on the listed page) and only those are its children.
   */
  | { kind: 'session'; session: SessionSummary; matching?: number }
  /** Traces beyond the listed newest ones (`filtered`: matching ones). */
  | { kind: 'more'; hiddenCount: number; filtered?: boolean };

/**
 * The tree item of a Traces view node: label, description (duration, usage, spans, errors,
 * findings), icon, Markdown tooltip, context value for the view's menus, and the command a click runs.
 * `filterQuery`: the view's filter, for the row counting traces beyond the listed ones.
 */
export function treeItem(node: TraceTreeNode, filterQuery: string | undefined): vscode.TreeItem {
  const item = itemOf(node, filterQuery);
  item.id = nodeId(node);
  return item;
}

/**
 * A node's id, the same across loads: its tree item's `id` (VS Code derives the element handle
 * from it) and how live updates (tracesTree.ts) tell that a reload lists the same rows.
 */
export function nodeId(node: TraceTreeNode): string {
  switch (node.kind) {
    case 'trace':
      return `trace:${node.summary.traceId}`;
    case 'session':
      return `session:${node.session.sessionId}`;
    case 'span':
      return `span:${node.traceId}:${node.span.spanId}`;
    case 'missingParent':
      return `missing:${node.traceId}:${node.placeholder.spanId}`;
    case 'more':
      return 'more';
  }
}

function itemOf(node: TraceTreeNode, filterQuery: string | undefined): vscode.TreeItem {
  switch (node.kind) {
    case 'trace':
      return traceItem(node.summary);
    case 'span':
      return spanItem(node);
    case 'missingParent':
      return missingParentItem(node);
    case 'session':
      return sessionItem(node.session, node.matching);
    case 'more': {
      const item = new vscode.TreeItem(`${node.hiddenCount.toLocaleString()} older ${node.filtered ? 'matching ' : ''}traces not listed`, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.tooltip = node.filtered
        ? `Only the newest ${MAX_TREE_TRACES} matching traces are listed. Narrow the filter (for example last:1h) or use "Search Traces…" to find an older one.`
        : 'Only the newest traces are listed. Use "Open Trace by ID…" to open an older one.';
      item.command = node.filtered
        ? { command: COMMANDS.searchTraces, title: 'Search Traces…', arguments: [filterQuery ?? ''] }
        : { command: COMMANDS.openTraceById, title: 'Open Trace by ID…' };
      item.contextValue = 'more';
      return item;
    }
  }
}

function traceItem(summary: TraceSummary): vscode.TreeItem {
  const replay = summary.serviceName === REPLAY_SERVICE_NAME;
  const label = `${replay ? 'Replay: ' : ''}${traceLabel(summary)}`;
  const item = new vscode.TreeItem(label, summary.spanCount > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const agent = summary.agentName && !label.includes(summary.agentName) ? summary.agentName : '';
  const parts = [agent, replay ? '' : summary.serviceName, formatDuration(summary.durationMs), formatUsageShort(summary.usage), `${summary.spanCount} ${summary.spanCount === 1 ? 'span' : 'spans'}`];
  if (summary.errorCount > 0) parts.push(`${summary.errorCount} ${summary.errorCount === 1 ? 'error' : 'errors'}`);
  if (summary.sourceFile) parts.push(`from ${summary.sourceFile.split(/[\\/]/).pop() ?? summary.sourceFile}`);
  const findings = summary.findings;
  if (findings) parts.push(`${findings.count} ${findings.count === 1 ? 'finding' : 'findings'}`);
  item.description = parts.filter(Boolean).join(' · ');
  item.iconPath = summary.errorCount > 0
    ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
    : replay
      ? new vscode.ThemeIcon('debug-rerun')
      : findings && findings.worst !== 'information'
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon(summary.hasRoot ? 'pass' : 'loading~spin', summary.hasRoot ? new vscode.ThemeColor('testing.iconPassed') : undefined);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMarkdown(summary.rootName)}**${summary.hasRoot ? '' : ' _(root span not received yet)_'}\n\n`);
  if (replay) md.appendMarkdown('A replay made in the Trace Lens playground; its span links to the model call it replays (span details → Links).\n\n');
  if (summary.firstUserMessage) md.appendMarkdown(`User: ${escapeMarkdown(shortenText(summary.firstUserMessage, 300))}\n\n`);
  if (summary.agentName) md.appendMarkdown(`Agent: \`${summary.agentName.replace(/`/g, "'")}\`  \n`);
  if (summary.sessionId) md.appendMarkdown(`Session: \`${summary.sessionId.replace(/`/g, "'")}\`  \n`);
  md.appendMarkdown(`Service: \`${summary.serviceName || 'unknown'}\`  \nStarted: ${new Date(Number(BigInt(summary.startTimeUnixNano) / 1_000_000n)).toLocaleString()}  \n`);
  md.appendMarkdown(`Duration: ${formatDuration(summary.durationMs)} · ${summary.spanCount} spans · ${summary.errorCount} errors  \n`);
  if (findings) md.appendMarkdown(`Diagnostics: ${findings.count} ${findings.count === 1 ? 'finding' : 'findings'} (see the Diagnostics view and the Problems panel)  \n`);
  if (summary.usage) md.appendMarkdown(`${describeUsage(summary.usage).split('\n').map(escape).join('  \n')}  \n`);
  if (summary.sourceFile) md.appendMarkdown(`Opened from: \`${summary.sourceFile.replace(/`/g, "'")}\`  \n`);
  md.appendMarkdown(`Trace ID: \`${summary.traceId}\``);
  item.tooltip = md;
  item.contextValue = summary.errorCount > 0 ? 'trace.error' : 'trace';
  item.command = { command: COMMANDS.openTrace, title: 'Open Trace', arguments: [summary.traceId, undefined, { preview: true }] };
  item.accessibilityInformation = {
    label: `Trace ${label}${label === summary.rootName ? '' : `, root span ${summary.rootName}`}, ${item.description}`,
  };
  return item;
}

/** A session row; `matching` (with a filter): how many of its traces match. */
function sessionItem(session: SessionSummary, matching?: number): vscode.TreeItem {
  const label = shortenText(session.firstTraceLabel || session.sessionId, LABEL_MAX_CHARS);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  const count = matching === undefined
    ? `${session.traceCount} ${session.traceCount === 1 ? 'trace' : 'traces'}`
    : `${matching} of ${session.traceCount} ${session.traceCount === 1 ? 'trace' : 'traces'} match`;
  const parts = [count, formatWhen(session.endTimeUnixNano), formatUsageShort(session.usage)].filter(Boolean);
  if (session.errorCount > 0) parts.push(`${session.errorCount} ${session.errorCount === 1 ? 'error' : 'errors'}`);
  item.description = parts.join(' · ');
  item.iconPath = session.errorCount > 0
    ? new vscode.ThemeIcon('comment-discussion', new vscode.ThemeColor('errorForeground'))
    : new vscode.ThemeIcon('comment-discussion');
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Session** \`${session.sessionId.replace(/`/g, "'")}\`\n\n`);
  md.appendMarkdown(`${escapeMarkdown(shortenText(session.firstTraceLabel || '', 300))}\n\n`);
  md.appendMarkdown(`${session.traceCount} traces · ${session.errorCount} errors  \n`);
  md.appendMarkdown(`First: ${formatLocalTime(session.startTimeUnixNano)}  \nLast: ${formatLocalTime(session.endTimeUnixNano)}`);
  if (session.usage) md.appendMarkdown(`  \n${describeUsage(session.usage).split('\n').map(escape).join('  \n')}`);
  item.tooltip = md;
  item.contextValue = session.errorCount > 0 ? 'session.error' : 'session';
  item.accessibilityInformation = { label: `Session ${label}, ${item.description}` };
  return item;
}

/** `14:19:25` today, `2024-11-21 14:19` on another day. */
function formatWhen(unixNano: string): string {
  const full = formatLocalTime(unixNano, true);
  if (full === '—') return full;
  const today = formatLocalTime(`${BigInt(Date.now()) * 1_000_000n}`, true).slice(0, 10);
  return full.startsWith(today) ? full.slice(11, 19) : full.slice(0, 16);
}

function spanItem(node: Extract<TraceTreeNode, { kind: 'span' }>): vscode.TreeItem {
  const { span } = node;
  const item = new vscode.TreeItem(span.name || '(unnamed span)', node.childCount > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const g = span.genai;
  const error = span.statusCode === 'error';
  // GenAI spans: model · tokens (or agent / tool name) · duration.
  const suffix = g ? genaiRowSuffix(g, span.name) : '';
  const cost = span.cost === undefined ? '' : `${span.costIsSum ? 'Σ ' : ''}${span.cost === null ? '—' : formatUsd(span.cost)}`;
  item.description = [suffix, formatDuration(span.durationMs), cost, error ? 'error' : ''].filter(Boolean).join(' · ');
  // A GenAI span keeps its kind icon, in the error color when it failed.
  item.iconPath = g
    ? new vscode.ThemeIcon(genaiKindIcon(g.kind), error ? new vscode.ThemeColor('errorForeground') : undefined)
    : error
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
      : new vscode.ThemeIcon(KIND_ICONS[span.kind]);
  const genaiLine = g ? `\n${genaiKindLabel(g.kind)}${suffix ? ` · ${suffix}` : ''}` : '';
  const costLine =
    span.cost === undefined
      ? ''
      : span.costIsSum
        ? `\ncost: ${cost} (sum of the model calls under this span; counted once in the trace total)`
        : span.cost === null
          ? '\ncost: — (no price known for this model; see traceLens.pricing.models)'
          : `\ncost: ${formatUsd(span.cost)}`;
  item.tooltip = `${span.name}${genaiLine}\n${span.kind} span · ${span.serviceName || 'unknown service'}\nstarts at +${formatDuration(span.startOffsetMs)} · ${formatDuration(span.durationMs)}${costLine}${error ? '\nstatus: error' : ''}`;
  // Model calls also get Replay Model Call… (package.json `viewItem =~ /^span\.llm/`).
  item.contextValue = g?.kind === 'llm' ? 'span.llm' : 'span';
  item.command = { command: COMMANDS.openTrace, title: 'Open Trace', arguments: [node.traceId, span.spanId, { preview: true }] };
  return item;
}

/** The row of a parent span that has not arrived: its children are the spans that name it. */
function missingParentItem(node: Extract<TraceTreeNode, { kind: 'missingParent' }>): vscode.TreeItem {
  const { placeholder, childCount } = node;
  const item = new vscode.TreeItem(MISSING_PARENT_NAME, vscode.TreeItemCollapsibleState.Expanded);
  item.description = `${placeholder.spanId} · ${childCount} ${childCount === 1 ? 'span' : 'spans'} under it`;
  item.iconPath = new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('disabledForeground'));
  item.tooltip = `Span ${placeholder.spanId} (not received)\n${MISSING_PARENT_EXPLANATION}`;
  item.contextValue = 'missingParent';
  item.accessibilityInformation = { label: `Missing parent span ${placeholder.spanId}, ${childCount} spans under it` };
  return item;
}

/** Codicon per OTLP span kind. */
const KIND_ICONS: Record<SpanKind, string> = {
  server: 'server-process',
  client: 'globe',
  internal: 'symbol-method',
  producer: 'arrow-circle-up',
  consumer: 'arrow-circle-down',
  unspecified: 'circle-outline',
};

