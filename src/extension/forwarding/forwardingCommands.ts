/**
 * The forwarding commands: Toggle Forwarding, Choose Forwarding Targets…, Add Forwarding Target…,
 * Set Forwarding Secret…, Import Forwarding Targets from Environment…, Send Trace to…, Send Session to….
 */
import * as vscode from 'vscode';
import { parseDotenv, targetsFromEnvironment } from '../../core/forwarding/envImport';
import { PRESETS, PRESET_IDS, type SecretSlotId } from '../../core/forwarding/presets';
import type { ForwardingTargetSetting, ForwardTracesResult, PresetId } from '../../core/forwarding/types';
import { FORWARDING_COMMANDS } from '../ids';
import type { ForwardingController, WorkerRequester } from './forwardingController';
import { sessionIdOf, traceIdOf } from './forwardingModel';
import { readForwardingSettings, writeEnabled, writeTargets } from './forwardingSettings';
import { mergeTargets } from './forwardingModel';

export interface ForwardingCommandDeps {
  controller: ForwardingController;
  worker: WorkerRequester;
  log: vscode.LogOutputChannel;
}

type ForwardingCommandId = (typeof FORWARDING_COMMANDS)[keyof typeof FORWARDING_COMMANDS];

export function registerForwardingCommands(deps: ForwardingCommandDeps): vscode.Disposable[] {
  const handlers: Record<ForwardingCommandId, (...args: unknown[]) => unknown> = {
    [FORWARDING_COMMANDS.toggleForwarding]: () => toggleForwarding(deps),
    [FORWARDING_COMMANDS.chooseForwardingTargets]: () => chooseTargets(deps),
    [FORWARDING_COMMANDS.addForwardingTarget]: () => addTarget(deps),
    [FORWARDING_COMMANDS.setForwardingSecret]: (arg?: unknown) => setSecret(deps, targetNameOf(arg)),
    [FORWARDING_COMMANDS.importForwardingTargets]: () => importTargets(deps),
    [FORWARDING_COMMANDS.sendTraceTo]: (arg?: unknown) => sendTraceTo(deps, traceIdOf(arg)),
    [FORWARDING_COMMANDS.sendSessionTo]: (arg?: unknown) => sendSessionTo(deps, sessionIdOf(arg)),
  };
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        deps.log.error(`${id}: ${(error as Error).message}`);
        void vscode.window.showErrorMessage(`Trace Lens: ${(error as Error).message}`);
        return undefined;
      }
    }),
  );
}

// ───────────────────────────── arguments from views ─────────────────────────────

/** A forwarding tree node, or a target name. */
function targetNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as { kind?: string; view?: { setting?: { name?: string } } } | undefined;
  return node?.kind === 'target' ? node.view?.setting?.name : undefined;
}

// ───────────────────────────── toggles ─────────────────────────────

async function toggleForwarding({ controller }: ForwardingCommandDeps): Promise<void> {
  const settings = readForwardingSettings();
  if (settings.targets.length === 0) {
    const choice = await vscode.window.showInformationMessage('Trace Lens: no forwarding targets yet.', 'Add Target…', 'Import from .env…');
    if (choice === 'Add Target…') await vscode.commands.executeCommand(FORWARDING_COMMANDS.addForwardingTarget);
    if (choice === 'Import from .env…') await vscode.commands.executeCommand(FORWARDING_COMMANDS.importForwardingTargets);
    return;
  }
  const next = !settings.enabled;
  await writeEnabled(next);
  await controller.reload();
  const on = controller.targets.filter((t) => t.setting.enabled !== false && !t.problem).map((t) => t.setting.name);
  vscode.window.setStatusBarMessage(
    next ? `$(cloud-upload) Trace Lens: forwarding on${on.length > 0 ? ` → ${on.join(', ')}` : ' (no target is on)'}` : '$(circle-slash) Trace Lens: forwarding off',
    4000,
  );
}

