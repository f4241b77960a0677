/**
 * Find in the trace, and the keys that jump between spans.
 *
 * - **Find** (Ctrl+F, ⌘F on macOS): a find bar at the top right of the left pane, styled like VS
 *   Code's find widget. Typing asks the host `findInTrace({ query })` (the search query language:
 *   words, `"phrases"`, `-word`, `error`, `tool:`, `model:`, …) after `FIND_DEBOUNCE_MS`; the
 *   back end searches every span of the trace (names, attributes, messages, tool data, exceptions),
 *   not only the rows on screen. Matching rows are highlighted in the waterfall and their items in
 *   the Conversation tab; rows that hide matches under a collapsed subtree are marked. Enter /
 *   Shift+Enter (F3 / Shift+F3, on macOS also ⌘G / ⇧⌘G) select the next / previous match in
 *   display order, wrapping, expanding collapsed ancestors. Escape closes the bar and gives the
 *   focus back. The results are asked again when the trace grows while the bar is open, and
 *   again every `INDEX_RETRY_MS` while the back end says its index is catching up.
 * - **F8 / Shift+F8**: the next / previous error span (status error or an exception event).
 * - **] / [**: the next / previous model call (a GenAI LLM span).
 *
 * Why not VS Code's own find widget (`enableFindWidget`): it only searches the rendered text, and
 * the waterfall renders only the rows in view. The keys are taken in the capture phase on
 * `window` and stopped there, so VS Code (which listens on the webview's window and replays keys
 * to the workbench) never sees them: no second find widget, no "Go to Next Problem".
 */
import type { SpanId } from '../../src/model/trace';
import type { FindInTraceResult } from '../../src/model/search';
import { div, setText, span } from './dom';
import { FIND_MAX_QUERY_LENGTH, FindMatches, isErrorSpan, isModelCall, positionWhere, stepWhere, type Direction } from './findNavigation';
import type { TraceTree, TreeNode } from './tree';
import { FIND_KEYS_HELP, IS_MAC, countText, iconButton, isEditable, selectionSeed, spanLabel } from './findBarParts';

/** Typing waits this long (ms) before asking the host, so each keystroke does not search. */
export const FIND_DEBOUNCE_MS = 150;
/** While the back end's full-text index is catching up, ask again after this long (ms). */
export const INDEX_RETRY_MS = 1000;
/** A live update of the trace asks again after this long (ms): updates come at most every 250 ms. */
export const LIVE_REFRESH_MS = 300;
/** How long (ms) a brief status ("No error spans", "Error span 2 of 5") stays on screen. */
export const TOAST_MS = 2000;
/** What the find bar needs from the trace view. */
export interface FindHost {
  /** Asks the host for the spans of this trace that match `query` (`findInTrace`). */
  find(query: string): Promise<FindInTraceResult>;
  /** The tree shown, or null without a trace. */
  tree(): TraceTree | null;
  /** The selected row's pre-order node index, -1 for none. */
  selectedNode(): number;
  /** Selects a node: expands its ancestors, scrolls it into view (and its Conversation item), loads its details. */
  goTo(node: number): void;
  /** Highlights these matches in the waterfall and the Conversation tab (`null`: none). */
  showMatches(matches: FindMatches | null): void;
  /** Gives the focus back to the view (the span tree, or the Conversation tab when it is shown). */
  focusView(): void;
  /** The text in the input changed (to persist it: offered again after the webview reloads). */
  queryChanged(query: string): void;
}

/** The last answer, as the bar shows it. */
type FindState =
  | { kind: 'empty' }
  | { kind: 'searching' }
  | { kind: 'found'; spanIds: readonly SpanId[]; truncated: boolean; pendingSpans: number }
  | { kind: 'invalid'; message: string }
  | { kind: 'failed'; message: string };

