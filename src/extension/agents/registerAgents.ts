/**
 * Coding agents feature, wired in one call from the composition root: the language model tools
 * (`#traces`, `#trace`, … in chat and agent mode), the @tracelens chat participant, and the
 * context actions that open the chat on a trace or span (**Explain with @tracelens** on trace
 * rows and in the trace webview, **Ask @tracelens about This Span** on span rows and waterfall
 * rows). The MCP server (src/mcp) runs the same tools outside VS Code.
 */
import * as vscode from 'vscode';
import { AGENT_COMMANDS, CHAT_PARTICIPANT, type CommandHandlers } from '../ids';
import type { WorkspaceSource } from '../source/workspaceSource';
import type { TracePanels } from '../traces/tracePanel';
import type { TraceRepository } from '../traces/traceRepository';
import type { TraceTreeNode } from '../traces/traceTreeItems';
import { AgentContextFactory } from './agentContext';
import { TraceLensParticipant } from './chatParticipant';
import { registerLanguageModelTools } from './languageModelTools';
import { previewAgentTool } from './previewTools';
import { TraceFocus } from './traceFocus';

export interface AgentsDeps {
  extensionUri: vscode.Uri;
  repository: TraceRepository;
  workspace: WorkspaceSource;
  panels: TracePanels;
  treeView: vscode.TreeView<TraceTreeNode>;
  log: vscode.LogOutputChannel;
}

/** Opens the chat with a query for @tracelens (`workbench.action.chat.open`, `isPartialQuery`: typed, not sent). */
async function openChat(query: string, partial: boolean): Promise<void> {
  try {
    await vscode.commands.executeCommand('workbench.action.chat.open', { query, isPartialQuery: partial });
  } catch {
    void vscode.window.showWarningMessage('Trace Lens: the chat is not available. Install a chat extension (for example GitHub Copilot Chat) to use @tracelens.');
  }
}

/** The trace (and span) a context action was invoked on: a Traces view node, a webview context (`data-vscode-context`), a trace id, or the focus. */
export function targetOf(arg: unknown, focus: TraceFocus): { traceId: string; spanId?: string } | undefined {
  if (typeof arg === 'string' && /^[0-9a-f]{32}$/.test(arg)) return { traceId: arg };
  if (arg && typeof arg === 'object') {
    const node = arg as Partial<TraceTreeNode> & { traceId?: unknown; spanId?: unknown; summary?: { traceId?: unknown }; span?: { spanId?: unknown } };
    if (node.kind === 'trace' && typeof node.summary?.traceId === 'string') return { traceId: node.summary.traceId };
    if (node.kind === 'span' && typeof node.traceId === 'string' && typeof node.span?.spanId === 'string') return { traceId: node.traceId, spanId: node.span.spanId };
    // The trace webview's context menu: { webview, traceId (from <body>), webviewSection, spanId (from the row) }.
    if (typeof node.traceId === 'string' && /^[0-9a-f]{32}$/.test(node.traceId)) {
      return { traceId: node.traceId, ...(typeof node.spanId === 'string' && /^[0-9a-f]{16}$/.test(node.spanId) ? { spanId: node.spanId } : {}) };
    }
  }
  const current = focus.current();
  return current ? { traceId: current.traceId, ...(current.spanId ? { spanId: current.spanId } : {}) } : undefined;
}

/** Registers the tools, the participant and the commands; returns everything to dispose. */
export function registerAgents(deps: AgentsDeps): vscode.Disposable[] {
  const contexts = new AgentContextFactory(deps.repository, deps.workspace, deps.log);
  const focus = new TraceFocus(deps.repository, deps.panels, deps.treeView);
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT.id, new TraceLensParticipant(focus, contexts, deps.log).handler);
  participant.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'trace-lens.svg');

  const handlers: CommandHandlers<typeof AGENT_COMMANDS> = {
    [AGENT_COMMANDS.explainWithTraceLens]: (arg?: unknown) => {
      const target = targetOf(arg, focus);
      return openChat(`@${CHAT_PARTICIPANT.name} /explain ${target?.traceId ?? ''}`.trimEnd(), !target);
    },
    [AGENT_COMMANDS.askAboutSpan]: (arg?: unknown) => {
      const target = targetOf(arg, focus);
      if (!target?.spanId) return openChat(`@${CHAT_PARTICIPANT.name} ${target?.traceId ?? ''} `, true);
      return openChat(`@${CHAT_PARTICIPANT.name} trace ${target.traceId} span ${target.spanId}: `, true);
    },
    [AGENT_COMMANDS.previewAgentTool]: () => previewAgentTool(focus),
  };
  return [
    focus,
    participant,
    ...registerLanguageModelTools(contexts),
    ...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  ];
}