async function chooseTargets({ controller }: ForwardingCommandDeps): Promise<void> {
  const settings = readForwardingSettings();
  if (settings.targets.length === 0) return toggleForwarding({ controller } as ForwardingCommandDeps);
  type Item = vscode.QuickPickItem & { name: string };
  const items: Item[] = controller.targets.map((v) => ({
    name: v.setting.name,
    label: v.setting.name,
    description: PRESETS[v.setting.preset].label,
    detail: v.problem ? `$(error) ${v.problem}` : v.status?.endpoint ?? v.setting.endpoint ?? PRESETS[v.setting.preset].defaultEndpoint,
    picked: v.setting.enabled !== false,
  }));
  const picks = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: `Forwarding targets${settings.enabled ? '' : ' (forwarding is off; choosing targets turns it on)'}`,
    placeHolder: 'Checked targets receive everything Trace Lens receives',
  });
  if (!picks) return;
  const chosen = new Set(picks.map((p) => p.name));
  await writeTargets(settings.targets.map((t) => ({ ...t, enabled: chosen.has(t.name) })));
  if (chosen.size > 0 && !settings.enabled) await writeEnabled(true);
  await controller.reload();
}

// ───────────────────────────── targets and secrets ─────────────────────────────

async function addTarget({ controller }: ForwardingCommandDeps): Promise<void> {
  const preset = await vscode.window.showQuickPick(
    PRESET_IDS.map((id) => ({ id, label: PRESETS[id].label, description: PRESETS[id].defaultEndpoint || 'any OTLP/HTTP endpoint' })),
    { title: 'Add Forwarding Target: backend' },
  );
  if (!preset) return;
  const p = PRESETS[preset.id as PresetId];
  const existing = readForwardingSettings().targets;
  let defaultName = p.label;
  for (let i = 2; existing.some((t) => t.name === defaultName); i++) defaultName = `${p.label} ${i}`;
  const name = await vscode.window.showInputBox({
    title: 'Add Forwarding Target: name',
    value: defaultName,
    validateInput: (v) => (!v.trim() ? 'A name is needed' : existing.some((t) => t.name === v.trim()) ? 'A target with this name exists' : undefined),
  });
  if (!name) return;
  const endpoint = await vscode.window.showInputBox({
    title: `Add Forwarding Target: ${p.label} endpoint`,
    prompt: p.basePath ? `Base URL; ${p.basePath}/v1/<signal> is added` : 'Base URL; /v1/<signal> is added (a full …/v1/traces URL works too)',
    value: p.defaultEndpoint,
    validateInput: (v) => {
      try {
        const u = new URL(v.trim());
        return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'An http:// or https:// URL';
      } catch {
        return 'An http:// or https:// URL';
      }
    },
  });
  if (endpoint === undefined) return;
  const target: ForwardingTargetSetting = { name: name.trim(), preset: p.id, endpoint: endpoint.trim(), enabled: true };
  if (p.id === 'phoenix' || p.id === 'langsmith') {
    const project = await vscode.window.showInputBox({ title: `Add Forwarding Target: ${p.label} project (optional)`, placeHolder: 'default' });
    if (project === undefined) return;
    if (project.trim()) target.project = project.trim();
  }
  for (const slot of p.secrets.filter((s) => s.required)) {
    const value = await vscode.window.showInputBox({ title: `${target.name}: ${slot.label}`, password: true, ignoreFocusOut: true, prompt: 'Stored in VS Code SecretStorage, never in settings' });
    if (value === undefined) break;
    await controller.setSecret(target, slot.id, value.trim());
  }
  await writeTargets([...existing, target]);
  await controller.reload();
  const view = controller.targets.find((t) => t.setting.name === target.name);
  if (view?.problem) void vscode.window.showWarningMessage(`Trace Lens: "${target.name}" added but not usable yet: ${view.problem}`);
  else vscode.window.setStatusBarMessage(`$(cloud-upload) Trace Lens: forwarding target "${target.name}" added`, 4000);
}

