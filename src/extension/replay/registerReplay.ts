/**
 * Replay in VS Code: Replay Model Call… (the playground, src/extension/replay/replayPanel.ts),
 * Serve Recorded Responses… (src/extension/replay/recordedServing.ts) and the provider commands.
 * Targets come from a Traces view row, the trace webview's context menu or buttons, or the
 * focused trace (src/extension/agents/traceFocus.ts).
 */
import * as vscode from 'vscode';
import type { GenAiMessagePart } from '../../model/genai';
import type { RecordedCall } from '../../model/replay';
import type { TraceId, TraceSummary } from '../../model/trace';
import { providerBaseUrl } from '../../core/replay/providers';
import { traceLabel } from '../traces/traceLabel';
import type { TraceRepository } from '../traces/traceRepository';
import type { TracePanels } from '../traces/tracePanel';
import type { TraceTreeNode } from '../traces/traceTreeItems';
import { TraceFocus } from '../agents/traceFocus';
import { targetOf } from '../agents/registerAgents';
import { REPLAY_COMMANDS, type CommandHandlers } from '../ids';
import { RecordedServing } from './recordedServing';
import { ReplayPanels } from './replayPanel';
import { ReplayProviders } from './replayProviders';

/** What the replay feature needs from the rest of the extension. */
export interface ReplayDeps {
  extensionUri: vscode.Uri;
  secrets: vscode.SecretStorage;
  repository: TraceRepository;
  panels: TracePanels;
  treeView: vscode.TreeView<TraceTreeNode>;
  log: vscode.LogOutputChannel;
}

/** One line describing a recorded call in a pick: its last user text or its answer. */
export function callSummary(call: RecordedCall): string {
  const lastUser = [...call.inputMessages].reverse().find((m) => m.role === 'user');
  const out = call.outputMessages[0];
  const textOf = (parts: readonly GenAiMessagePart[] | undefined): string =>
    (parts ?? [])
      .map((p) => (p.type === 'text' ? p.content : p.type === 'tool_call' ? `→ ${p.name}()` : ''))
      .filter(Boolean)
      .join(' ');
  const answer = textOf(out?.parts);
  return [lastUser ? `user: ${textOf(lastUser.parts)}` : '', answer ? `answer: ${answer}` : ''].filter(Boolean).join(' · ').slice(0, 200);
}

