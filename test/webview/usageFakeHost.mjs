// A stand-in for the extension host of the Usage view (src/extension/usageView.ts) inside the
// harness page: defines `acquireVsCodeApi()` as VS Code does, answers `ready` and `setScope` with
// `usage` events built from usageFixtures.mjs (falling back to `all` with `requestedKind` when the
// picked scope has nothing selected, like the real provider), and records every message for the
// checks (`window.__usageHost`).
//
// URL parameters: fixture (rich | xss | nocalls | empty | truncated), kind (the picked scope:
// all | session | trace), sel (what is selected: both | session | none), error (a message: the
// report failed).
import { makeUsageFixture } from './usageFixtures.mjs';

const params = new URLSearchParams(location.search);
const fixture = makeUsageFixture(params.get('fixture') ?? 'rich');
const sel = params.get('sel') ?? 'both';

const host = {
  fixture,
  /** Every envelope the webview posted, in order. */
  received: [],
  picked: params.get('kind') ?? 'all',
  selection: {
    ...(sel === 'both' ? { trace: fixture.selection.trace } : {}),
    ...(sel === 'both' || sel === 'session' ? { session: fixture.selection.session } : {}),
  },
  error: params.get('error') ?? undefined,
  /** Sends a host → webview event (an envelope, delivered as a window message like VS Code does). */
  send(body) {
    window.postMessage(structuredClone({ kind: 'message', body }), '*');
  },
  /** The event the real provider would send now. */
  event() {
    const available = host.picked === 'all' || !!host.selection[host.picked];
    const kind = available ? host.picked : 'all';
    return {
      type: 'usage',
      kind,
      ...host.selection,
      ...(kind !== host.picked ? { requestedKind: host.picked } : {}),
      report: fixture.reports[kind],
      ...(host.error ? { error: host.error } : {}),
    };
  },
  refresh() {
    host.send(host.event());
  },
  messages(type) {
    return host.received.filter((e) => e.kind === 'message' && (!type || e.body.type === type)).map((e) => e.body);
  },
  onEnvelope(env) {
    host.received.push(env);
    if (env.kind !== 'message') return;
    if (env.body.type === 'ready') host.refresh();
    else if (env.body.type === 'setScope') {
      host.picked = env.body.kind;
      host.refresh();
    }
  },
};
window.__usageHost = host;

let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
  acquired = true;
  return Object.freeze({
    postMessage(message) {
      // VS Code structured-clones messages across the iframe boundary.
      const copy = structuredClone(message);
      setTimeout(() => host.onEnvelope(copy), 0);
    },
    getState() {
      const raw = sessionStorage.getItem('vscode-usage-state');
      return raw ? JSON.parse(raw) : undefined;
    },
    setState(state) {
      sessionStorage.setItem('vscode-usage-state', JSON.stringify(state));
      return state;
    },
  });
};
