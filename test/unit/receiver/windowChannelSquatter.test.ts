/**
 * The window channel against a port squatter: another local user's program that takes the OTLP
 * port while no Trace Lens window holds it and answers the identity check like Trace Lens.
 * Real HTTP on 127.0.0.1, the real receiver and bundled worker as the owner, the real client.
 *
 * What a user relies on: whatever the squatter receives from a window, (a) it cannot turn it into
 * a request the real owner accepts (the secret is never on the wire; captured requests replayed
 * to the owner are refused), and (b) the window never believes its answers (no fake traces).
 * Meanwhile the real owner still serves a window with the secret, and exports are still stored.
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpHttpReceiver } from '../../../src/core/receiver/otlpHttpReceiver';
import {
  RemoteStoreClient,
  WINDOW_CHANNEL_PROTOCOL,
  probeTraceLens,
  type TraceLensIdentity,
  type WindowChannelServerOptions,
} from '../../../src/core/receiver/windowChannel';
import { loadSecret, readOrCreateSecret } from '../../../src/core/receiver/windowSecret';
import type { BackendClient } from '../../../src/core/backend/backendClient';
import { eventually, startWorker } from '../../support/pipeline';
import { challenge, signedQuery } from './windowChannelWire';

const SECRET = randomBytes(32).toString('hex');
const identity: TraceLensIdentity = { product: 'trace-lens', protocol: WINDOW_CHANNEL_PROTOCOL, instanceId: 'owner-1', pid: 4242, workspace: 'victim' };
const OWNED_TRACE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OWNED_PROMPT = 'my private prompt: the launch date is 2026-03-01';
let client: BackendClient;
let closeWorker: () => Promise<void>;
let owner: { receiver: OtlpHttpReceiver; port: number };
let nextTrace = 1;

/** What the owner window serves; a fresh object per receiver, as ReceiverController does. */
function ownerChannel(extra: Partial<WindowChannelServerOptions> = {}): WindowChannelServerOptions {
  return { identity, secret: () => SECRET, query: (method, params) => client.request(method, params as never), ...extra };
}

async function startOwner(port = 0, extra: Partial<WindowChannelServerOptions> = {}): Promise<{ receiver: OtlpHttpReceiver; port: number }> {
  const receiver = new OtlpHttpReceiver({
    host: '127.0.0.1',
    port,
    maxBodyBytes: 1024 * 1024,
    corsAllowedOrigins: [],
    ingest: (p) => client.ingest(p),
    isOverloaded: () => client.isOverloaded(),
    windowChannel: ownerChannel(extra),
  });
  const started = await receiver.start();
  if (!started.ok) throw new Error(started.message);
  return { receiver, port: started.port };
}

function exportBody(traceId: string, name: string, prompt = 'hello'): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'victim-app' } }] },
      scopeSpans: [{ scope: { name: 't' }, spans: [{
        traceId, spanId: 'eee19b7ec3c1b174', name, kind: 1, startTimeUnixNano: '1763700000000000000', endTimeUnixNano: '1763700000100000000',
        attributes: [{ key: 'gen_ai.prompt', value: { stringValue: prompt } }],
      }] }],
    }],
  });
}

