/**
 * Forwarding in the UI: the "Forwarding" tree section (one row per target, its counters as
 * children) and a status bar item of its own (separate from the receiver's): forwarding on/off,
 * a warning state when a target is failing, per-target counters in the hover.
 */
import * as vscode from 'vscode';
import { PRESETS } from '../../core/forwarding/presets';
import { FORWARDING_COMMANDS, VIEWS } from '../ids';
import type { ForwardingController } from './forwardingController';
import { detailRows, forwardingStatusText, isFailing, targetSummary, type ForwardingNode, type TargetView } from './forwardingModel';
import { escapeMarkdown } from '../markdownText';

export class ForwardingTreeProvider implements vscode.TreeDataProvider<ForwardingNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ForwardingNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: ForwardingController) {
    this.subscription = controller.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(node?: ForwardingNode): ForwardingNode[] {
    if (!node) return this.controller.targets.map((view) => ({ kind: 'target', view }));
    if (node.kind === 'target') return detailRows(node.view);
    return [];
  }

  getTreeItem(node: ForwardingNode): vscode.TreeItem {
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.description = node.description;
      item.tooltip = node.tooltip ?? (node.description ? `${node.label}: ${node.description}` : node.label);
      if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
      return item;
    }
    const { view } = node;
    const master = this.controller.enabled;
    const item = new vscode.TreeItem(view.setting.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `forwarding-target:${view.setting.name}`;
    item.description = targetSummary(view, master);
    const on = master && view.setting.enabled !== false;
    item.iconPath = view.problem
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
      : !on
        ? new vscode.ThemeIcon('circle-slash')
        : isFailing(view, master)
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : new vscode.ThemeIcon('cloud-upload');
    item.contextValue = `forwardingTarget.${on ? 'on' : 'off'}`;
    item.tooltip = targetTooltip(view, master);
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

function targetTooltip(view: TargetView, master: boolean): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(view.setting.name)}** (${PRESETS[view.setting.preset].label})\n\n`);
  for (const row of detailRows(view)) md.appendMarkdown(`- ${row.label}: ${escapeMarkdown(row.description ?? '')}\n`);
  if (!master) md.appendMarkdown('\nForwarding is off (Trace Lens: Toggle Forwarding).');
  return md;
}

/** The forwarding status bar item (its own item; the receiver's item is unchanged). */
export class ForwardingStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: ForwardingController) {
    this.item = vscode.window.createStatusBarItem('traceLens.forwarding', vscode.StatusBarAlignment.Left, 49);
    this.item.name = 'Trace Lens Forwarding';
    this.item.command = `${VIEWS.forwarding}.focus`;
    this.subscription = controller.onDidChange(() => this.update());
    this.update();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  private update(): void {
    const master = this.controller.enabled;
    const state = forwardingStatusText(this.controller.targets, master);
    if (!state) {
      this.item.hide();
      return;
    }
    this.item.text = state.text;
    this.item.backgroundColor = state.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `Trace Lens forwarding: ${state.text.replace(/\$\([^)]*\)\s*/g, '')}`, role: 'button' };
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [FORWARDING_COMMANDS.toggleForwarding, FORWARDING_COMMANDS.chooseForwardingTargets] };
    md.appendMarkdown(`**Trace Lens** forwarding is **${master ? 'on' : 'off'}**\n\n`);
    for (const view of this.controller.targets) {
      md.appendMarkdown(`- **${escapeMarkdown(view.setting.name)}**: ${escapeMarkdown(targetSummary(view, master))}`);
      const err = view.status?.lastError;
      if (err && isFailing(view, master)) md.appendMarkdown(` — last error: ${escapeMarkdown(err)}`);
      md.appendMarkdown('\n');
    }
    md.appendMarkdown(
      `\n[$(debug-disconnect) Toggle Forwarding](command:${FORWARDING_COMMANDS.toggleForwarding}) · [$(checklist) Choose Targets](command:${FORWARDING_COMMANDS.chooseForwardingTargets})`,
    );
    this.item.tooltip = md;
    this.item.show();
  }
}