/** The find bar, its searches, and the trace view's navigation keys (see the module comment). */
export class FindController {
  /** The find bar; place it in a positioned container (the left pane). */
  readonly element: HTMLDivElement;
  /** The brief status shown by F8 and the model-call keys; placed next to the bar. */
  readonly toast: HTMLDivElement;
  private readonly input: HTMLInputElement;
  private readonly count: HTMLSpanElement;
  private readonly incomplete: HTMLSpanElement;
  private readonly message: HTMLDivElement;
  private readonly prevButton: HTMLButtonElement;
  private readonly nextButton: HTMLButtonElement;
  /** Screen-reader announcements (visually hidden, `aria-live="polite"`). */
  private readonly live: HTMLDivElement;

  private state: FindState = { kind: 'empty' };
  private matches: FindMatches | null = null;
  /** The query the state answers (the input may be ahead of it while typing). */
  private searchedQuery = '';
  private token = 0;
  /** Typing's debounce: a step waits for the search it starts. */
  private searchTimer = 0;
  /** Asking again for the same query (the trace grew, the index caught up): steps do not wait. */
  private refreshTimer = 0;
  private toastTimer = 0;
  /** Enter pressed before the answer for the typed query came: step once it does. */
  private pendingStep: Direction | 0 = 0;
  /** What the last answer announced (a background refresh with the same outcome stays quiet). */
  private announced = '';
  /** Where the focus was when the bar opened (given back on close). */
  private returnFocus: HTMLElement | null = null;

