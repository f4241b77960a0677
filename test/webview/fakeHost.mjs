// A stand-in for the extension host inside the harness page: defines `acquireVsCodeApi()` the way
// VS Code does (callable once; postMessage/getState/setState, state surviving a reload via
// sessionStorage), speaks the channel envelopes of src/protocol/channel.ts, answers `spanDetail`
// and `traceConversation` from generated data, and records everything for the checks (`window.__host`).
import { makeAgentTrace, makeBigTrace, makeNoContentTrace, makePlainTrace, makeRobustTrace } from './fixtures.mjs';

const params = new URLSearchParams(location.search);
const fixtures = {};
const fixture = (name) => {
  if (!fixtures[name]) {
    if (name === 'agent') fixtures[name] = makeAgentTrace();
    else if (name === 'nocontent') fixtures[name] = makeNoContentTrace();
    else if (name === 'plain') fixtures[name] = makePlainTrace();
    else if (name === 'robust') fixtures[name] = makeRobustTrace();
    else if (name.startsWith('big')) fixtures[name] = makeBigTrace(Number(name.slice(3)) || 10000);
  }
  return fixtures[name];
};

const host = {
  /** Every envelope the webview posted, in order. */
  received: [],
  /** Delay before answering spanDetail, ms. */
  detailDelayMs: Number(params.get('delay') ?? 30),
  /** When set, the next spanDetail requests fail with this message (or answer null when `null`). */
  failWith: undefined,
  /** The same for traceConversation requests. */
  conversationFailWith: undefined,
  current: null,
  fixture,
  /** Sends a host → webview event (an envelope, delivered as a window message like VS Code does). */
  send(event) {
    window.postMessage({ kind: 'message', body: event }, '*');
  },
  /** Loads a fixture trace into the view. */
  load(name, selectSpanId = null, partialCount = 0) {
    const f = fixture(name);
    host.current = f;
    const { skeleton, summary } = partialCount ? f.partial(partialCount) : f;
    host.send({ type: 'traceLoaded', trace: skeleton, summary, selectSpanId });
  },
  messages(type) {
    return host.received.filter((e) => e.kind === 'message' && (!type || e.body.type === type)).map((e) => e.body);
  },
  requests(method) {
    return host.received.filter((e) => e.kind === 'request' && (!method || e.method === method));
  },
  onEnvelope(env) {
    host.received.push(env);
    if (env.kind === 'message' && env.body.type === 'ready') {
      const name = params.get('fixture') ?? 'agent';
      if (name !== 'none') host.load(name, params.get('select'));
    } else if (env.kind === 'request') {
      setTimeout(() => host.answer(env), host.detailDelayMs);
    }
  },
  answer(env) {
    const reply = (r) => window.postMessage({ kind: 'response', id: env.id, ...r }, '*');
    if (env.method === 'traceConversation') {
      if (host.conversationFailWith === null) return reply({ ok: true, result: null });
      if (typeof host.conversationFailWith === 'string') return reply({ ok: false, error: host.conversationFailWith });
      const c = host.current?.conversation;
      return reply({ ok: true, result: c && c.traceId === env.params.traceId ? c : { traceId: env.params.traceId, items: [], contentMissingCount: 0 } });
    }
    if (env.method !== 'spanDetail') return reply({ ok: false, error: `unknown request method: ${env.method}` });
    if (host.failWith === null) return reply({ ok: true, result: null });
    if (typeof host.failWith === 'string') return reply({ ok: false, error: host.failWith });
    const detail = host.current?.detail(env.params.spanId) ?? null;
    reply({ ok: true, result: detail });
  },
};
window.__host = host;

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
      const raw = sessionStorage.getItem('vscode-state');
      return raw ? JSON.parse(raw) : undefined;
    },
    setState(state) {
      sessionStorage.setItem('vscode-state', JSON.stringify(state));
      return state;
    },
  });
};
