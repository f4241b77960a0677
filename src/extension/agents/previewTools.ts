/**
 * **Trace Lens: Preview What Agents See…**: runs one of the Trace Lens language model tools through
 * VS Code's own tool registry (`vscode.lm.invokeTool`, the path agent mode takes) and opens its
 * answer in an editor. The trace is the open or selected one, else the newest.
 */
import * as vscode from 'vscode';
import { AGENT_TOOLS } from '../../core/agents/tools';
import { languageModelToolName } from '../ids';
import type { TraceFocus } from './traceFocus';

/** The tool's input for the focused (else newest) trace; `undefined` when it needs what is not there. */
async function inputFor(tool: string, focus: TraceFocus): Promise<Record<string, unknown> | undefined> {
  const current = focus.current();
  const traceId = current?.traceId ?? (await focus.newest())?.traceId;
  switch (tool) {
    case 'search_traces': {
      const query = await vscode.window.showInputBox({ title: 'Search traces as an agent would', prompt: 'Trace Lens query (words, error, model:, tool:, cost>, last:15m, …)', value: 'error' });
      return query === undefined ? undefined : { query, limit: 20 };
    }
    case 'get_trace':
    case 'check_run':
      return traceId ? { trace_id: traceId } : undefined;
    case 'get_span':
      return current?.spanId ? { trace_id: current.traceId, span_id: current.spanId } : undefined;
    case 'get_usage':
      return traceId ? { trace_id: traceId } : {};
    default:
      return {};
  }
}

/** The command's handler. */
export async function previewAgentTool(focus: TraceFocus): Promise<void> {
  const registered = new Set(vscode.lm.tools.map((t) => t.name));
  const items = AGENT_TOOLS.map((spec) => ({
    label: `#${spec.toolReferenceName}`,
    description: spec.displayName,
    detail: registered.has(languageModelToolName(spec.name)) ? spec.description.split('. ')[0] : 'not registered in this VS Code',
    name: languageModelToolName(spec.name),
    tool: spec.name,
  }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Preview What Agents See', placeHolder: 'A Trace Lens tool, run on the open or selected trace (else the newest)', matchOnDescription: true });
  if (!pick) return;
  const input = await inputFor(pick.tool, focus);
  if (!input) {
    void vscode.window.showInformationMessage(pick.tool === 'get_span' ? 'Trace Lens: select a span first (in the Traces view or the trace view).' : 'Trace Lens: no trace to run it on yet.');
    return;
  }
  const result = await vscode.lm.invokeTool(pick.name, { input, toolInvocationToken: undefined });
  const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `${text}\n\n<!-- ${pick.name} ${JSON.stringify(input)} -->\n` });
  await vscode.window.showTextDocument(doc, { preview: true });
}