/** Nothing accepted is lost: a valid export sent to the owner after an attack is stored. */
async function validExportIsStored(): Promise<void> {
  const traceId = (0xfeed0000 + nextTrace++).toString(16).padStart(32, '0');
  const res = await fetch(`http://127.0.0.1:${owner.port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(traceId, 'after the attack') });
  expect(res.status).toBe(200);
  await eventually(() => client.request('traceSummary', { traceId }));
  expect(await client.request('traceSummary', { traceId: OWNED_TRACE })).toMatchObject({ traceId: OWNED_TRACE });
}

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A fake trace a squatter would like a window to show. */
const FAKE_ANSWER = { ok: true, result: [{ traceId: 'f'.repeat(32), rootName: 'fake', serviceName: 'squatter' }] };

/**
 * The squatter: answers the identity like Trace Lens (with a made-up nonce and proof, or what
 * `relayTo` answers for the same request) and anything else with a fake trace list; records every
 * byte it receives.
 */
async function startSquatter(options: { port?: number; relayTo?: number } = {}): Promise<{ port: number; captured: Captured[]; close(): Promise<void> }> {
  const captured: Captured[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        if (req.url?.startsWith('/trace-lens/v1/identity')) {
          if (options.relayTo !== undefined) {
            // Asks the real owner for a genuine challenge for the window's own client nonce.
            const real = await fetch(`http://127.0.0.1:${options.relayTo}${req.url}`);
            res.writeHead(real.status, { 'content-type': 'application/json' }).end(await real.text());
            return;
          }
          const nonce = new URL(req.url, 'http://x').searchParams.get('clientNonce');
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
            ...identity, instanceId: 'squatter', ...(nonce ? { serverNonce: randomBytes(16).toString('hex'), proof: randomBytes(32).toString('hex') } : {}),
          }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-trace-lens-answer-mac': randomBytes(32).toString('hex') }).end(JSON.stringify(FAKE_ANSWER));
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    captured,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Every form the secret could take on the wire: hex (either case), base64 of its text or bytes. */
function expectNoSecretIn(captured: Captured[]): void {
  const forms = [SECRET, SECRET.toUpperCase(), Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET, 'hex').toString('base64'), Buffer.from(SECRET, 'hex').toString('latin1')];
  for (const c of captured) {
    const wire = `${c.method} ${c.url}\n${JSON.stringify(c.headers)}\n${c.body.toString('latin1')}`;
    for (const form of forms) expect(wire.includes(form), `the secret reached the squatter in ${c.method} ${c.url}`).toBe(false);
  }
}

