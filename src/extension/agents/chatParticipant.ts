/**
 * The @tracelens chat participant (package.json `chatParticipants`): `/explain`, `/cost`,
 * `/compare` and free questions about a trace, answered by the request's model (`request.model`)
 * through `vscode.lm` from the trace text of `runAgentTool('get_trace', …)`. The trace comes from
 * ids in the prompt (also after a `#trace` reference), else the open trace panel, else the Traces
 * view selection, else the newest trace; `/compare` takes two ids, or the trace and the previous
 * run of the same agent. Span ids in the answer become links that open the trace at the span;
 * source lines named by the trace and the answer become anchors.
 */
import * as vscode from 'vscode';
import { answerWithModel, sourceLinesOfTraceText, traceIdsInPrompt, type PromptMessage, type PromptTrace, type TraceLensCommand } from '../../core/agents/prompts';
import { runAgentTool } from '../../core/agents/tools';
import { fold } from '../../core/agents/text';
import { traceTitle, shortenText } from '../../model/genaiFormat';
import type { TraceSummary } from '../../model/trace';
import { CHAT_PARTICIPANT, COMMANDS } from '../ids';
import type { AgentContextFactory } from './agentContext';
import type { TraceFocus } from './traceFocus';

/** Share of the model's input window (in characters, ~3 per token) given to trace text. */
const TRACE_SHARE_OF_WINDOW = 0.6;
const CHARS_PER_TOKEN = 3;
/** Earlier @tracelens turns replayed, and the characters kept of each. */
const HISTORY_TURNS = 6;
const HISTORY_TURN_CHARS = 1_500;

export const NO_MODEL_MESSAGE =
  'No language model is available to @tracelens. Install and sign in to a chat model provider (for example GitHub Copilot Chat), pick a model in the chat input, then ask again. The `#traces` / `#trace` tools and the Trace Lens MCP server work without @tracelens.';

interface Picked {
  traces: { summary: TraceSummary; label: string }[];
  /** Span ids named in the prompt that belong to the first trace. */
  spanIds: string[];
  note?: string;
}