  /** `initialQuery`: the last query of this view (persisted state), in the input when the bar first opens. */
  constructor(
    private readonly host: FindHost,
    initialQuery = '',
  ) {
    this.element = div('find-widget');
    this.element.id = 'find-widget';
    this.element.hidden = true;
    this.element.setAttribute('role', 'search');
    this.element.setAttribute('aria-label', 'Find in trace');

    const field = div('find-field');
    this.input = document.createElement('input');
    this.input.type = 'text';
    this.input.className = 'find-input';
    this.input.id = 'find-input';
    this.input.placeholder = 'Find';
    this.input.maxLength = FIND_MAX_QUERY_LENGTH;
    this.input.spellcheck = false;
    this.input.autocomplete = 'off';
    this.input.title = FIND_KEYS_HELP;
    this.input.value = initialQuery;
    this.input.setAttribute('aria-label', 'Find in trace');
    this.input.setAttribute('aria-describedby', 'find-count find-message');
    this.input.setAttribute('aria-keyshortcuts', IS_MAC ? 'Meta+F' : 'Control+F');
    field.append(this.input);

    this.count = span('find-count');
    this.count.id = 'find-count';
    this.incomplete = span('find-incomplete codicon codicon-sync');
    this.incomplete.title = 'The search index is catching up: results may miss the newest spans.';
    this.incomplete.hidden = true;
    this.prevButton = iconButton('arrow-up', 'Previous match (Shift+Enter)', 'Shift+Enter Shift+F3');
    this.nextButton = iconButton('arrow-down', 'Next match (Enter)', 'Enter F3');
    const close = iconButton('close', 'Close (Escape)', 'Escape');
    this.prevButton.classList.add('find-prev');
    this.nextButton.classList.add('find-next');
    close.classList.add('find-close');

    this.message = div('find-message');
    this.message.id = 'find-message';
    this.message.hidden = true;
    this.message.setAttribute('role', 'alert');

    this.live = div('sr-only');
    this.live.setAttribute('role', 'status');
    this.live.setAttribute('aria-live', 'polite');

    this.element.append(field, this.count, this.incomplete, this.prevButton, this.nextButton, close, this.message, this.live);

    this.toast = div('find-toast');
    this.toast.id = 'find-toast';
    this.toast.hidden = true;
    this.toast.setAttribute('role', 'status');
    this.toast.setAttribute('aria-live', 'polite');

    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (e) => this.onInputKey(e));
    this.prevButton.addEventListener('click', () => this.step(-1));
    this.nextButton.addEventListener('click', () => this.step(1));
    close.addEventListener('click', () => this.close());
    // Focus stays in the input while stepping with the buttons (as in VS Code's find widget).
    for (const b of [this.prevButton, this.nextButton]) b.addEventListener('mousedown', (e) => e.preventDefault());
    this.render();
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /**
   * Takes the view's keys: call once. Capture phase on `window`, so the keys are handled before
   * any element (and before VS Code's own listener, which forwards keys to the workbench).
   */
  installKeys(): void {
    window.addEventListener('keydown', (e) => this.onWindowKey(e), { capture: true });
    // Escape anywhere in the view closes the bar (after elements had their say).
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen && !e.defaultPrevented && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault();
        this.close();
      }
    });
  }

  /**
   * Opens the bar (or, when open, selects its text) and focuses the input. A short one-line
   * selection on the page becomes the query, as in VS Code.
   */
  open(): void {
    if (!this.host.tree()) return; // nothing to search yet (loading), or the trace is gone
    const active = document.activeElement;
    if (!this.isOpen) this.returnFocus = active instanceof HTMLElement && active !== document.body && !this.element.contains(active) ? active : null;
    const seed = selectionSeed(this.element);
    const wasOpen = this.isOpen;
    this.element.hidden = false;
    if (seed !== null && seed !== this.input.value) {
      this.input.value = seed;
      this.onInput();
    } else if (!wasOpen && this.input.value.trim()) {
      // The last query's matches at once, then a fresh answer (the trace may have grown meanwhile).
      this.host.showMatches(this.currentMatches());
      this.search(0, this.searchedQuery === this.input.value.trim());
    }
    this.input.focus();
    this.input.select();
    this.render();
  }

  /** Closes the bar: the highlights go, the query stays for the next open; the focus goes back. */
  close(): void {
    if (!this.isOpen) return;
    const hadFocus = this.element.contains(document.activeElement);
    this.element.hidden = true;
    this.cancelSearches();
    this.pendingStep = 0;
    this.host.showMatches(null);
    if (hadFocus) {
      const back = this.returnFocus;
      if (back?.isConnected && back.offsetParent !== null) back.focus({ preventScroll: true });
      else this.host.focusView();
    }
    this.returnFocus = null;
  }

  /**
   * Selects the next (`1`) or previous (`-1`) match from the selected span, wrapping. Before the
   * answer for the typed query has come, the step waits for it.
   */
  step(direction: Direction): void {
    if (this.searchTimer || this.state.kind === 'searching' || this.searchedQuery !== this.input.value.trim()) {
      this.pendingStep = direction;
      if (!this.searchTimer && this.state.kind !== 'searching') this.search(0);
      return;
    }
    const matches = this.currentMatches();
    if (!matches || matches.count === 0) {
      if (this.state.kind === 'found') this.announce('No results');
      return;
    }
    const node = matches.step(this.host.selectedNode(), direction);
    if (node < 0) return;
    this.host.goTo(node);
    this.render();
    const tree = matches.tree;
    this.announce(`Result ${matches.positionOf(node)} of ${countText(matches.count, this.truncated)}: ${spanLabel(tree.nodes[node]!)}`);
  }

  /** The selection changed (the current match is the selected one): updates "3 of 12". */
  selectionChanged(): void {
    if (this.isOpen) this.render();
  }

  /**
   * The trace shown changed. `sameTrace`: the same trace grew (live update): the matches are
   * mapped onto the new tree now and asked again soon; otherwise they are dropped (and, with the
   * bar open, asked for the new trace).
   */
  treeChanged(sameTrace: boolean): void {
    if (!sameTrace) {
      this.token++;
      this.matches = null;
      this.state = { kind: 'empty' };
      this.searchedQuery = '';
      if (this.isOpen && this.input.value.trim()) this.search(0);
    } else if (this.isOpen && this.searchedQuery && !this.searchTimer && !this.refreshTimer) {
      this.search(LIVE_REFRESH_MS, true);
    }
    if (this.isOpen) this.host.showMatches(this.currentMatches());
    this.render();
  }

  /** Next / previous error span from the selection (F8 / Shift+F8). */
  nextError(direction: Direction): void {
    this.jump(direction, isErrorSpan, 'Error span', 'No error spans in this trace');
  }

  /** Next / previous model call from the selection (] / [). */
  nextModelCall(direction: Direction): void {
    this.jump(direction, isModelCall, 'Model call', 'No model calls in this trace');
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  private jump(direction: Direction, test: (node: TreeNode) => boolean, what: string, none: string): void {
    const tree = this.host.tree();
    if (!tree) return;
    const node = stepWhere(tree, this.host.selectedNode(), direction, test);
    if (node < 0) {
      this.showToast(none, 'none');
      return;
    }
    this.host.goTo(node);
    const { position, total } = positionWhere(tree, node, test);
    this.showToast(`${what} ${position} of ${total}`, 'ok', spanLabel(tree.nodes[node]!));
  }

  private showToast(text: string, kind: 'ok' | 'none', detail = ''): void {
    window.clearTimeout(this.toastTimer);
    this.toast.textContent = text;
    this.toast.dataset.kind = kind;
    this.toast.title = detail;
    this.toast.classList.toggle('below-find', this.isOpen);
    this.toast.hidden = false;
    // The toast's own text is the visible status; screen readers hear the span's name too.
    this.announce(detail ? `${text}: ${detail}` : text);
    this.toastTimer = window.setTimeout(() => {
      this.toast.hidden = true;
    }, TOAST_MS);
  }

  private onInput(): void {
    this.pendingStep = 0;
    this.host.queryChanged(this.input.value);
    if (!this.input.value.trim()) {
      this.cancelSearches();
      this.state = { kind: 'empty' };
      this.searchedQuery = '';
      this.matches = null;
      this.host.showMatches(null);
      this.render();
      return;
    }
    this.search(FIND_DEBOUNCE_MS);
  }

  /** Drops every scheduled search and every answer still to come. */
  private cancelSearches(): void {
    window.clearTimeout(this.searchTimer);
    window.clearTimeout(this.refreshTimer);
    this.searchTimer = 0;
    this.refreshTimer = 0;
    this.token++;
  }

  /**
   * Asks the host for the input's query after `delayMs` (0: now); a newer search drops older
   * answers. `refresh`: the same query again, in the background (steps use the current answer).
   */
  private search(delayMs: number, refresh = false): void {
    window.clearTimeout(this.searchTimer);
    window.clearTimeout(this.refreshTimer);
    this.searchTimer = 0;
    this.refreshTimer = 0;
    const run = () => {
      this.searchTimer = 0;
      this.refreshTimer = 0;
      const query = this.input.value.trim();
      if (!query || !this.isOpen) return;
      const token = ++this.token;
      if (query !== this.searchedQuery) {
        this.state = { kind: 'searching' };
        this.render();
      }
      this.host.find(query).then(
        (result) => {
          if (token !== this.token) return;
          // An answer about another trace (the panel's trace changed meanwhile) is dropped.
          if (result.ok && result.traceId !== this.host.tree()?.trace.traceId) return;
          this.searchedQuery = query;
          if (result.ok) {
            this.state = { kind: 'found', spanIds: result.spanIds, truncated: result.truncated, pendingSpans: result.index.pendingSpans };
            if (result.index.pendingSpans > 0) this.search(INDEX_RETRY_MS, true);
          } else {
            this.state = { kind: 'invalid', message: result.error };
          }
          this.applyResult();
        },
        (error: unknown) => {
          if (token !== this.token) return;
          this.searchedQuery = query;
          this.state = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
          this.applyResult();
        },
      );
    };
    if (delayMs <= 0) run();
    else if (refresh) this.refreshTimer = window.setTimeout(run, delayMs);
    else this.searchTimer = window.setTimeout(run, delayMs);
  }

  private applyResult(): void {
    this.matches = null;
    const matches = this.currentMatches();
    this.host.showMatches(matches);
    this.render();
    const pending = this.pendingStep;
    this.pendingStep = 0;
    const s = this.state;
    if (pending && matches && matches.count > 0) {
      this.step(pending);
      return;
    }
    let text = '';
    if (s.kind === 'found') {
      const n = matches?.count ?? 0;
      text = n === 0 ? 'No results' : `${countText(n, s.truncated)} ${n === 1 ? 'result' : 'results'}${s.pendingSpans > 0 ? ', the search index is catching up' : ''}`;
    } else if (s.kind === 'invalid') {
      text = `Invalid query: ${s.message}`;
    } else if (s.kind === 'failed') {
      text = `Find failed: ${s.message}`;
    }
    const key = `${this.searchedQuery}\n${text}`;
    if (text && key !== this.announced) this.announce(text);
    this.announced = key;
  }

  /** The matches of the last answer on the tree shown now (rebuilt when the tree changed). */
  private currentMatches(): FindMatches | null {
    const tree = this.host.tree();
    if (this.state.kind !== 'found' || !tree) return null;
    if (!this.matches || this.matches.tree !== tree) this.matches = new FindMatches(tree, this.state.spanIds);
    return this.matches;
  }

  private get truncated(): boolean {
    return this.state.kind === 'found' && this.state.truncated;
  }

  private render(): void {
    const s = this.state;
    const matches = this.currentMatches();
    let text = '';
    let error = '';
    if (s.kind === 'searching') text = '';
    else if (s.kind === 'found' && matches) {
      if (matches.count === 0) text = 'No results';
      else {
        const position = matches.positionOf(this.host.selectedNode());
        text = `${position > 0 ? position : '?'} of ${countText(matches.count, s.truncated)}`;
      }
    } else if (s.kind === 'invalid') error = s.message;
    else if (s.kind === 'failed') error = `Find failed: ${s.message}`;
    const hasQuery = this.input.value.trim() !== '';
    setText(this.count, error ? (s.kind === 'invalid' ? 'Invalid query' : 'Error') : hasQuery ? text : '');
    this.count.title = s.kind === 'found' && s.truncated ? 'More spans match than one search returns: only the first ones are listed.' : error;
    this.element.classList.toggle('no-results', hasQuery && s.kind === 'found' && (matches?.count ?? 0) === 0);
    this.element.classList.toggle('invalid', error !== '');
    this.input.classList.toggle('invalid', error !== '');
    this.input.setAttribute('aria-invalid', error ? 'true' : 'false');
    this.input.title = error ? `${error}\n\n${FIND_KEYS_HELP}` : FIND_KEYS_HELP;
    setText(this.message, error);
    this.message.hidden = !error;
    this.incomplete.hidden = !(s.kind === 'found' && s.pendingSpans > 0);
    const none = !matches || matches.count === 0;
    this.prevButton.disabled = none;
    this.nextButton.disabled = none;
  }

  private announce(text: string): void {
    // The same text twice in a row is not announced again by every screen reader: nudge it.
    this.live.textContent = this.live.textContent === text ? `${text}\u00a0` : text;
  }

  private onInputKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      e.stopPropagation();
      this.step(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close();
    }
  }

  private onWindowKey(e: KeyboardEvent): void {
    const mod = IS_MAC ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
    // The letter of the key, also on non-Latin layouts (where Ctrl+F types another letter).
    const key = /^[a-z]$/i.test(e.key) ? e.key.toLowerCase() : e.code.startsWith('Key') ? e.code.slice(3).toLowerCase() : '';
    let handled = true;
    if (mod && !e.altKey && !e.shiftKey && key === 'f') {
      this.open();
    } else if (e.key === 'F3' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      this.findKey(e.shiftKey ? -1 : 1);
    } else if (IS_MAC && mod && !e.altKey && key === 'g') {
      this.findKey(e.shiftKey ? -1 : 1);
    } else if (e.key === 'F8' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      this.nextError(e.shiftKey ? -1 : 1);
    } else if ((e.key === ']' || e.key === '[') && !e.metaKey && (!e.ctrlKey || e.altKey) && !isEditable(e.target)) {
      // `!e.ctrlKey || e.altKey`: AltGr (Ctrl+Alt on Windows) types the brackets on many layouts.
      this.nextModelCall(e.key === ']' ? 1 : -1);
    } else {
      handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  /** F3: steps through the matches; with the bar closed, opens it. */
  private findKey(direction: Direction): void {
    if (!this.isOpen || !this.input.value.trim()) {
      this.open();
      return;
    }
    this.step(direction);
  }
}