/** Registers the commands; returns everything to dispose. */
export function registerReplay(deps: ReplayDeps): vscode.Disposable[] {
  const focus = new TraceFocus(deps.repository, deps.panels, deps.treeView);
  const providers = new ReplayProviders(deps.secrets, deps.log);
  const serving = new RecordedServing(deps.log);
  const playgrounds = new ReplayPanels(deps.extensionUri, deps.repository, providers, deps.log, (traceId, spanId) => void deps.panels.open(traceId, spanId));

  const pickTrace = async (title: string): Promise<TraceSummary | undefined> => {
    const recent = await deps.repository.query('listTraces', { limit: 50, offset: 0 });
    if (recent.length === 0) {
      void vscode.window.showInformationMessage('Trace Lens: no traces yet. Run your app with its exporter pointed at Trace Lens first.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      recent.map((s) => ({ label: traceLabel(s), description: [s.serviceName, `${s.spanCount} spans`].filter(Boolean).join(' · '), summary: s })),
      { title, matchOnDescription: true },
    );
    return pick?.summary;
  };

  const traceOf = async (arg: unknown, title: string): Promise<{ traceId: TraceId; spanId?: string; label: string } | undefined> => {
    const target = targetOf(arg, focus);
    if (target) {
      const summary = await deps.repository.query('traceSummary', { traceId: target.traceId });
      return { ...target, label: summary ? traceLabel(summary) : target.traceId };
    }
    const picked = await pickTrace(title);
    return picked ? { traceId: picked.traceId, label: traceLabel(picked) } : undefined;
  };

  const pickCall = async (calls: RecordedCall[], title: string, placeHolder?: string): Promise<RecordedCall | undefined> => {
    const pick = await vscode.window.showQuickPick(
      calls.map((c) => ({
        label: `${c.index + 1}. ${c.spanName}`,
        description: [c.provider, c.responseModel ?? c.requestModel].filter(Boolean).join(' · '),
        detail: callSummary(c),
        call: c,
      })),
      { title, placeHolder, matchOnDetail: true },
    );
    return pick?.call;
  };

  const replayModelCall = async (arg?: unknown): Promise<void> => {
    const target = await traceOf(arg, 'Replay Model Call: trace');
    if (!target) return;
    let spanId = target.spanId;
    if (!spanId) {
      const calls = await deps.repository.query('recordedCalls', { traceId: target.traceId });
      if (calls.length === 0) {
        void vscode.window.showInformationMessage(`Trace Lens: “${target.label}” has no model calls to replay.`);
        return;
      }
      spanId = calls.length === 1 ? calls[0]!.spanId : (await pickCall(calls, 'Replay Model Call: which call?'))?.spanId;
      if (!spanId) return;
    }
    await playgrounds.open(target.traceId, spanId);
  };

  const serveRecordedResponses = async (arg?: unknown): Promise<void> => {
    const target = await traceOf(arg, 'Serve Recorded Responses: trace');
    if (!target) return;
    const calls = await deps.repository.query('recordedCalls', { traceId: target.traceId });
    if (calls.length === 0) {
      void vscode.window.showInformationMessage(`Trace Lens: “${target.label}” has no recorded model calls to serve.`);
      return;
    }
    const empty = calls.filter((c) => c.outputMessages.length === 0).length;
    if (empty === calls.length) {
      void vscode.window.showWarningMessage(
        `Trace Lens: the model calls of “${target.label}” were recorded without their answers (content capture was off), so there is nothing to serve.`,
      );
      return;
    }
    const mode = await vscode.window.showQuickPick(
      [
        { label: `$(debug-alt) All ${calls.length} model calls from the recording`, description: 'no request leaves your machine', id: 'all' as const },
        { label: '$(debug-step-over) Recorded up to a call, live after it…', description: 'the rest go to a configured provider', id: 'live' as const },
      ],
      { title: `Serve Recorded Responses: “${target.label}”` },
    );
    if (!mode) return;
    let liveAfterIndex: number | undefined;
    let live: { provider: ReturnType<ReplayProviders['configs']>[number]; apiKey: string } | undefined;
    if (mode.id === 'live') {
      const last = await pickCall(calls, 'Serve Recorded Responses: the last call answered from the recording', 'Calls after this one are forwarded live');
      if (!last) return;
      liveAfterIndex = last.index;
      const kind = calls[0]!.kind;
      const candidates = providers.configs().filter((p) => p.kind === kind);
      if (candidates.length === 0) {
        const add = await vscode.window.showWarningMessage(`Trace Lens: no ${kind === 'anthropic' ? 'Anthropic' : 'OpenAI-compatible'} replay provider is configured for the live calls.`, 'Add Replay Provider…');
        if (add) await providers.addProvider();
        return;
      }
      const provider =
        candidates.length === 1
          ? candidates[0]
          : (await vscode.window.showQuickPick(candidates.map((p) => ({ label: p.name, description: providerBaseUrl(p), p })), { title: 'Serve Recorded Responses: live provider' }))?.p;
      if (!provider) return;
      let apiKey = await providers.keyOf(provider);
      if (apiKey === undefined && (await providers.promptForKey(provider.name))) apiKey = await providers.keyOf(provider);
      if (apiKey === undefined) return;
      live = { provider, apiKey };
    }
    const urls = await serving.start({ traceId: target.traceId, traceLabel: target.label, calls, ...(liveAfterIndex !== undefined ? { liveAfterIndex } : {}), ...(live ? { live } : {}) });
    const anthropic = calls.every((c) => c.kind === 'anthropic');
    const variable = anthropic ? `ANTHROPIC_BASE_URL=${urls.anthropic}` : `OPENAI_BASE_URL=${urls.openai}`;
    await vscode.env.clipboard.writeText(variable);
    const choice = await vscode.window.showInformationMessage(
      `Trace Lens: serving ${calls.length} recorded responses of “${target.label}”. Copied ${variable} — set it in your app's environment (or launch configuration) and run it again.`,
      'Show Report',
      'Stop',
      anthropic ? 'Copy OPENAI_BASE_URL' : 'Copy ANTHROPIC_BASE_URL',
    );
    if (choice === 'Show Report') await serving.showReport();
    else if (choice === 'Stop') await serving.stop();
    else if (choice) await vscode.env.clipboard.writeText(anthropic ? `OPENAI_BASE_URL=${urls.openai}` : `ANTHROPIC_BASE_URL=${urls.anthropic}`);
  };

  const handlers: CommandHandlers<typeof REPLAY_COMMANDS> = {
    [REPLAY_COMMANDS.replayModelCall]: (arg?: unknown) => replayModelCall(arg),
    [REPLAY_COMMANDS.serveRecordedResponses]: (arg?: unknown) => serveRecordedResponses(arg),
    [REPLAY_COMMANDS.stopServingRecordedResponses]: () => serving.stop(),
    [REPLAY_COMMANDS.showRecordedResponsesReport]: () => serving.showReport(),
    [REPLAY_COMMANDS.copyRecordedResponsesBaseUrl]: async () => {
      const urls = serving.baseUrls();
      if (!urls) return;
      const pick = await vscode.window.showQuickPick(
        [
          { label: `OPENAI_BASE_URL=${urls.openai}`, description: 'OpenAI SDKs' },
          { label: `ANTHROPIC_BASE_URL=${urls.anthropic}`, description: 'Anthropic SDKs' },
        ],
        { title: 'Copy Recorded Responses Base URL' },
      );
      if (pick) await vscode.env.clipboard.writeText(pick.label);
    },
    [REPLAY_COMMANDS.addReplayProvider]: () => providers.addProvider(),
    [REPLAY_COMMANDS.setReplayProviderKey]: (arg?: unknown) => providers.promptForKey(typeof arg === 'string' ? arg : undefined),
  };
  return [
    focus,
    providers,
    serving,
    playgrounds,
    ...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  ];
}