export class TraceLensParticipant {
  constructor(
    private readonly focus: TraceFocus,
    private readonly contexts: AgentContextFactory,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  readonly handler: vscode.ChatRequestHandler = async (request, context, stream, token) => {
    const command = (CHAT_PARTICIPANT.commands as readonly string[]).includes(request.command ?? '') ? (request.command as TraceLensCommand) : undefined;
    const model = request.model ?? (await vscode.lm.selectChatModels())[0];
    if (!model) {
      stream.markdown(NO_MODEL_MESSAGE);
      return { metadata: { command, error: 'no-model' } };
    }
    let picked: Picked | { message: string };
    try {
      picked = await this.pick(request, command);
    } catch (error) {
      stream.markdown(`Trace Lens could not read the traces: ${(error as Error).message}`);
      return { metadata: { command, error: 'store' } };
    }
    if ('message' in picked) {
      stream.markdown(picked.message);
      return { metadata: { command, error: 'no-trace' } };
    }
    if (picked.note) stream.markdown(`*${picked.note}*\n\n`);
    stream.progress(picked.traces.length === 1 ? `Reading trace ${picked.traces[0]!.summary.traceId.slice(0, 8)}…` : 'Reading both runs…');

    const windowChars = Math.floor((model.maxInputTokens || 16_000) * CHARS_PER_TOKEN * TRACE_SHARE_OF_WINDOW);
    const perTrace = Math.floor(windowChars / (picked.traces.length + (picked.spanIds.length ? 1 : 0)));
    const ctx = this.contexts.create(perTrace);
    const traces: PromptTrace[] = [];
    try {
      for (const t of picked.traces) {
        let text = (await runAgentTool('get_trace', { trace_id: t.summary.traceId }, ctx)).text;
        if (command === 'cost') text += `\n\n${(await runAgentTool('get_usage', { trace_id: t.summary.traceId }, { ...ctx, budgetChars: Math.max(1_000, Math.floor(perTrace / 4)) })).text}`;
        traces.push({ traceId: t.summary.traceId, label: t.label, text });
      }
      for (const spanId of picked.spanIds) {
        const text = (await runAgentTool('get_span', { trace_id: picked.traces[0]!.summary.traceId, span_id: spanId }, { ...ctx, budgetChars: Math.max(1_000, Math.floor(perTrace / picked.spanIds.length)) })).text;
        traces.push({ traceId: picked.traces[0]!.summary.traceId, label: `Span ${spanId} asked about`, text });
      }
    } catch (error) {
      stream.markdown(`Trace Lens could not read the trace: ${(error as Error).message}`);
      return { metadata: { command, error: 'store' } };
    }

    let answer: string;
    try {
      answer = await answerWithModel(
        {
          sendRequest: async (messages) => {
            const response = await model.sendRequest(messages.map(toChatMessage), { justification: 'Trace Lens explains the traces of your app with your chat model.' }, token);
            return response.text;
          },
        },
        { command, question: withoutTraceIds(request.prompt), traces, history: historyOf(context) },
        (markdown) => stream.markdown(trusted(markdown)),
        COMMANDS.openTrace,
        () => token.isCancellationRequested,
      );
    } catch (error) {
      stream.markdown(modelErrorMessage(error));
      this.log.warn(`@tracelens: ${(error as Error).message}`);
      return { metadata: { command, error: 'model' } };
    }

    for (const t of picked.traces) {
      stream.button({ command: COMMANDS.openTrace, title: `Open ${picked.traces.length > 1 ? t.label : 'Trace'}`, arguments: [t.summary.traceId] });
    }
    await this.anchorSources(stream, traces, answer);
    return { metadata: { command, traceIds: picked.traces.map((t) => t.summary.traceId) } };
  };

  /** The trace(s) the request is about (see the file header), or a message saying why there is none. */
  private async pick(request: vscode.ChatRequest, command: TraceLensCommand | undefined): Promise<Picked | { message: string }> {
    const texts = [request.prompt, ...request.references.map((r) => (typeof r.value === 'string' ? r.value : ''))];
    const named: TraceSummary[] = [];
    // At most 10 candidates are looked up (a pasted log full of hex would otherwise cost a query per word).
    const hexWords = [...new Set(texts.flatMap((t) => traceIdsInPrompt(t)))].slice(0, 10);
    for (const id of hexWords) {
      const summary = await this.focus.lookup(id);
      if (summary && !named.some((n) => n.traceId === summary.traceId)) named.push(summary);
    }
    const current = this.focus.current();
    const currentSummary = current ? await this.focus.lookup(current.traceId) : undefined;
    let note: string | undefined;

    if (command === 'compare') {
      if (named.length >= 2) {
        const [a, b] = [named[0]!, named[1]!].sort((x, y) => (BigInt(x.startTimeUnixNano) < BigInt(y.startTimeUnixNano) ? -1 : 1));
        return { traces: [{ summary: a!, label: 'Run A (older)' }, { summary: b!, label: 'Run B (newer)' }], spanIds: [] };
      }
      const base = named[0] ?? currentSummary ?? (await this.focus.newest());
      if (!base) return { message: NO_TRACES_MESSAGE };
      const previous = await this.focus.previousRun(base);
      if (!previous) {
        return { message: `No earlier run of ${base.agentName ? `agent **${base.agentName}**` : `**${base.rootName}**`} is stored to compare trace \`${base.traceId}\` with. Name two traces: \`@tracelens /compare <trace id> <trace id>\`.` };
      }
      if (!named[0] && !currentSummary) note = 'No trace is open or selected: comparing the newest trace with the run before it.';
      return { traces: [{ summary: previous, label: 'Run A (older)' }, { summary: base, label: 'Run B (newer)' }], spanIds: [], ...(note ? { note } : {}) };
    }

    let trace: TraceSummary | undefined = named[0] ?? currentSummary;
    if (!trace) {
      trace = await this.focus.newest();
      if (!trace) return { message: NO_TRACES_MESSAGE };
      note = `No trace is open or selected: using the newest trace, ${shortenText(traceTitle(trace), 60)} (${trace.traceId.slice(0, 8)}).`;
    }
    const spanIds: string[] = [];
    for (const id of hexWords.filter((w) => w.length === 16)) {
      if (spanIds.length < 3 && (await this.contexts.create().query('spanDetail', { traceId: trace.traceId, spanId: id }))) spanIds.push(id);
    }
    return { traces: [{ summary: trace, label: 'Run' }], spanIds, ...(note ? { note } : {}) };
  }

  /** Anchors for the workspace source lines of the trace text that the answer names. */
  private async anchorSources(stream: vscode.ChatResponseStream, traces: readonly PromptTrace[], answer: string): Promise<void> {
    const seen = new Set<string>();
    const anchors: { uri: vscode.Uri; path: string; line: number }[] = [];
    for (const { path, line } of traces.flatMap((t) => sourceLinesOfTraceText(t.text))) {
      const key = `${path}:${line}`;
      if (seen.has(key) || !answer.includes(key) || anchors.length >= 8) continue;
      seen.add(key);
      const uri = await workspaceFile(path);
      if (uri) anchors.push({ uri, path, line });
    }
    if (!anchors.length) return;
    stream.markdown('\n\nSource: ');
    for (const a of anchors) stream.anchor(new vscode.Location(a.uri, new vscode.Position(Math.max(0, a.line - 1), 0)), `${a.path}:${a.line}`);
  }
}

const NO_TRACES_MESSAGE =
  'Trace Lens has no traces yet. Run your app with `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318` (OTLP/HTTP), then open a trace or select one in the Traces view and ask again.';

/** The prompt without the ids that picked the traces (they are in the trace text). */
function withoutTraceIds(prompt: string): string {
  return prompt.replace(/(?<![0-9a-z])[0-9a-f]{32}(?![0-9a-z])/gi, '').replace(/\s+/g, ' ').trim();
}

function toChatMessage(m: PromptMessage): vscode.LanguageModelChatMessage {
  return m.role === 'user' ? vscode.LanguageModelChatMessage.User(m.content) : vscode.LanguageModelChatMessage.Assistant(m.content);
}

/** Markdown whose `command:` links may run `traceLens.openTrace` only. */
function trusted(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text);
  md.isTrusted = { enabledCommands: [COMMANDS.openTrace] };
  return md;
}

