/**
 * The forwarder against stand-in backends (real HTTP on 127.0.0.1): fan-out isolation, retry
 * policy, bounded queues, presets on the wire, and secrets kept out of every log line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Forwarder } from '../../../src/core/forwarding/forwarder';
import type { ForwarderOptions } from '../../../src/core/forwarding/forwarderOptions';
import { encodeRequest } from '../../../src/core/forwarding/otlpCodec';
import { resolveTarget, type SecretSlotId } from '../../../src/core/forwarding/presets';
import { spansToRequest } from '../../../src/core/forwarding/storedTrace';
import type { ForwardingLimits, ForwardingTargetSetting, ForwardingTargetStatus, ResolvedTarget } from '../../../src/core/forwarding/types';
import { decodeTraces } from '../../../src/core/otlp/decode';
import { OTLP_MESSAGES, otlpType } from '../../../src/core/otlp/protoRoot';
import type { SpanRecord } from '../../../src/model/trace';
import { spanRecord, spanId, traceId } from '../../support/builders';
import { fixtureBody } from '../../support/otlp';
import { deadPort, startBackend, type FakeBackend } from '../../support/fakeBackend';

const LIMITS: ForwardingLimits = { batchMaxBytes: 512 * 1024, batchIntervalMs: 10, queueMaxBytes: 8 * 1024 * 1024, requestTimeoutMs: 10_000 };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function backend(respond?: Parameters<typeof startBackend>[0]): Promise<FakeBackend> {
  const b = await startBackend(respond);
  cleanups.push(() => b.close());
  return b;
}

function forwarder(options: Partial<ForwarderOptions> = {}): { fwd: Forwarder; logs: string[] } {
  const logs: string[] = [];
  const fwd = new Forwarder({ log: (level, m) => logs.push(`${level}: ${m}`), retryBaseMs: 20, retryMaxMs: 200, ...options });
  cleanups.push(() => fwd.dispose());
  return { fwd, logs };
}

function target(setting: Partial<ForwardingTargetSetting> & { endpoint: string }, secrets: Partial<Record<SecretSlotId, string>> = {}): ResolvedTarget {
  const r = resolveTarget({ name: 'T', preset: 'otlp', signals: ['traces'], ...setting }, (slot) => secrets[slot]);
  if (!r.ok) throw new Error(r.reason);
  return r.target;
}

let configId = 0;
function configure(fwd: Forwarder, targets: ResolvedTarget[], limits: Partial<ForwardingLimits> = {}, enabled = true): void {
  fwd.configure({ configId: ++configId, enabled, targets, limits: { ...LIMITS, ...limits } });
}

/** A protobuf ExportTraceServiceRequest with `n` spans of one fresh trace; returns the body and the trace id. */
let seed = 0x5000;
function traceBody(n: number, extra: Partial<SpanRecord> = {}): { body: Uint8Array; traceId: string; spans: SpanRecord[] } {
  const t = traceId(++seed);
  const spans = Array.from({ length: n }, (_, i) => spanRecord({ traceId: t, spanId: spanId(seed * 100 + i), name: `span-${i}`, ...extra }));
  return { body: encodeRequest('traces', 'protobuf', spansToRequest(spans)), traceId: t, spans };
}

function receivedSpans(b: FakeBackend, format: 'protobuf' | 'json' = 'protobuf'): SpanRecord[] {
  return b.requests.flatMap((r) => {
    const d = decodeTraces(new Uint8Array(r.body), format);
    if (!d.ok) throw new Error(d.message);
    return d.items;
  });
}

function statusOf(fwd: Forwarder, name: string): ForwardingTargetStatus {
  const s = fwd.status().targets.find((t) => t.name === name);
  if (!s) throw new Error(`no target ${name}`);
  return s;
}

