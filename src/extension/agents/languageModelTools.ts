/**
 * The agent tools as VS Code language model tools (package.json `languageModelTools`, one per
 * `AGENT_TOOLS` entry, named `trace-lens_<name>`): agent mode calls them, users reference them as
 * `#traces`, `#trace`, … in chat. Each runs `runAgentTool` with this window's context.
 */
import * as vscode from 'vscode';
import { AGENT_TOOLS, runAgentTool, type AgentToolSpec } from '../../core/agents/tools';
import { languageModelToolName } from '../ids';
import type { AgentContextFactory } from './agentContext';

/** The short line VS Code shows while a tool runs. */
export function invocationMessage(spec: AgentToolSpec, input: unknown): string {
  const i = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const id = (v: unknown) => (typeof v === 'string' ? v.slice(0, 12) : '');
  switch (spec.name) {
    case 'search_traces':
      return `Searching traces for "${String(i.query ?? '').slice(0, 80)}"`;
    case 'get_trace':
      return `Reading trace ${id(i.trace_id)}`;
    case 'get_span':
      return `Reading span ${id(i.span_id)} of trace ${id(i.trace_id)}`;
    case 'get_usage':
      return i.trace_id ? `Reading the usage of trace ${id(i.trace_id)}` : i.session_id ? `Reading the usage of session ${String(i.session_id).slice(0, 40)}` : 'Reading trace usage';
    default:
      return `${spec.displayName} (Trace Lens)`;
  }
}

class TraceLensTool implements vscode.LanguageModelTool<Record<string, unknown>> {
  constructor(
    private readonly spec: AgentToolSpec,
    private readonly contexts: AgentContextFactory,
  ) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<Record<string, unknown>>): vscode.PreparedToolInvocation {
    return { invocationMessage: invocationMessage(this.spec, options.input) };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<Record<string, unknown>>): Promise<vscode.LanguageModelToolResult> {
    // Bad input throws with a message naming the tool and the problem: VS Code hands it to the model.
    const result = await runAgentTool(this.spec.name, options.input, this.contexts.create());
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.text)]);
  }
}

/** Registers every agent tool with `vscode.lm.registerTool`. */
export function registerLanguageModelTools(contexts: AgentContextFactory): vscode.Disposable[] {
  return AGENT_TOOLS.map((spec) => vscode.lm.registerTool(languageModelToolName(spec.name), new TraceLensTool(spec, contexts)));
}
