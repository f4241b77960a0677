/**
 * The webview end of the trace view's channel, and the persisted view state.
 * `acquireVsCodeApi()` may be called once per page, so this module owns it.
 */
import { Channel, type Envelope } from '../../src/protocol/channel';
import type { TraceViewCommand, TraceViewEvent, TraceViewHostRequests, TraceViewRequests } from '../../src/protocol/traceView';
import type { SpanId, TraceId } from '../../src/model/trace';
import { FIND_MAX_QUERY_LENGTH } from './findNavigation';

/** What survives the panel being hidden and restored (`vscode.setState`). JSON-safe. */
export interface PersistedState {
  traceId: TraceId | null;
  selectedSpanId: SpanId | null;
  collapsed: SpanId[];
  /** The last `selectSpanId` the host asked for: a repeated one must not override the user's choice. */
  hostSelectSpanId: SpanId | null;
  scrollTop: number;
  /** Width of the span-name column as a fraction of the waterfall width. */
  nameColumnFraction: number;
  /** Split handle position (e.g. `"60%"`). */
  splitPosition: string;
  /** Details sections the user closed. */
  closedSections: string[];
  /** The tab shown in the left pane. */
  tab: ViewTab;
  /** The find bar's last query (offered again by Ctrl/Cmd+F after the webview was reloaded). */
  findQuery: string;
  /** The Graph tab's scope: this trace or its session. */
  graphScope: 'trace' | 'session';
}

export type ViewTab = 'waterfall' | 'conversation' | 'graph';

export const defaultState: PersistedState = {
  traceId: null,
  selectedSpanId: null,
  collapsed: [],
  hostSelectSpanId: null,
  scrollTop: 0,
  nameColumnFraction: 0.4,
  splitPosition: '58%',
  closedSections: [],
  tab: 'waterfall',
  findQuery: '',
  graphScope: 'trace',
};

export type TraceViewChannel = Channel<TraceViewCommand, TraceViewEvent, TraceViewHostRequests, TraceViewRequests>;

export interface HostConnection {
  channel: TraceViewChannel;
  /** When the last message from the host arrived (its event's `timeStamp`, `performance.now()` time). */
  messageTime(): number;
  loadState(): PersistedState;
  saveState(state: PersistedState): void;
}

/** Wires `postMessage`/`message` to a typed channel. Call once. */
export function connectToHost(onEvent: (event: TraceViewEvent) => void): HostConnection {
  const api = acquireVsCodeApi<Partial<PersistedState>>();
  const channel: TraceViewChannel = new Channel(
    (envelope: Envelope) => api.postMessage(envelope),
    {},
    onEvent,
  );
  let messageTime = 0;
  window.addEventListener('message', (e: MessageEvent) => {
    messageTime = e.timeStamp;
    channel.receive(e.data);
  });
  return {
    channel,
    messageTime: () => messageTime,
    loadState: () => ({ ...defaultState, ...sanitize(api.getState()) }),
    saveState: (state) => api.setState(state),
  };
}

function sanitize(raw: Partial<PersistedState> | undefined): Partial<PersistedState> {
  if (!raw || typeof raw !== 'object') return {};
  const out: Partial<PersistedState> = {};
  if (typeof raw.traceId === 'string') out.traceId = raw.traceId;
  if (typeof raw.selectedSpanId === 'string') out.selectedSpanId = raw.selectedSpanId;
  if (Array.isArray(raw.collapsed)) out.collapsed = raw.collapsed.filter((x) => typeof x === 'string');
  if (typeof raw.hostSelectSpanId === 'string') out.hostSelectSpanId = raw.hostSelectSpanId;
  if (typeof raw.scrollTop === 'number' && raw.scrollTop >= 0) out.scrollTop = raw.scrollTop;
  if (typeof raw.nameColumnFraction === 'number' && raw.nameColumnFraction > 0.1 && raw.nameColumnFraction < 0.9) {
    out.nameColumnFraction = raw.nameColumnFraction;
  }
  if (typeof raw.splitPosition === 'string' && /^\d+(\.\d+)?(%|px)$/.test(raw.splitPosition)) out.splitPosition = raw.splitPosition;
  if (Array.isArray(raw.closedSections)) out.closedSections = raw.closedSections.filter((x) => typeof x === 'string');
  if (raw.tab === 'waterfall' || raw.tab === 'conversation' || raw.tab === 'graph') out.tab = raw.tab;
  if (raw.graphScope === 'trace' || raw.graphScope === 'session') out.graphScope = raw.graphScope;
  if (typeof raw.findQuery === 'string' && raw.findQuery.length <= FIND_MAX_QUERY_LENGTH) out.findQuery = raw.findQuery;
  return out;
}
