// A stand-in for the trace panel's extension host inside the harness page: on top of the shared fake
// VS Code API (fakeVsCode.mjs: `acquireVsCodeApi()`, envelopes, the record of what the view posted)
// it loads a fixture trace on `ready` and answers `spanDetail` and `traceConversation` from
// generated data (`window.__host`).
//
// URL parameters: fixture (agent | nocontent | plain | robust | big<N> | none), select (a span id to
// select on load), delay (ms before answering a request).
import { fakeVsCodeHost } from './fakeVsCode.mjs';
import { packSkeleton } from '../../src/model/skeletonCodec.ts';
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

const host = Object.assign(fakeVsCodeHost({ stateKey: 'vscode-state', onEnvelope: (env) => host.onEnvelope(env) }), {
  /** Delay before answering spanDetail, ms. */
  detailDelayMs: Number(params.get('delay') ?? 30),
  /** When set, the next spanDetail requests fail with this message (or answer null when `null`). */
  failWith: undefined,
  /** The same for traceConversation requests. */
  conversationFailWith: undefined,
  current: null,
  fixture,
  /** The skeleton as the extension sends it (src/model/skeletonCodec.ts, packed in the worker). */
  pack: packSkeleton,
  /** Loads a fixture trace into the view, packed like the extension does. */
  load(name, selectSpanId = null, partialCount = 0) {
    const f = fixture(name);
    host.current = f;
    const { skeleton, summary } = partialCount ? f.partial(partialCount) : f;
    host.send({ type: 'traceLoaded', trace: packSkeleton(skeleton), summary, selectSpanId });
  },
  onEnvelope(env) {
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
});
window.__host = host;
