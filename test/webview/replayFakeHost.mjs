// @ts-check
// A stand-in for the extension host of the replay playground (the lead's src/extension/replay)
// inside the harness page: on top of the shared fake VS Code API (fakeVsCode.mjs) it answers every
// `ready` with the `init` event the harness hands it (`window.__replayHost.start(init)`, built in
// Node by replayFixtures.mjs; kept in sessionStorage so a reload gets it again). Everything else
// (streamed events, errors, `copied`) is sent by the checks through `__replayHost.send(…)`; every
// command the view posts is recorded (`messages(type)`).
import { fakeVsCodeHost } from './fakeVsCode.mjs';

/** @typedef {typeof host} ReplayFakeHost `window.__replayHost` */
/** @typedef {import('../../src/protocol/replayView').ReplayViewEvent} ReplayViewEvent */

const INIT_KEY = 'replay-harness-init';

const host = Object.assign(fakeVsCodeHost({ stateKey: 'vscode-replay-state', onEnvelope: (env) => void host.onEnvelope(env) }), {
  /** @type {ReplayViewEvent | null} What `ready` is answered with. */
  init: /** @type {ReplayViewEvent | null} */ (null),
  readyWaiting: false,
  /**
   * Sets the answer to `ready` (and answers a `ready` already received).
   * @param {ReplayViewEvent} event
   */
  start(event) {
    host.init = event;
    sessionStorage.setItem(INIT_KEY, JSON.stringify(event));
    if (host.readyWaiting) {
      host.readyWaiting = false;
      host.send(event);
    }
  },
  /** @param {import('./fakeVsCode.mjs').Envelope} env */
  onEnvelope(env) {
    if (env.kind !== 'message' || env.body.type !== 'ready') return;
    if (host.init) host.send(host.init);
    else host.readyWaiting = true;
  },
});
const saved = sessionStorage.getItem(INIT_KEY);
if (saved) host.init = JSON.parse(saved);
window.__replayHost = host;
