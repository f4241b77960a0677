// @ts-check
// The part of a fake extension host that every view's harness page shares (fakeHost.mjs for the
// trace panel, usageFakeHost.mjs for the Usage view): `acquireVsCodeApi()` the way VS Code defines
// it in a webview (callable once; postMessage/getState/setState, the state surviving a reload via
// sessionStorage), the channel envelopes of src/protocol/channel.ts both ways, and a record of
// everything the view posted. Runs in the page.

/** @typedef {import('../../src/protocol/channel').Envelope} Envelope */
/** @typedef {Extract<Envelope, { kind: 'request' }>} RequestEnvelope */
/** @typedef {{ type: string } & Record<string, any>} MessageBody a message body as the checks read it */
/**
 * `acquireVsCodeApi()`'s result.
 * @typedef {{ postMessage(message: unknown): void, getState(): unknown, setState<T>(state: T): T }} VsCodeApi
 */

/**
 * Defines `window.acquireVsCodeApi` and returns the host's shared half: `received` (every envelope
 * the view posted, in order), `send(body)` (a host → view message), `messages(type)` and
 * `requests(method)` (what the view posted, by kind). Each envelope the view posts is recorded,
 * then handed to `onEnvelope(envelope)`, asynchronously and structured-cloned as VS Code does
 * across the iframe boundary.
 * @param {{ stateKey: string, onEnvelope: (envelope: Envelope) => void }} options `stateKey`: the
 *   sessionStorage key that keeps the view's `setState` across reloads.
 */
export function fakeVsCodeHost({ stateKey, onEnvelope }) {
  const host = {
    /** @type {Envelope[]} Every envelope the webview posted, in order. */
    received: [],
    /**
     * Sends a host → webview event (an envelope, delivered as a window message like VS Code does).
     * @param {MessageBody} body
     */
    send(body) {
      window.postMessage({ kind: 'message', body }, '*');
    },
    /**
     * The bodies of the messages the view posted, of one type or all.
     * @param {string} [type]
     * @returns {MessageBody[]}
     */
    messages(type) {
      return host.received.flatMap((e) => (e.kind === 'message' && (!type || e.body.type === type) ? [e.body] : []));
    },
    /**
     * The request envelopes the view posted, for one method or all.
     * @param {string} [method]
     * @returns {(RequestEnvelope & { params: any })[]}
     */
    requests(method) {
      return host.received.flatMap((e) => (e.kind === 'request' && (!method || e.method === method) ? [e] : []));
    },
  };
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      /** @param {unknown} message */
      postMessage(message) {
        // VS Code structured-clones messages across the iframe boundary.
        const copy = /** @type {Envelope} */ (structuredClone(message));
        setTimeout(() => {
          host.received.push(copy);
          onEnvelope(copy);
        }, 0);
      },
      getState() {
        const raw = sessionStorage.getItem(stateKey);
        return raw ? JSON.parse(raw) : undefined;
      },
      /**
       * @template T
       * @param {T} state
       */
      setState(state) {
        sessionStorage.setItem(stateKey, JSON.stringify(state));
        return state;
      },
    });
  };
  return host;
}