async function setSecret({ controller }: ForwardingCommandDeps, targetName: string | undefined): Promise<void> {
  const targets = controller.targets;
  if (targets.length === 0) {
    void vscode.window.showInformationMessage('Trace Lens: add a forwarding target first (Trace Lens: Add Forwarding Target…).');
    return;
  }
  let view = targets.find((t) => t.setting.name === targetName);
  if (!view) {
    const pick = await vscode.window.showQuickPick(
      targets.map((t) => ({ label: t.setting.name, description: PRESETS[t.setting.preset].label, detail: t.problem, view: t })),
      { title: 'Set Forwarding Secret: target' },
    );
    if (!pick) return;
    view = pick.view;
  }
  const preset = PRESETS[view.setting.preset];
  const slot = await vscode.window.showQuickPick(
    preset.secrets.map((s) => ({ label: s.label, description: view.secretsSet[s.id] ? 'set' : s.required ? 'required, not set' : 'not set', id: s.id })),
    { title: `Set Forwarding Secret: ${view.setting.name}` },
  );
  if (!slot) return;
  const value = await vscode.window.showInputBox({
    title: `${view.setting.name}: ${slot.label}`,
    prompt: 'Stored in VS Code SecretStorage, never in settings or logs. Leave empty to delete.',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  await controller.setSecret(view.setting, slot.id as SecretSlotId, value.trim());
  await controller.reload();
  vscode.window.setStatusBarMessage(`$(key) Trace Lens: secret ${value.trim() ? 'stored' : 'deleted'} for "${view.setting.name}"`, 3000);
}

async function importTargets({ controller, log }: ForwardingCommandDeps): Promise<void> {
  type Source = vscode.QuickPickItem & { uri?: vscode.Uri };
  const files = await vscode.workspace.findFiles('**/.env*', '**/node_modules/**', 30);
  const sources: Source[] = [
    ...files
      .filter((f) => !/\.(example|sample|template)$/i.test(f.path))
      .map((uri) => ({ label: `$(file) ${vscode.workspace.asRelativePath(uri)}`, description: 'workspace file', uri })),
    { label: '$(terminal) Environment of VS Code', description: 'variables VS Code was started with' },
  ];
  const source = await vscode.window.showQuickPick(sources, { title: 'Import Forwarding Targets from' });
  if (!source) return;
  let env: Record<string, string | undefined>;
  if (source.uri) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(source.uri));
    const parsed = parseDotenv(text);
    for (const e of parsed.errors) log.warn(`${vscode.workspace.asRelativePath(source.uri)}:${e.line}: ${e.message}`);
    env = parsed.values;
  } else {
    env = process.env;
  }
  const settings = readForwardingSettings();
  const result = targetsFromEnvironment(env, { ownPorts: settings.ownPorts });
  for (const w of result.warnings) log.info(`import: ${w}`);
  if (result.targets.length === 0) {
    void vscode.window.showWarningMessage(`Trace Lens: nothing to import. ${result.warnings.join(' ')}`);
    return;
  }
  type Item = vscode.QuickPickItem & { target: ForwardingTargetSetting };
  const items: Item[] = result.targets.map((t) => {
    const secretNames = result.secrets.filter((s) => s.target === t.name).map((s) => s.slot);
    const replaces = settings.targets.some((e) => e.name === t.name);
    return {
      target: t,
      label: t.name,
      description: `${PRESETS[t.preset].label}${replaces ? ' · replaces the existing target' : ''}`,
      detail: `${t.endpoint ?? PRESETS[t.preset].defaultEndpoint}${secretNames.length > 0 ? ` · secrets: ${secretNames.join(', ')} (to SecretStorage)` : ''}`,
      picked: true,
    };
  });
  const picks = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Import these forwarding targets?', placeHolder: result.warnings.join(' ') || undefined });
  if (!picks || picks.length === 0) return;
  const chosen = picks.map((p) => p.target);
  for (const s of result.secrets) {
    const target = chosen.find((t) => t.name === s.target);
    if (target) await controller.setSecret(target, s.slot, s.value);
  }
  await writeTargets(mergeTargets(settings.targets, chosen));
  await controller.reload();
  const problems = controller.targets.filter((t) => chosen.some((c) => c.name === t.setting.name) && t.problem);
  const message = `Trace Lens: imported ${chosen.map((t) => t.name).join(', ')}${settings.enabled ? '' : ' (forwarding is off: Trace Lens: Toggle Forwarding)'}`;
  if (problems.length > 0) void vscode.window.showWarningMessage(`${message}. Not usable yet: ${problems.map((p) => `${p.setting.name}: ${p.problem}`).join('; ')}`);
  else void vscode.window.showInformationMessage(message);
}

