// @ts-check
// A stand-in for the extension host of the compare panel (src/extension/compare/comparePanel.ts)
// inside the harness page: on top of the shared fake VS Code API (fakeVsCode.mjs) it answers
// `ready` with the `comparison` of compareFixtures.mjs (`window.__compareHost`).
//
// URL parameters: fixture (rich | xss | same | gone: the traces are no longer stored), error (a message).
import { fakeVsCodeHost } from './fakeVsCode.mjs';
import { makeCompareFixture } from './compareFixtures.mjs';

/** @typedef {typeof host} CompareFakeHost `window.__compareHost` */

const params = new URLSearchParams(location.search);
const fixtureName = params.get('fixture') ?? 'rich';
const error = params.get('error') ?? undefined;

const host = Object.assign(fakeVsCodeHost({ stateKey: 'vscode-compare-state', onEnvelope: (env) => void host.onEnvelope(env) }), {
  comparison: fixtureName === 'gone' ? null : makeCompareFixture(fixtureName),
  /** @param {import('./fakeVsCode.mjs').Envelope} env */
  onEnvelope(env) {
    if (env.kind !== 'message') return;
    const body = /** @type {import('../../src/protocol/compareView').CompareViewCommand} */ (env.body);
    if (body.type === 'ready') host.send({ type: 'comparison', comparison: error ? null : host.comparison, ...(error ? { error } : {}) });
  },
});
window.__compareHost = host;
