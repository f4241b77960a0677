/**
 * The diagnostics feature: settings to the back end, findings in the Problems panel (with the
 * quick fix "Open Trace at Span") and in the Diagnostics view, baseline commands, and optional
 * alert notifications for completed runs.
 */
import * as vscode from 'vscode';
import type { BackendEvent } from '../../core/backend/protocol';
import type { MetricAlert } from '../../model/diagnostics';
import type { TraceId } from '../../model/trace';
import { DIAGNOSTICS_COMMANDS, SETTINGS, SETTINGS_SECTION, VIEWS, type CommandHandlers } from '../ids';
import { readSettings } from '../settings';
import type { WorkspaceSource } from '../source/workspaceSource';
import type { TraceRepository } from '../traces/traceRepository';
import { checkRunAgainstBaseline, showBaselines } from './baselineCommands';
import { DiagnosticsTreeProvider } from './diagnosticsView';
import { OpenSpanCodeActions, ProblemsController } from './problems';

export interface DiagnosticsDeps {
  repository: TraceRepository;
  workspace: WorkspaceSource;
  onBackendEvent: vscode.Event<BackendEvent>;
  onBackendRestart: vscode.Event<void>;
  openTrace: (traceId: TraceId, spanId?: string) => void;
  log: vscode.LogOutputChannel;
}

export function registerDiagnostics(deps: DiagnosticsDeps): vscode.Disposable[] {
  const { repository, log } = deps;
  const problems = new ProblemsController(repository, deps.workspace, log);
  const tree = new DiagnosticsTreeProvider(problems);
  const view = vscode.window.createTreeView(VIEWS.diagnostics, { treeDataProvider: tree, showCollapseAll: true });
  const updateBadge = (): void => {
    const n = problems.all().length;
    view.badge = n ? { value: n, tooltip: `${n} finding${n === 1 ? '' : 's'} in agent runs` } : undefined;
  };

  let lastErrors = '';
  const configure = (): void => {
    // Configuration values are proxies that cannot cross to the back end thread: send plain JSON.
    const diagnostics = JSON.parse(JSON.stringify(readSettings().diagnostics)) as ReturnType<typeof readSettings>['diagnostics'];
    void repository
      .query('configureDiagnostics', diagnostics)
      .then(({ errors }) => {
        const text = errors.join(' ');
        if (errors.length && text !== lastErrors) {
          log.warn(`diagnostics settings: ${text}`);
          void vscode.window.showWarningMessage(`Trace Lens: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more; see the log)` : ''}`);
        }
        lastErrors = text;
        problems.refresh();
      })
      .catch((error: Error) => log.error(`diagnostics settings: ${error.message}`));
  };
  configure();

  const onAlert = (alert: MetricAlert): void => {
    void vscode.window.showWarningMessage(`Trace Lens: ${alert.message}`, 'Open Trace', 'Turn Off Alerts').then((choice) => {
      if (choice === 'Open Trace') deps.openTrace(alert.traceId);
      else if (choice === 'Turn Off Alerts') void vscode.workspace.getConfiguration(SETTINGS_SECTION).update(SETTINGS.diagnosticsAlertsEnabled, false, vscode.ConfigurationTarget.Global);
    });
  };

  const handlers: CommandHandlers<typeof DIAGNOSTICS_COMMANDS> = {
    [DIAGNOSTICS_COMMANDS.checkRunAgainstBaseline]: (arg?: unknown) => checkRunAgainstBaseline(repository, (t, s) => deps.openTrace(t, s), arg),
    [DIAGNOSTICS_COMMANDS.showBaselines]: () => showBaselines(repository),
    [DIAGNOSTICS_COMMANDS.openFindingSpan]: (traceId: unknown, spanId: unknown) => {
      if (typeof traceId === 'string') deps.openTrace(traceId, typeof spanId === 'string' ? spanId : undefined);
    },
    [DIAGNOSTICS_COMMANDS.refreshDiagnostics]: () => problems.refresh(),
  };

  return [
    problems,
    tree,
    view,
    problems.onDidChange(updateBadge),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new OpenSpanCodeActions(problems), { providedCodeActionKinds: OpenSpanCodeActions.kinds }),
    deps.onBackendEvent((event) => {
      if (event.type === 'diagnosticsChanged') problems.refresh(event.traceIds);
      else if (event.type === 'diagnosticsAlert') onAlert(event.alert);
      else if (event.type === 'storeChanged' && event.cleared) problems.refresh();
    }),
    // Another window's store (window channel): its back end pushes no events here; follow its changes.
    repository.onDidChange(() => {
      if (repository.isRemote) problems.refresh();
    }),
    deps.onBackendRestart(configure),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.diagnostics`)) configure();
    }),
    ...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  ];
}
