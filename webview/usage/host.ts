/**
 * The Usage view's link to the extension host: a typed channel over `postMessage`
 * (src/protocol/usageView.ts) and the view state that survives the webview being torn down.
 */
import { Channel, type Envelope } from '../../src/protocol/channel';
import type { UsageViewCommand, UsageViewEvent } from '../../src/protocol/usageView';

/** Which tab of the view is shown. */
export type UsageTab = 'charts' | 'table';

/** What survives the view being hidden (`vscode.setState`). JSON-safe. */
export interface UsagePersistedState {
  tab: UsageTab;
}

const defaultState: UsagePersistedState = { tab: 'charts' };

export type UsageViewChannel = Channel<UsageViewCommand, UsageViewEvent, Record<string, never>, Record<string, never>>;

/** The connection returned by `connectToHost`. */
export interface UsageHostConnection {
  channel: UsageViewChannel;
  loadState(): UsagePersistedState;
  saveState(state: UsagePersistedState): void;
}

/** Wires `postMessage`/`message` to a typed channel. Call once per page. */
export function connectToHost(onEvent: (event: UsageViewEvent) => void): UsageHostConnection {
  const api = acquireVsCodeApi<Partial<UsagePersistedState>>();
  const channel: UsageViewChannel = new Channel((envelope: Envelope) => api.postMessage(envelope), {}, onEvent);
  window.addEventListener('message', (e: MessageEvent) => channel.receive(e.data));
  return {
    channel,
    loadState: () => {
      const raw = api.getState();
      return { tab: raw?.tab === 'table' ? 'table' : defaultState.tab };
    },
    saveState: (state) => api.setState(state),
  };
}