async function until<T>(check: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('fan-out', () => {
  it('a dead target and a slow one (2 s) neither slow down offering nor delay the healthy target', async () => {
    const healthy = await backend();
    const slow = await backend(() => ({ delayMs: 2000 }));
    const dead = await deadPort();
    const { fwd } = forwarder();
    configure(fwd, [
      { ...target({ endpoint: `http://127.0.0.1:${dead}` }), name: 'dead' },
      { ...target({ endpoint: slow.url }), name: 'slow' },
      { ...target({ endpoint: healthy.url }), name: 'healthy' },
    ]);
    const { body } = traceBody(20);
    const started = performance.now();
    for (let i = 0; i < 50; i++) fwd.offer('traces', 'protobuf', body, 20);
    const offerMs = performance.now() - started;
    expect(offerMs).toBeLessThan(100); // 50 requests × 3 targets queued without waiting on any network

    const t0 = Date.now();
    await healthy.waitForRequests(1, 1500);
    expect(Date.now() - t0).toBeLessThan(1000);
    await until(() => statusOf(fwd, 'healthy').sentItems === 1000);
    expect(statusOf(fwd, 'healthy')).toMatchObject({ queuedItems: 0, droppedItems: 0, consecutiveFailures: 0 });
    expect(statusOf(fwd, 'healthy').sentItems).toBe(1000);

    const d = statusOf(fwd, 'dead');
    expect(['retrying', 'sending']).toContain(d.state); // between attempts, or in the next one
    expect(d.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(d.lastError).toContain('connection refused');
    expect(d.queuedItems).toBe(1000);
    expect(d.sentItems).toBe(0);

    // The slow one is still busy with its first batch while the healthy one is done.
    expect(statusOf(fwd, 'slow').sentItems).toBe(0);
    await until(() => statusOf(fwd, 'slow').sentItems === 1000, 8000);
  });

  it('only targets that take the signal get it; the master switch and per-target toggle stop live fan-out', async () => {
    const traces = await backend();
    const all = await backend();
    const { fwd } = forwarder();
    configure(fwd, [{ ...target({ endpoint: traces.url }), name: 'traces-only' }, { ...target({ endpoint: all.url, signals: ['traces', 'logs', 'metrics'] }), name: 'all' }]);
    expect(fwd.wants('logs')).toBe(true);
    fwd.offer('logs', 'json', fixtureBody('logs-basic-json.json'), 3);
    await all.waitForRequests(1);
    expect(all.requests[0].path).toBe('/v1/logs');
    expect(traces.requests).toHaveLength(0);

    configure(fwd, [{ ...target({ endpoint: traces.url }), name: 'traces-only', enabled: false }], {}, true);
    expect(fwd.wants('traces')).toBe(false);
    configure(fwd, [{ ...target({ endpoint: traces.url }), name: 'traces-only' }], {}, false);
    fwd.offer('traces', 'protobuf', traceBody(1).body, 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(traces.requests).toHaveLength(0);
    expect(fwd.status()).toMatchObject({ enabled: false, targets: [{ name: 'traces-only', active: false, state: 'off' }] });
  });

  it('turning forwarding off discards the queue and cancels the request on the wire: nothing more arrives', async () => {
    const slow = await backend(() => ({ delayMs: 300 }));
    const { fwd } = forwarder();
    configure(fwd, [target({ endpoint: slow.url })], { batchMaxBytes: 1 });
    for (let i = 0; i < 5; i++) fwd.offer('traces', 'protobuf', traceBody(2).body, 2);
    await slow.waitForRequests(1);
    configure(fwd, [target({ endpoint: slow.url })], {}, false);
    expect(statusOf(fwd, 'T')).toMatchObject({ queuedItems: 0, active: false });
    await new Promise((r) => setTimeout(r, 500));
    expect(slow.requests).toHaveLength(1);
    expect(statusOf(fwd, 'T').sentItems).toBe(0);
  });
});

describe('retry policy', () => {
  it('honours Retry-After on 429 instead of the (much shorter) backoff', async () => {
    const b = await backend((_, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : {}));
    const { fwd, logs } = forwarder({ retryBaseMs: 10 });
    configure(fwd, [target({ endpoint: b.url })]);
    fwd.offer('traces', 'protobuf', traceBody(3).body, 3);
    await b.waitForRequests(1);
    await until(() => statusOf(fwd, 'T').state === 'retrying');
    const retrying = statusOf(fwd, 'T');
    expect(retrying.nextRetryAtMs! - Date.now()).toBeGreaterThan(800);
    await b.waitForRequests(2, 3000);
    const gap = b.requests[1].atMs - b.requests[0].atMs;
    expect(gap).toBeGreaterThanOrEqual(950);
    await until(() => statusOf(fwd, 'T').sentItems === 3);
    expect(b.requests).toHaveLength(2);
    expect(logs.join('\n')).toContain('Retry-After');
  });

  it('honours Retry-After on 503 given as an HTTP date', async () => {
    const b = await backend((_, i) => (i === 0 ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } } : {}));
    const { fwd } = forwarder({ retryBaseMs: 10 });
    configure(fwd, [target({ endpoint: b.url })]);
    fwd.offer('traces', 'protobuf', traceBody(1).body, 1);
    await b.waitForRequests(2, 4000);
    expect(b.requests[1].atMs - b.requests[0].atMs).toBeGreaterThanOrEqual(900);
  });

  it('does not retry a 400: the batch is counted as rejected and the next data still goes out', async () => {
    const b = await backend((_, i) => (i === 0 ? { status: 400, body: '{"code":3,"message":"bad span"}' } : {}));
    const { fwd } = forwarder({ retryBaseMs: 10 });
    configure(fwd, [target({ endpoint: b.url })]);
    fwd.offer('traces', 'protobuf', traceBody(4).body, 4);
    await b.waitForRequests(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.requests).toHaveLength(1);
    expect(statusOf(fwd, 'T')).toMatchObject({ rejectedItems: 4, queuedItems: 0, sentItems: 0 });
    expect(statusOf(fwd, 'T').lastError).toContain('HTTP 400');
    expect(statusOf(fwd, 'T').lastError).toContain('bad span');
    fwd.offer('traces', 'protobuf', traceBody(2).body, 2);
    await until(() => statusOf(fwd, 'T').sentItems === 2);
  });

  it('500s, then recovery: everything queued within bounds arrives exactly once, in order', async () => {
    let down = true;
    const b = await backend(() => (down ? { status: 500 } : {}));
    const { fwd } = forwarder({ retryBaseMs: 20, retryMaxMs: 50 });
    configure(fwd, [target({ endpoint: b.url })], { batchMaxBytes: 600 });
    const sent = Array.from({ length: 6 }, () => traceBody(3));
    for (const t of sent) fwd.offer('traces', 'protobuf', t.body, 3);
    await until(() => statusOf(fwd, 'T').consecutiveFailures >= 3);
    const failed = b.requests.length;
    down = false;
    await until(() => statusOf(fwd, 'T').sentItems === 18);
    const okBodies = b.requests.slice(failed);
    const got = okBodies.flatMap((r) => {
      const d = decodeTraces(new Uint8Array(r.body), 'protobuf');
      return d.ok ? d.items : [];
    });
    expect(got.map((s) => s.spanId)).toEqual(sent.flatMap((t) => t.spans.map((s) => s.spanId)));
    expect(statusOf(fwd, 'T')).toMatchObject({ droppedItems: 0, rejectedItems: 0, queuedItems: 0, consecutiveFailures: 0 });
  });

  it('a request with no answer times out and is retried', async () => {
    const b = await backend((_, i) => (i === 0 ? { delayMs: 1500 } : {}));
    const { fwd } = forwarder({ retryBaseMs: 10 });
    configure(fwd, [target({ endpoint: b.url })], { requestTimeoutMs: 200 });
    fwd.offer('traces', 'protobuf', traceBody(1).body, 1);
    await until(() => statusOf(fwd, 'T').sentItems === 1, 3000);
    expect(statusOf(fwd, 'T').lastError).toContain('no answer within 0.2 s');
  });
});

describe('bounded queue', () => {
  it('on overflow drops the oldest requests, counts their items, and delivers the newest', async () => {
    let down = true;
    const b = await backend(() => (down ? { status: 503 } : {}));
    const { fwd, logs } = forwarder({ retryBaseMs: 300, retryMaxMs: 300, random: () => 1 });
    const bodies = Array.from({ length: 5 }, () => traceBody(5));
    const size = bodies[0].body.byteLength;
    configure(fwd, [target({ endpoint: b.url })], { queueMaxBytes: Math.floor(size * 2.5) });
    fwd.offer('traces', 'protobuf', bodies[0].body, 5);
    await until(() => statusOf(fwd, 'T').state === 'retrying');
    for (const t of bodies.slice(1)) fwd.offer('traces', 'protobuf', t.body, 5);
    expect(statusOf(fwd, 'T')).toMatchObject({ droppedItems: 15, queuedItems: 10 });
    expect(statusOf(fwd, 'T').queuedBytes).toBeLessThanOrEqual(size * 2.5);
    down = false;
    await until(() => statusOf(fwd, 'T').sentItems === 10, 3000);
    const got = new Set(receivedSpans({ ...b, requests: b.requests.filter((_, i) => i > 0) }).map((s) => s.traceId));
    expect(got).toEqual(new Set([bodies[3].traceId, bodies[4].traceId]));
    expect(logs.filter((l) => l.includes('dropping the oldest'))).toHaveLength(1);
  });

  it('reconfiguring keeps the queue and counters, drops only signals the target no longer takes, and retries a fixed target at once', async () => {
    let fixed = false;
    const b = await backend(() => (fixed ? {} : { status: 401 }));
    const dead = await deadPort();
    const { fwd } = forwarder({ retryBaseMs: 60_000, retryMaxMs: 60_000 });
    configure(fwd, [target({ endpoint: `http://127.0.0.1:${dead}`, signals: ['traces', 'logs'] })]);
    fwd.offer('traces', 'protobuf', traceBody(2).body, 2);
    fwd.offer('logs', 'json', fixtureBody('logs-basic-json.json'), 3);
    await until(() => statusOf(fwd, 'T').state === 'retrying');
    expect(statusOf(fwd, 'T').queuedItems).toBe(5);
    // The user fixes the endpoint and narrows the signals: no waiting for the 60-s backoff.
    fixed = true;
    configure(fwd, [target({ endpoint: b.url, signals: ['traces'] })]);
    expect(statusOf(fwd, 'T').queuedItems).toBe(2);
    await until(() => statusOf(fwd, 'T').sentItems === 2, 3000);
    expect(b.requests.map((r) => r.path)).toEqual(['/v1/traces']);
  });

  it('a single request larger than the whole queue is dropped and counted', () => {
    const { fwd } = forwarder();
    configure(fwd, [target({ endpoint: 'http://127.0.0.1:9' })], { queueMaxBytes: 10 });
    fwd.offer('traces', 'protobuf', traceBody(2).body, 2);
    expect(statusOf(fwd, 'T')).toMatchObject({ droppedItems: 2, queuedItems: 0 });
  });
});

describe('presets on the wire', () => {
  it('Langfuse: path, Basic auth from the secret keys, ingestion version 4, session and user ids on every span', async () => {
    const lf = await backend();
    const { fwd } = forwarder();
    configure(fwd, [target({ name: 'Langfuse', preset: 'langfuse', endpoint: lf.url }, { publicKey: 'pk-lf-public', secretKey: 'sk-lf-very-secret' })]);
    const t = traceId(0xabc);
    const spans = [
      spanRecord({ traceId: t, name: 'tool', attributes: { 'gen_ai.operation.name': 'execute_tool' } }),
      spanRecord({ traceId: t, name: 'chat', attributes: {} }),
      spanRecord({ traceId: t, name: 'agent', parentSpanId: null, attributes: { 'gen_ai.conversation.id': 'conv-1', 'user.id': 'alice' } }),
    ];
    // Sent as OTLP/JSON by the app; Langfuse takes both, the preset's default is protobuf.
    const json = encodeRequest('traces', 'json', spansToRequest(spans));
    fwd.offer('traces', 'json', json, 3);
    const [req] = await lf.waitForRequests(1);
    expect(req.path).toBe('/api/public/otel/v1/traces');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('pk-lf-public:sk-lf-very-secret').toString('base64')}`);
    expect(req.headers['x-langfuse-ingestion-version']).toBe('4');
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    const got = receivedSpans(lf);
    expect(got).toHaveLength(3);
    for (const s of got) {
      expect(s.attributes['langfuse.session.id'], s.name).toBe('conv-1');
      expect(s.attributes['langfuse.user.id'], s.name).toBe('alice');
    }
    // Everything else as sent.
    expect(got.find((s) => s.name === 'tool')?.attributes['gen_ai.operation.name']).toBe('execute_tool');
  });

  it('Phoenix: protobuf body (from OTLP/JSON in) that the vendored protos decode, project as a resource attribute', async () => {
    const px = await backend();
    const { fwd } = forwarder();
    configure(fwd, [target({ name: 'Phoenix', preset: 'phoenix', endpoint: `${px.url}/v1/traces`, project: 'my-agents' })]);
    const json = fixtureBody('genai-openai-traces-json.json');
    const expected = decodeTraces(json, 'json');
    if (!expected.ok) throw new Error(expected.message);
    fwd.offer('traces', 'json', json, expected.items.length);
    const [req] = await px.waitForRequests(1);
    expect(req.path).toBe('/v1/traces');
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    const type = otlpType(OTLP_MESSAGES.traceRequest);
    const decoded = type.toObject(type.decode(req.body), { longs: String, defaults: false }) as {
      resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: unknown[] }[] }[];
    };
    expect(decoded.resourceSpans.length).toBeGreaterThan(0);
    for (const rs of decoded.resourceSpans) {
      expect(rs.resource.attributes.find((a) => a.key === 'openinference.project.name')?.value.stringValue).toBe('my-agents');
    }
    const spanCount = decoded.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).length;
    expect(spanCount).toBe(expected.items.length);
    // Lossless apart from the added resource attribute.
    const got = receivedSpans(px);
    for (const s of got) delete s.resource.attributes['openinference.project.name'];
    expect(JSON.parse(JSON.stringify(got))).toEqual(JSON.parse(JSON.stringify(expected.items)));
  });

  it('gzip compression when the target asks for it', async () => {
    const b = await backend();
    const { fwd } = forwarder();
    configure(fwd, [target({ endpoint: b.url, compression: 'gzip' })]);
    fwd.offer('traces', 'protobuf', traceBody(2).body, 2);
    const [req] = await b.waitForRequests(1);
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(receivedSpans(b)).toHaveLength(2);
  });
});

describe('secrets', () => {
  it('never appear in logs, errors or status, even when a backend echoes them back', async () => {
    const echo = await backend((req) => ({ status: 401, body: `denied for ${req.headers.authorization} / ${req.headers['x-api-key']}` }));
    const flaky = await backend(() => ({ status: 500, body: `upstream failed, key=${'sk-lf-very-secret'}` }));
    const dead = await deadPort();
    const { fwd, logs } = forwarder({ retryBaseMs: 10 });
    const secrets = { publicKey: 'pk-lf-public', secretKey: 'sk-lf-very-secret' };
    configure(fwd, [
      { ...target({ preset: 'langfuse', endpoint: echo.url }, secrets), name: 'echo' },
      { ...target({ preset: 'langfuse', endpoint: flaky.url }, secrets), name: 'flaky' },
      { ...target({ preset: 'langsmith', endpoint: `http://user:pw-in-url@127.0.0.1:${dead}/otel?token=query-token` }, { apiKey: 'lsv2_secret_api_key' }), name: 'dead' },
    ]);
    fwd.offer('traces', 'protobuf', traceBody(1).body, 1);
    await echo.waitForRequests(1);
    await until(() => statusOf(fwd, 'flaky').consecutiveFailures >= 2 && statusOf(fwd, 'dead').consecutiveFailures >= 1);
    await until(() => statusOf(fwd, 'echo').rejectedItems === 1);
    const everything = JSON.stringify({ logs, status: fwd.status() });
    expect(everything).toContain('unauthorized (401); check the key');
    expect(everything).toContain('connection refused');
    for (const secret of ['pk-lf-public', 'sk-lf-very-secret', Buffer.from('pk-lf-public:sk-lf-very-secret').toString('base64'), 'lsv2_secret_api_key', 'pw-in-url', 'query-token']) {
      expect(everything, secret).not.toContain(secret);
    }
    expect(everything).toContain('***');
  });
});
