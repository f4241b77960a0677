// @ts-check
// A stand-in for the extension host of the Usage view (src/extension/usage/usageView.ts) inside the
// harness page: on top of the shared fake VS Code API (fakeVsCode.mjs: `acquireVsCodeApi()`,
// envelopes, the record of what the view posted) it answers `ready` and `setScope` with `usage`
// events built from usageFixtures.mjs, falling back to `all` with `requestedKind` when the picked
// scope has nothing selected, like the real provider (`window.__usageHost`).
//
// URL parameters: fixture (rich | xss | nocalls | empty | truncated), kind (the picked scope:
// all | session | trace), sel (what is selected: both | session | none), error (a message: the
// report failed).
import { fakeVsCodeHost } from './fakeVsCode.mjs';
import { makeUsageFixture } from './usageFixtures.mjs';

/** @typedef {typeof host} UsageFakeHost `window.__usageHost` */
/** @typedef {import('../../src/protocol/usageView').UsageScopeKind} UsageScopeKind */

const params = new URLSearchParams(location.search);
const fixture = makeUsageFixture(params.get('fixture') ?? 'rich');
const sel = params.get('sel') ?? 'both';

const host = Object.assign(fakeVsCodeHost({ stateKey: 'vscode-usage-state', onEnvelope: (env) => void host.onEnvelope(env) }), {
  fixture,
  /** The scope the user picked. */
  picked: /** @type {UsageScopeKind} */ (params.get('kind') ?? 'all'),
  /** @type {{ session?: { id: string, label: string }, trace?: { id: string, label: string } }} What is selected in the Traces view. */
  selection: {
    ...(sel === 'both' ? { trace: fixture.selection.trace } : {}),
    ...(sel === 'both' || sel === 'session' ? { session: fixture.selection.session } : {}),
  },
  error: params.get('error') ?? undefined,
  /**
   * The event the real provider would send now.
   * @returns {import('../../src/protocol/usageView').UsageViewEvent}
   */
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
  /** @param {import('./fakeVsCode.mjs').Envelope} env */
  onEnvelope(env) {
    if (env.kind !== 'message') return;
    const body = /** @type {import('../../src/protocol/usageView').UsageViewCommand} */ (env.body);
    if (body.type === 'ready') host.refresh();
    else if (body.type === 'setScope') {
      host.picked = body.kind;
      host.refresh();
    }
  },
});
window.__usageHost = host;
