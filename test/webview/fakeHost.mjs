// @ts-check
// A stand-in for the trace panel's extension host inside the harness page: on top of the shared fake
// VS Code API (fakeVsCode.mjs: `acquireVsCodeApi()`, envelopes, the record of what the view posted)
// it loads a fixture trace on `ready` and answers `spanDetail` and `traceConversation` from
// generated data, `findInTrace` by scanning the loaded spans (fakeFind.mjs), and `traceGraph` /
// `sessionGraph` with the real graph builder over the fixture (graphFixtures.mjs) (`window.__host`).
//
// URL parameters: fixture (agent | nocontent | plain | robust | conventions | handoff | big<N> | none), select (a span id to
// select on load), delay (ms before answering a request), session (a session id for the loaded
// trace's summary: the Graph tab then offers its session), bridge (1: every request is answered by
// `window.__benchRequest(method, params)`, a binding bench/webviewBench.mjs exposes to answer with
// the real back end; `__host.bridgeLog` records when each was received and answered).
import { fakeVsCodeHost } from './fakeVsCode.mjs';
import { packSkeleton } from '../../src/model/skeletonCodec.ts';
import { makeAgentTrace, makeBigTrace, makeNoContentTrace, makePlainTrace, makeRobustTrace } from './fixtures.mjs';
import { fakeFind } from './fakeFind.mjs';
import { makeConventionsTrace } from './conventionFixtures.mjs';
import { fixtureGraph, makeHandoffTrace } from './graphFixtures.mjs';

/** @typedef {import('./fixtures.mjs').TraceFixture} TraceFixture */
/** @typedef {import('./fakeVsCode.mjs').Envelope} Envelope */
/** @typedef {typeof host} TraceFakeHost `window.__host` */

const params = new URLSearchParams(location.search);
/** @type {Record<string, TraceFixture>} */
const fixtures = {};
/**
 * A fixture trace by name (agent | nocontent | plain | robust | conventions | handoff | big<N>), made once.
 * @param {string} name
 * @returns {TraceFixture}
 */
const fixture = (name) => {
  if (!fixtures[name]) {
    if (name === 'agent') fixtures[name] = makeAgentTrace();
    else if (name === 'nocontent') fixtures[name] = makeNoContentTrace();
    else if (name === 'plain') fixtures[name] = makePlainTrace();
    else if (name === 'robust') fixtures[name] = makeRobustTrace();
    else if (name === 'conventions') fixtures[name] = makeConventionsTrace();
    else if (name === 'handoff') fixtures[name] = makeHandoffTrace();
    else if (name.startsWith('big')) fixtures[name] = makeBigTrace(Number(name.slice(3)) || 10000);
  }
  return fixtures[name];
};