// ───────────────────────────── send after the fact ─────────────────────────────

async function pickSendTargets(controller: ForwardingController, what: string): Promise<string[] | undefined> {
  const usable = controller.targets.filter((t) => !t.problem);
  if (usable.length === 0) {
    const choice = await vscode.window.showWarningMessage('Trace Lens: no usable forwarding target.', 'Add Target…');
    if (choice) await vscode.commands.executeCommand(FORWARDING_COMMANDS.addForwardingTarget);
    return undefined;
  }
  if (usable.length === 1) return [usable[0].setting.name];
  const picks = await vscode.window.showQuickPick(
    usable.map((t) => ({ label: t.setting.name, description: PRESETS[t.setting.preset].label, detail: t.status?.endpoint, picked: false, name: t.setting.name })),
    { canPickMany: true, title: `Send ${what} to…` },
  );
  return picks && picks.length > 0 ? picks.map((p) => p.name) : undefined;
}

async function sendTraceTo({ controller, worker }: ForwardingCommandDeps, traceId: string | undefined): Promise<void> {
  let id = traceId;
  if (!id) {
    const traces = await worker.request('listTraces', { limit: 100, offset: 0 });
    if (traces.length === 0) {
      void vscode.window.showInformationMessage('Trace Lens: no stored traces to send.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      traces.map((t) => ({ label: t.rootName, description: `${t.serviceName} · ${t.spanCount} spans`, detail: t.traceId, traceId: t.traceId })),
      { title: 'Send Trace to…: trace', matchOnDetail: true },
    );
    if (!pick) return;
    id = pick.traceId;
  }
  const targets = await pickSendTargets(controller, 'trace');
  if (!targets) return;
  await runSend(controller, { traceIds: [id], targets }, `trace ${id.slice(0, 8)}`);
}

async function sendSessionTo({ controller, worker }: ForwardingCommandDeps, sessionId: string | undefined): Promise<void> {
  let id = sessionId;
  if (!id) {
    const sessions = await worker.request('listSessions', { limit: 100 }).catch(() => []);
    if (sessions.length > 0) {
      const pick = await vscode.window.showQuickPick(
        sessions.map((s) => ({ label: s.firstTraceLabel || s.sessionId, description: `${s.traceCount} traces`, detail: s.sessionId, sessionId: s.sessionId })),
        { title: 'Send Session to…: session', matchOnDetail: true },
      );
      if (!pick) return;
      id = pick.sessionId;
    } else {
      id = (await vscode.window.showInputBox({ title: 'Send Session to…', prompt: 'Session id (session.id / gen_ai.conversation.id)' }))?.trim();
      if (!id) return;
    }
  }
  const targets = await pickSendTargets(controller, 'session');
  if (!targets) return;
  await runSend(controller, { sessionId: id, targets }, `session ${id}`);
}

async function runSend(controller: ForwardingController, params: { traceIds?: string[]; sessionId?: string; targets: string[] }, what: string): Promise<void> {
  const result: ForwardTracesResult = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Trace Lens: sending ${what} to ${params.targets.join(', ')}…` },
    () => controller.sendTraces(params),
  );
  if (result.traceCount === 0) {
    void vscode.window.showWarningMessage(`Trace Lens: no stored traces found for ${what}.`);
    return;
  }
  const ok = result.results.filter((r) => r.ok);
  const failed = result.results.filter((r) => !r.ok);
  const sentText = ok.map((r) => `${r.target} (${r.spans} spans${r.logs > 0 ? `, ${r.logs} log records` : ''})`).join(', ');
  if (failed.length === 0) void vscode.window.showInformationMessage(`Trace Lens: sent ${result.traceCount} ${result.traceCount === 1 ? 'trace' : 'traces'} to ${sentText}.`);
  else void vscode.window.showErrorMessage(`Trace Lens: ${ok.length > 0 ? `sent to ${sentText}; ` : ''}failed for ${failed.map((r) => `${r.target}: ${r.message}`).join('; ')}`);
}