/** Sends a captured request, byte for byte, to the real owner. */
async function replayToOwner(c: Captured): Promise<{ status: number; text: string }> {
  const headers = Object.fromEntries(
    Object.entries(c.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(k)),
  ) as Record<string, string>;
  const res = await fetch(`http://127.0.0.1:${owner.port}${c.url}`, { method: c.method, headers, ...(c.method === 'GET' ? {} : { body: new Uint8Array(c.body) }) });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  const worker = startWorker();
  client = worker.client;
  closeWorker = () => worker.client.dispose();
  owner = await startOwner();
  const res = await fetch(`http://127.0.0.1:${owner.port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(OWNED_TRACE, 'owned span', OWNED_PROMPT) });
  expect(res.status).toBe(200);
  await eventually(() => client.request('traceSummary', { traceId: OWNED_TRACE }));
});
afterAll(async () => {
  await owner.receiver.stop();
  await closeWorker();
});

describe('a squatter that answers the identity like Trace Lens', () => {
  it('is not trusted: the window sends no query, no secret, and shows none of its traces', async () => {
    const squatter = await startSquatter();
    try {
      const probe = await probeTraceLens(squatter.port, { secret: SECRET });
      expect(probe).toMatchObject({ verified: false, reason: expect.stringMatching(/does not prove/) });
      await expect(new RemoteStoreClient(squatter.port, SECRET).request('listTraces', { limit: 10, offset: 0 })).rejects.toThrow(/does not prove it knows this user's window secret/);
      await expect(new RemoteStoreClient(squatter.port, SECRET).request('clear', {})).rejects.toThrow(/nothing was sent/);

      expect(squatter.captured.length).toBeGreaterThan(0);
      expect(squatter.captured.filter((c) => c.method !== 'GET'), 'queries sent to the squatter').toEqual([]);
      expectNoSecretIn(squatter.captured);
      // (a) Nothing it captured reads or changes the owner's store.
      for (const c of squatter.captured) {
        const { text } = await replayToOwner(c);
        expect(text).not.toContain(OWNED_TRACE);
        expect(text).not.toContain(OWNED_PROMPT);
      }
      expect((await client.request('stats', {})).traceCount).toBeGreaterThanOrEqual(1);
    } finally {
      await squatter.close();
    }
    await validExportIsStored();
  });

  it('relaying the handshake to the real owner (listening on another port) does not help it', async () => {
    const squatter = await startSquatter({ relayTo: owner.port });
    try {
      // The owner's proof is for the address the owner was asked on, not the squatter's port.
      expect(await probeTraceLens(squatter.port, { secret: SECRET })).toMatchObject({ verified: false });
      await expect(new RemoteStoreClient(squatter.port, SECRET).request('listTraces', { limit: 10, offset: 0 })).rejects.toThrow(/does not prove/);
      expect(squatter.captured.filter((c) => c.method !== 'GET')).toEqual([]);
      expectNoSecretIn(squatter.captured);
    } finally {
      await squatter.close();
    }
    await validExportIsStored();
  });

  it('taking the port between a window\'s challenge and its query: the answer is refused, and the captured query is refused by the owner', async () => {
    // A second owner on a port of its own, so it can go away and come back like a window.
    let second = await startOwner();
    const port = second.port;
    let squatter: Awaited<ReturnType<typeof startSquatter>> | undefined;
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!squatter && url.endsWith(`:${port}/trace-lens/v1/query`)) {
        // The owner's identity answer (a real challenge) is in; now the owner lets go and the squatter binds.
        await second.receiver.stop();
        squatter = await startSquatter({ port });
      }
      return realFetch(input, init);
    };
    try {
      await expect(new RemoteStoreClient(port, SECRET).request('clear', {})).rejects.toThrow(/without proving it knows this user's window secret/);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(squatter).toBeDefined();
    const captured = squatter!.captured;
    await squatter!.close();
    expect(captured.map((c) => c.method)).toEqual(['POST']);
    expectNoSecretIn(captured);

    // The owner window comes back on the same port (a new receiver, as the controller makes one per start).
    second = await startOwner(port);
    try {
      const headers = Object.fromEntries(Object.entries(captured[0].headers).filter(([k]) => ['content-type', 'authorization'].includes(k))) as Record<string, string>;
      const replay = await fetch(`http://127.0.0.1:${port}/trace-lens/v1/query`, { method: 'POST', headers, body: new Uint8Array(captured[0].body) });
      expect(replay.status).toBe(403);
      expect((await client.request('stats', {})).traceCount).toBeGreaterThanOrEqual(1);
      expect(await client.request('traceSummary', { traceId: OWNED_TRACE })).toMatchObject({ traceId: OWNED_TRACE });
      // The real owner still serves a window that has the secret.
      const listed = await new RemoteStoreClient(port, SECRET).request('listTraces', { limit: 100, offset: 0 });
      expect(listed.map((t) => t.traceId)).toContain(OWNED_TRACE);
    } finally {
      await second.receiver.stop();
    }
    await validExportIsStored();
  });
});

