/**
 * The parts of the find bar (webview/trace/find.ts) that hold no state: the platform's Find
 * shortcut and the keyboard help text, its icon buttons, whether a key goes to a text field, the
 * page selection that seeds the input, and the texts of its count and announcements.
 */
import { formatInteger } from '../../src/model/format';
import type { TreeNode } from './tree';

/** Longest page selection (characters, one line) that seeds the input when the bar opens. */
const SEED_MAX_LENGTH = 200;

/** `true` on macOS (and iOS): ⌘ instead of Ctrl. */
export const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const MOD = IS_MAC ? '⌘' : 'Ctrl+';
/** The Find key as this platform writes it ("Ctrl+F", "⌘F"). */
export const FIND_SHORTCUT = `${MOD}F`;

/** The keyboard help of the trace view: the find input's tooltip, and the header's Find button. */
export const FIND_KEYS_HELP = [
  `Find in trace (${MOD}F): searches every span — names, attributes, messages, tool arguments and results, exceptions.`,
  'Words (the last one also as a prefix while you type), "a phrase", -word to leave out; span conditions: error, tool:NAME, model:NAME, agent:NAME, kind:llm, attr:key=value.',
  `Enter / Shift+Enter (F3 / Shift+F3): next / previous match. Escape: close.`,
  'F8 / Shift+F8: next / previous error span. ] / [: next / previous model call.',
].join('\n');

/** A codicon button with its label and the keys that do the same. */
export function iconButton(icon: string, label: string, keys: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `icon-btn codicon codicon-${icon}`;
  b.title = label;
  b.setAttribute('aria-label', label);
  b.setAttribute('aria-keyshortcuts', keys);
  return b;
}

/** Is the key's target a text field (where `]` and `[` are typed, not shortcuts)? */
export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** The page's selected text when it is short, on one line and outside the bar; else null. */
export function selectionSeed(bar: HTMLElement): string | null {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  if (bar.contains(sel.anchorNode)) return null;
  const text = sel.toString().trim();
  return text && text.length <= SEED_MAX_LENGTH && !/[\r\n]/.test(text) ? text : null;
}

/** "12", or "1000+" when the back end cut the list. */
export function countText(n: number, truncated: boolean): string {
  return `${formatInteger(n)}${truncated ? '+' : ''}`;
}

/** A span's name for announcements. */
export function spanLabel(node: TreeNode): string {
  return node.span.name || '(unnamed span)';
}