/** Earlier turns with @tracelens, oldest first, each shortened. */
function historyOf(context: vscode.ChatContext): PromptMessage[] {
  const out: PromptMessage[] = [];
  for (const turn of context.history.slice(-HISTORY_TURNS)) {
    if (turn.participant !== CHAT_PARTICIPANT.id) continue;
    if (turn instanceof vscode.ChatRequestTurn) {
      out.push({ role: 'user', content: fold(`${turn.command ? `/${turn.command} ` : ''}${turn.prompt}`, HISTORY_TURN_CHARS) });
    } else if (turn instanceof vscode.ChatResponseTurn) {
      const text = turn.response.map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : '')).join('');
      if (text.trim()) out.push({ role: 'assistant', content: fold(text, HISTORY_TURN_CHARS) });
    }
  }
  return out;
}

/** A message for a model failure (`vscode.LanguageModelError` codes: NoPermissions, Blocked, NotFound). */
function modelErrorMessage(error: unknown): string {
  if (error instanceof vscode.LanguageModelError) {
    switch (error.code) {
      case vscode.LanguageModelError.NoPermissions().code:
        return 'The chat model refused the request: Trace Lens is not allowed to use it. Allow it when VS Code asks (or in the Accounts menu under "Manage Language Model Access"), then ask again.';
      case vscode.LanguageModelError.Blocked().code:
        return 'The chat model blocked the request (rate limit or content policy). Try again later, or with another model.';
      case vscode.LanguageModelError.NotFound().code:
        return 'The chat model is no longer available: pick another model in the chat input.';
    }
  }
  return `The chat model failed: ${(error as Error)?.message ?? String(error)}`;
}

/** A workspace file by workspace-relative path (folder name first in a multi-root workspace), if it exists. */
async function workspaceFile(path: string): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  for (const folder of folders) {
    const rest = folders.length > 1 && path.startsWith(`${folder.name}/`) ? path.slice(folder.name.length + 1) : path;
    const uri = vscode.Uri.joinPath(folder.uri, rest);
    try {
      await vscode.workspace.fs.stat(uri);
      return uri;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