describe('the real owner', () => {
  it('serves a window with the secret; a captured request is single use, bound to its body, and expires', async () => {
    const recorded: { url: string; init: RequestInit | undefined }[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      recorded.push({ url: String(input), init });
      return realFetch(input, init);
    };
    let traces;
    try {
      traces = await new RemoteStoreClient(owner.port, SECRET).request('listTraces', { limit: 10, offset: 0 });
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(traces.map((t) => t.traceId)).toContain(OWNED_TRACE);
    for (const r of recorded) {
      expect(JSON.stringify(r)).not.toContain(SECRET);
    }
    const query = recorded.find((r) => r.url.endsWith('/trace-lens/v1/query'))!;
    const replay = await realFetch(query.url, query.init);
    expect(replay.status, 'replayed query').toBe(403);
    expect(await replay.text()).not.toContain(OWNED_TRACE);

    // A challenge signed for one query cannot carry another (listTraces signed, clear sent).
    const c = await challenge(owner.port);
    const swapped = await signedQuery(owner.port, SECRET, JSON.stringify({ method: 'listTraces', params: { limit: 1, offset: 0 } }), {
      challenge: c,
      sendBody: JSON.stringify({ method: 'clear', params: {} }),
    });
    expect(swapped.status).toBe(403);
    expect(await client.request('traceSummary', { traceId: OWNED_TRACE })).toMatchObject({ traceId: OWNED_TRACE });

    // A challenge not used in time is refused.
    const short = await startOwner(0, { challengeTtlMs: 100 });
    try {
      const stale = await challenge(short.port);
      await new Promise((r) => setTimeout(r, 250));
      const late = await signedQuery(short.port, SECRET, JSON.stringify({ method: 'stats', params: {} }), { challenge: stale });
      expect(late.status).toBe(403);
      expect(await late.json()).toMatchObject({ ok: false, error: expect.stringMatching(/expired/) });
      expect((await signedQuery(short.port, SECRET, JSON.stringify({ method: 'stats', params: {} }))).status).toBe(200);
    } finally {
      await short.receiver.stop();
    }
    await validExportIsStored();
  });
});

describe('the secret file', () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), 'trace-lens-secret-')), 'home');

  it('is refused, with the reason, when other users could read it (0644) or its folder is open (0755)', () => {
    const dir = fresh();
    const path = join(dir, 'window-channel.secret');
    expect(readOrCreateSecret(path)).toMatch(/^[0-9a-f]{64}$/);

    chmodSync(path, 0o644);
    expect(readOrCreateSecret(path)).toBeUndefined();
    const loose = loadSecret(path);
    expect(loose).toMatchObject({ ok: false, reason: expect.stringMatching(/mode 0644.*0600/) });
    expect(loose.ok ? '' : loose.reason).toContain(path);
    chmodSync(path, 0o600);
    expect(loadSecret(path)).toMatchObject({ ok: true });

    chmodSync(dir, 0o755);
    expect(loadSecret(path)).toMatchObject({ ok: false, reason: expect.stringMatching(/folder .* mode 0755.*0700/) });
    const reasons: string[] = [];
    expect(readOrCreateSecret(path, (reason) => reasons.push(reason))).toBeUndefined();
    expect(reasons).toEqual([expect.stringContaining(dir)]);
    chmodSync(dir, 0o700);
    expect(loadSecret(path)).toMatchObject({ ok: true });
  });

  // Only root can give a file away; other users run the rest of the file.
  it.skipIf(process.getuid?.() !== 0)('is refused when it or its folder belongs to another user', () => {
    const dir = fresh();
    const path = join(dir, 'window-channel.secret');
    expect(readOrCreateSecret(path)).toBeDefined();
    chownSync(path, 4321, 4321);
    expect(loadSecret(path)).toMatchObject({ ok: false, reason: expect.stringMatching(/belongs to uid 4321/) });
    chownSync(path, 0, 0);
    chownSync(dir, 4321, 4321);
    expect(loadSecret(path)).toMatchObject({ ok: false, reason: expect.stringMatching(/folder .*belongs to uid 4321/) });
    chownSync(dir, 0, 0);
    expect(loadSecret(path)).toMatchObject({ ok: true });
  });

  it('is refused when it is a symbolic link (its target could be anyone\'s file)', () => {
    const other = join(fresh(), 'x');
    mkdirSync(join(other, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(other, SECRET, { mode: 0o600 });
    const linked = join(fresh(), 'window-channel.secret');
    mkdirSync(join(linked, '..'), { recursive: true, mode: 0o700 });
    symlinkSync(other, linked);
    expect(loadSecret(linked)).toMatchObject({ ok: false, reason: expect.stringMatching(/link/) });
  });
});
