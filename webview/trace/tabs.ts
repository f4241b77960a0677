/**
 * The left pane's tab strip (`vscode-tabs`): one header (codicon + label) and one panel per view,
 * in order. Space selects a header too (WAI-ARIA tabs pattern; vscode-tabs selects with Enter).
 */
import type { ViewTab } from './host';

export interface TabSpec {
  tab: ViewTab;
  label: string;
  /** Codicon name. */
  icon: string;
  content: HTMLElement;
}

/**
 * The tab strip with `specs` in order, `selected` shown. `onShown` runs when the user picks a tab
 * (click, Enter); `onSpace` when Space is pressed on a header (the caller selects it).
 */
export function createViewTabs(specs: readonly TabSpec[], selected: ViewTab, onShown: (tab: ViewTab) => void, onSpace: (tab: ViewTab) => void): HTMLElementTagNameMap['vscode-tabs'] {
  const tabs = document.createElement('vscode-tabs');
  tabs.className = 'view-tabs';
  tabs.panel = true;
  tabs.selectedIndex = Math.max(0, specs.findIndex((s) => s.tab === selected));
  const header = ({ tab, label, icon }: TabSpec) => {
    const h = document.createElement('vscode-tab-header');
    h.slot = 'header';
    h.id = `tab-${tab}`;
    h.dataset.tab = tab;
    const i = document.createElement('span');
    i.className = `codicon codicon-${icon}`;
    i.slot = 'content-before';
    h.append(i, label);
    // vscode-tabs only sets these when a tab changes: give every tab its state from the start.
    const isSelected = tab === selected;
    h.setAttribute('aria-selected', isSelected ? 'true' : 'false');
    h.tabIndex = isSelected ? 0 : -1;
    return h;
  };
  const panel = ({ tab, content }: TabSpec) => {
    const p = document.createElement('vscode-tab-panel');
    p.className = `tab-panel tab-panel-${tab}`;
    p.dataset.tab = tab;
    // No negative tabindex here: on a shadow host it takes the whole panel (the span tree, the
    // conversation) out of the Tab order. The content itself is the focus stop.
    p.append(content);
    return p;
  };
  tabs.append(...specs.map(header), ...specs.map(panel));
  tabs.addEventListener('vsc-tabs-select', (e) => onShown(specs[e.detail.selectedIndex]?.tab ?? specs[0]!.tab));
  tabs.addEventListener('keydown', (e) => {
    const h = (e.target as Element | null)?.closest?.('vscode-tab-header') as HTMLElement | null;
    if (e.key !== ' ' || !h?.dataset.tab) return;
    e.preventDefault();
    onSpace(h.dataset.tab as ViewTab);
  });
  return tabs;
}
