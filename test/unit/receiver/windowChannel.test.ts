/**
 * The query channel between VS Code windows, over real HTTP on 127.0.0.1 with the real receiver
 * and bundled worker: identity check (Trace Lens vs a foreign program vs nothing), queries signed
 * with the per-user secret (challenge–response, protocol 2), and refusals (no/wrong secret, the
 * secret itself as a protocol 1 Bearer token, web pages, methods not served). Squatters on the
 * port: windowChannelSquatter.test.ts.
 */
import * as http from 'node:http';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteStoreClient, WINDOW_CHANNEL_PROTOCOL, probeTraceLens, type TraceLensIdentity } from '../../../src/core/receiver/windowChannel';
import { readOrCreateSecret } from '../../../src/core/receiver/windowSecret';
import { unpackSkeleton } from '../../../src/model/skeletonCodec';
import type { BackendClient } from '../../../src/core/backend/backendClient';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';
import { signedQuery } from './windowChannelWire';

const SECRET = 'a'.repeat(64);
const identity: TraceLensIdentity = { product: 'trace-lens', protocol: WINDOW_CHANNEL_PROTOCOL, instanceId: 'owner-1', pid: 4242, workspace: 'demo' };
let p: Pipeline;
let port: number;
const traceId = '5b8efff798038103d269b633813fc60c';

beforeAll(async () => {
  // The channel's query needs the pipeline's worker client, which exists once the pipeline does.
  const worker: { client?: BackendClient } = {};
  p = await startPipeline({ windowChannel: { identity, secret: () => SECRET, query: (method, params) => worker.client!.request(method, params as never) } });
  worker.client = p.client;
  port = Number(new URL(p.url).port);
  const body = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'owner-app' } }] },
      scopeSpans: [{ scope: { name: 't' }, spans: [{ traceId, spanId: 'eee19b7ec3c1b174', name: 'owned span', kind: 1, startTimeUnixNano: '1763700000000000000', endTimeUnixNano: '1763700000100000000' }] }],
    }],
  };
  const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  await eventually(() => p.client.request('traceSummary', { traceId }));
});
afterAll(async () => {
  await p.close();
});

describe('identity check', () => {
  it('a Trace Lens window answers with its identity, and proves it knows the secret', async () => {
    expect(await probeTraceLens(port, { secret: SECRET })).toEqual({ verified: true, identity });
    // Without the secret (or with another user's), the identity is seen but not trusted.
    expect(await probeTraceLens(port, { secret: 'b'.repeat(64) })).toMatchObject({ verified: false, identity });
    expect(await probeTraceLens(port)).toMatchObject({ verified: false, identity });
    // A protocol 1 window's probe (no nonce) gets the identity alone: version 2, so it stays away.
    expect(await (await fetch(`${p.url}/trace-lens/v1/identity`)).json()).toEqual(identity);
  });

  it('a foreign program on the port (any HTTP server) and a closed port are not Trace Lens', async () => {
    const foreign = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"product":"jaeger"}'));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const foreignPort = (foreign.address() as { port: number }).port;
    expect(await probeTraceLens(foreignPort, { secret: SECRET })).toBeUndefined();
    await new Promise((resolve) => foreign.close(resolve));
    expect(await probeTraceLens(foreignPort, { secret: SECRET, timeoutMs: 500 })).toBeUndefined();
  });
});

describe('queries from another window', () => {
  it('with the secret, another window lists, opens and clears the owner\'s traces', async () => {
    const remote = new RemoteStoreClient(port, SECRET);
    const [summary] = await remote.request('listTraces', { limit: 10, offset: 0 });
    expect(summary).toMatchObject({ traceId, rootName: 'owned span', serviceName: 'owner-app' });
    const skeleton = await remote.request('traceSkeleton', { traceId });
    expect(skeleton!.spans.map((s) => s.name)).toEqual(['owned span']);
    // The packed form the trace view gets, typed-array columns and all (packed by the owner's worker).
    const packed = await remote.request('packedTraceSkeleton', { traceId });
    expect(packed!.names).toBeInstanceOf(Uint8Array);
    expect(unpackSkeleton(packed!)).toEqual(skeleton);
    expect((await remote.request('stats', {})).spanCount).toBe(1);
  });

  it('without the secret, with a wrong one, or from a web page: 403 and nothing is read', async () => {
    const query = JSON.stringify({ method: 'listTraces', params: { limit: 10, offset: 0 } });
    const post = (headers: Record<string, string>) =>
      fetch(`${p.url}/trace-lens/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query });
    // No authorization; protocol 1's Bearer token (even the right secret: it is never accepted as such).
    const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${'b'.repeat(64)}` }, { authorization: `Bearer ${SECRET}` }];
    for (const headers of attempts) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).not.toContain(traceId);
    }
    // Signed with a wrong secret, or a correctly signed query from a web page.
    for (const [secret, headers] of [['b'.repeat(64), {}], [SECRET.slice(1), {}], [SECRET, { origin: 'http://localhost:3000' }]] as const) {
      const res = await signedQuery(port, secret, query, { headers });
      expect(res.status, `${secret.slice(0, 4)} ${JSON.stringify(headers)}`).toBe(403);
      expect(await res.text()).not.toContain(traceId);
    }
    await expect(new RemoteStoreClient(port, 'wrong').request('listTraces', { limit: 1, offset: 0 })).rejects.toThrow(/wrong or missing secret/);
  });

  it('serves store queries only: ingest and configuration requests are refused', async () => {
    for (const method of ['ingest', 'configure', 'configureForwarding', 'forwardTraces', 'configurePricing']) {
      const res = await signedQuery(port, SECRET, JSON.stringify({ method, params: {} }));
      expect(res.status, method).toBe(400);
      expect(await res.json()).toMatchObject({ ok: false, error: expect.stringContaining('not served') });
    }
  });

  it('OTLP export on the same port is unaffected', async () => {
    const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
  });
});

describe('the per-user secret file', () => {
  it('is created once with mode 0600 in a 0700 folder, and every window reads the same value', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'trace-lens-secret-')), 'home');
    const path = join(dir, 'window-channel.secret');
    const first = readOrCreateSecret(path);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(readOrCreateSecret(path)).toBe(first);
    expect(readFileSync(path, 'utf8')).toBe(first);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