const host = Object.assign(fakeVsCodeHost({ stateKey: 'vscode-state', onEnvelope: (env) => void host.onEnvelope(env) }), {
  /** Delay before answering spanDetail, ms. */
  detailDelayMs: Number(params.get('delay') ?? 30),
  /** @type {string | null | undefined} When set, the next spanDetail requests fail with this message (or answer null when `null`). */
  failWith: undefined,
  /** @type {string | null | undefined} The same for traceConversation requests. */
  conversationFailWith: undefined,
  /** @type {TraceFixture | null} The fixture loaded last. */
  current: null,
  /** @type {import('../../src/model/trace').SkeletonSpan[] | null} The spans sent last (a partial trace has fewer than its fixture). */
  loadedSpans: null,
  /** @type {string | undefined} When set, findInTrace requests fail with this message. */
  findFailWith: undefined,
  /** Spans the fake search index has not caught up with (findInTrace's `index.pendingSpans`). */
  findPendingSpans: 0,
  /** Delay before answering findInTrace, ms (the real back end takes some). */
  findDelayMs: 20,
  /** @type {string | undefined} When set, traceGraph / sessionGraph requests fail with this message. */
  graphFailWith: undefined,
  /**
   * Bridge mode: each request (method, span id), when the host received it and posted the answer
   * (`performance.now()`), and the time the real host spent on it (ms).
   * @type {{ method: string, spanId?: string, receivedAt: number, answeredAt: number, hostMs: number, ok: boolean }[]}
   */
  bridgeLog: [],
  fixture,
  /** The skeleton as the extension sends it (src/model/skeletonCodec.ts, packed in the worker). */
  pack: packSkeleton,
  /**
   * Loads a fixture trace into the view, packed like the extension does.
   * @param {string} name
   * @param {string | null} [selectSpanId]
   * @param {number} [partialCount] only the first spans (a live trace still arriving)
   */
  load(name, selectSpanId = null, partialCount = 0) {
    const f = fixture(name);
    host.current = f;
    const { skeleton, summary } = partialCount ? f.partial(partialCount) : f;
    host.loadedSpans = skeleton.spans;
    const session = params.get('session');
    host.send({ type: 'traceLoaded', trace: packSkeleton(skeleton), summary: session ? { ...summary, sessionId: session } : summary, selectSpanId });
  },
  /** @param {Envelope} env */
  onEnvelope(env) {
    if (env.kind === 'message' && env.body.type === 'ready') {
      const name = params.get('fixture') ?? 'agent';
      if (name !== 'none') host.load(name, params.get('select'));
    } else if (env.kind === 'request' && params.get('bridge') === '1') {
      void host.bridge(env);
    } else if (env.kind === 'request') {
      setTimeout(() => host.answer(env), env.method === 'findInTrace' ? host.findDelayMs : host.detailDelayMs);
    }
  },
  /**
   * Answers a request through the bench's binding (bridge mode).
   * @param {import('./fakeVsCode.mjs').RequestEnvelope & { params: any }} env
   */
  async bridge(env) {
    const receivedAt = performance.now();
    /** @type {{ ok: true, result: unknown } | { ok: false, error: string }} */
    let reply;
    let hostMs = 0;
    try {
      const answer = await /** @type {NonNullable<Window['__benchRequest']>} */ (window.__benchRequest)(env.method, env.params);
      hostMs = answer.hostMs;
      reply = { ok: true, result: answer.result };
    } catch (error) {
      reply = { ok: false, error: String(error) };
    }
    host.bridgeLog.push({ method: env.method, spanId: env.params?.spanId, receivedAt, answeredAt: performance.now(), hostMs, ok: reply.ok });
    window.postMessage({ kind: 'response', id: env.id, ...reply }, '*');
  },
  /** @param {import('./fakeVsCode.mjs').RequestEnvelope & { params: any }} env */
  answer(env) {
    /** @param {{ ok: true, result: unknown } | { ok: false, error: string }} r */
    const reply = (r) => window.postMessage({ kind: 'response', id: env.id, ...r }, '*');
    if (env.method === 'traceConversation') {
      if (host.conversationFailWith === null) return reply({ ok: true, result: null });
      if (typeof host.conversationFailWith === 'string') return reply({ ok: false, error: host.conversationFailWith });
      const c = host.current?.conversation;
      return reply({ ok: true, result: c && c.traceId === env.params.traceId ? c : { traceId: env.params.traceId, items: [], contentMissingCount: 0 } });
    }
    if (env.method === 'findInTrace') {
      const f = host.current;
      if (typeof host.findFailWith === 'string') return reply({ ok: false, error: host.findFailWith });
      if (!f) return reply({ ok: true, result: { ok: false, error: 'no trace', offset: 0 } });
      const spans = host.loadedSpans ?? f.skeleton.spans;
      const r = fakeFind(String(env.params.query), spans, (id) => f.detail(id), f.conversation);
      const result = r.ok
        ? { ok: true, index: { pendingSpans: host.findPendingSpans, indexedSpans: spans.length, indexBytes: 0 }, traceId: f.skeleton.traceId, spanIds: r.spanIds, truncated: false }
        : r;
      return reply({ ok: true, result });
    }
    if (env.method === 'traceGraph' || env.method === 'sessionGraph') {
      if (typeof host.graphFailWith === 'string') return reply({ ok: false, error: host.graphFailWith });
      const f = host.current;
      const session = params.get('session');
      if (!f || (env.method === 'sessionGraph' && !session)) return reply({ ok: true, result: null });
      return reply({ ok: true, result: fixtureGraph(f, env.method === 'sessionGraph' ? 'session' : 'trace', session ?? undefined) });
    }
    if (env.method !== 'spanDetail') return reply({ ok: false, error: `unknown request method: ${env.method}` });
    if (host.failWith === null) return reply({ ok: true, result: null });
    if (typeof host.failWith === 'string') return reply({ ok: false, error: host.failWith });
    const detail = host.current?.detail(env.params.spanId) ?? null;
    reply({ ok: true, result: detail });
  },
});
window.__host = host;
