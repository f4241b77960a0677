/**
 * Forwarding through the real pipeline: OTLP/HTTP receiver → bundled ingest worker (dist/worker.js)
 * → forwarder → stand-in backends. Ingestion answers at its usual speed while one target is dead
 * and one takes 2 s per request; stored traces can be sent after the fact; redaction never changes
 * what is stored locally.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget, type SecretSlotId } from '../../../src/core/forwarding/presets';
import { encodeRequest } from '../../../src/core/forwarding/otlpCodec';
import { spansToRequest } from '../../../src/core/forwarding/storedTrace';
import type { ForwardingTargetSetting, ResolvedTarget } from '../../../src/core/forwarding/types';
import { decodeTraces } from '../../../src/core/otlp/decode';
import { spanRecord, spanId, traceId } from '../../support/builders';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';
import { deadPort, startBackend, type FakeBackend } from '../../support/fakeBackend';

function target(setting: Partial<ForwardingTargetSetting> & { name: string; endpoint: string }, secrets: Partial<Record<SecretSlotId, string>> = {}): ResolvedTarget {
  const r = resolveTarget({ preset: 'otlp', signals: ['traces', 'logs'], ...setting }, (slot) => secrets[slot]);
  if (!r.ok) throw new Error(r.reason);
  return r.target;
}

describe('forwarding in the ingest worker', () => {
  let p: Pipeline;
  let healthy: FakeBackend;
  let slow: FakeBackend;
  let langfuse: FakeBackend;
  let dead: number;

  beforeAll(async () => {
    p = await startPipeline();
    healthy = await startBackend();
    slow = await startBackend(() => ({ delayMs: 2000 }));
    langfuse = await startBackend();
    dead = await deadPort();
  });

  afterAll(async () => {
    await p?.close();
    await Promise.all([healthy, slow, langfuse].map((b) => b?.close()));
  });

  it('a dead and a slow target slow neither ingestion nor the healthy target', async () => {
    await p.client.request('configureForwarding', {
      configId: 1,
      enabled: true,
      limits: { batchMaxBytes: 256 * 1024, batchIntervalMs: 20, queueMaxBytes: 16 * 1024 * 1024, requestTimeoutMs: 10_000 },
      targets: [
        target({ name: 'dead', endpoint: `http://127.0.0.1:${dead}` }),
        target({ name: 'slow', endpoint: slow.url }),
        target({ name: 'healthy', endpoint: healthy.url, redaction: { dropContent: true, patterns: ['secret-\\w+'] } }),
      ],
    });

    const latencies: number[] = [];
    const traceIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const t = traceId(0x7000 + i);
      traceIds.push(t);
      const spans = Array.from({ length: 10 }, (_, j) =>
        spanRecord({ traceId: t, spanId: spanId(0x7000 * 100 + i * 10 + j), name: `op-${j}`, attributes: { 'gen_ai.input.messages': 'hello secret-abc', note: 'secret-xyz' } }),
      );
      const body = encodeRequest('traces', 'protobuf', spansToRequest(spans));
      const started = performance.now();
      const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/x-protobuf' } });
      latencies.push(performance.now() - started);
      expect(res.status).toBe(200);
    }
    // No ingest waited for the 2-s target or the dead one (waiting even once would take ≥ 2 s;
    // the margin absorbs CPU contention from parallel test files).
    expect(Math.max(...latencies)).toBeLessThan(1500);
    expect(latencies.reduce((a, b) => a + b, 0)).toBeLessThan(6000);

    await eventually(async () => {
      const s = await p.client.request('forwardingStatus', {});
      return s.targets.find((t) => t.name === 'healthy')?.sentItems === 200;
    }, 5000);
    const status = await p.client.request('forwardingStatus', {});
    expect(status.configId).toBe(1);
    const byName = Object.fromEntries(status.targets.map((t) => [t.name, t]));
    expect(['retrying', 'sending']).toContain(byName.dead.state);
    expect(byName.dead.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(byName.dead.lastError).toContain('connection refused');
    expect(byName.slow.sentItems).toBeLessThan(200);

    // The healthy target got redacted copies…
    const forwarded = healthy.requests.flatMap((r) => {
      const d = decodeTraces(new Uint8Array(r.body), 'protobuf');
      return d.ok ? d.items : [];
    });
    expect(forwarded).toHaveLength(200);
    for (const s of forwarded) expect(s.attributes).toEqual({ note: '[REDACTED]' });
    // …while the local store keeps everything as received.
    const skeleton = await p.client.request('traceSkeleton', { traceId: traceIds[0] });
    const detail = await p.client.request('spanDetail', { traceId: traceIds[0], spanId: skeleton!.spans[0].spanId });
    expect(detail?.span.attributes).toEqual({ 'gen_ai.input.messages': 'hello secret-abc', note: 'secret-xyz' });
  });

  it('sends a stored trace after the fact to a (disabled) Langfuse target, with the session id on every span', async () => {
    const t = traceId(0x8001);
    const spans = [
      spanRecord({ traceId: t, spanId: spanId(0x8001), parentSpanId: null, name: 'agent', attributes: { 'session.id': 'sess-42' } }),
      spanRecord({ traceId: t, spanId: spanId(0x8002), parentSpanId: spanId(0x8001), name: 'chat', attributes: { 'gen_ai.request.model': 'gpt-4o' } }),
    ];
    const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', body: new Uint8Array(encodeRequest('traces', 'json', spansToRequest(spans))), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    await p.client.request('configureForwarding', {
      configId: 2,
      enabled: false,
      limits: { batchMaxBytes: 256 * 1024, batchIntervalMs: 20, queueMaxBytes: 16 * 1024 * 1024, requestTimeoutMs: 10_000 },
      targets: [{ ...target({ name: 'Langfuse', preset: 'langfuse', endpoint: langfuse.url }, { publicKey: 'pk-1', secretKey: 'sk-2' }), enabled: false }],
    });
    const result = await p.client.request('forwardTraces', { traceIds: [t], targets: ['Langfuse', 'nope'] });
    expect(result.traceCount).toBe(1);
    expect(result.results[0]).toMatchObject({ target: 'Langfuse', ok: true, spans: 2 });
    expect(result.results[1]).toMatchObject({ target: 'nope', ok: false });
    expect(langfuse.requests).toHaveLength(1);
    expect(langfuse.requests[0].path).toBe('/api/public/otel/v1/traces');
    const got = decodeTraces(new Uint8Array(langfuse.requests[0].body), 'protobuf');
    if (!got.ok) throw new Error(got.message);
    expect(got.items.map((s) => [s.name, s.attributes['langfuse.session.id']])).toEqual([
      ['agent', 'sess-42'],
      ['chat', 'sess-42'],
    ]);
    expect(got.items[1].parentSpanId).toBe(spanId(0x8001));
    // Nanosecond times survive the store and the bundled worker's protobuf encoder exactly.
    expect(got.items.map((s) => s.startTimeUnixNano)).toEqual(spans.map((s) => s.startTimeUnixNano));
  });
});
