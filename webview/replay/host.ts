/**
 * The replay playground's link to the extension host: a typed channel over `postMessage`
 * (src/protocol/replayView.ts) and the state that survives the webview being hidden and restored
 * (`setState`): the edited request, the top bar's choice and the variant columns with their answers.
 */
import type { ReplayRequest } from '../../src/model/replay';
import { Channel, type Envelope } from '../../src/protocol/channel';
import type { ReplayViewCommand, ReplayViewEvent } from '../../src/protocol/replayView';
import type { Draft } from './draft';
import type { Variant } from './variants';

/** What survives the view being hidden. JSON-safe. */
export interface ReplayPersistedState {
  /** `traceId/spanId` of the replayed span: the state applies only to the same span. */
  source: string;
  draft: Draft;
  provider?: string;
  model: string;
  variants: Variant[];
  nextVariant: number;
}

export type ReplayViewChannel = Channel<ReplayViewCommand, ReplayViewEvent, Record<string, never>, Record<string, never>>;

/** The connection returned by `connectToHost`. */
export interface ReplayHostConnection {
  channel: ReplayViewChannel;
  /** The saved state when it belongs to `request`'s span. */
  loadState(request: ReplayRequest): ReplayPersistedState | undefined;
  saveState(state: ReplayPersistedState): void;
}

/** The state key of a request's span. */
export const sourceKey = (request: ReplayRequest): string => `${request.source.traceId}/${request.source.spanId}`;

/** Wires `postMessage`/`message` to a typed channel. Call once per page. */
export function connectToHost(onEvent: (event: ReplayViewEvent) => void): ReplayHostConnection {
  const api = acquireVsCodeApi<ReplayPersistedState>();
  const channel: ReplayViewChannel = new Channel((envelope: Envelope) => api.postMessage(envelope), {}, onEvent);
  window.addEventListener('message', (e: MessageEvent) => channel.receive(e.data));
  return {
    channel,
    loadState: (request) => {
      const raw = api.getState();
      return raw && typeof raw === 'object' && raw.source === sourceKey(request) && Array.isArray(raw.variants) && raw.draft ? raw : undefined;
    },
    saveState: (state) => api.setState(state),
  };
}
