/**
 * Which owner of the port a window trusts, through the real `ReceiverController` (VS Code's API
 * replaced by a minimal stand-in; real receivers, real worker, real HTTP on 127.0.0.1): a window of
 * the same user (same secret) is "in another window" and its traces are shown; a program that
 * answers like Trace Lens without proving it knows the secret (a squatter, or another user's Trace
 * Lens) is a busy port, with the reason logged, and gets no query.
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WINDOW_CHANNEL_PROTOCOL, type TraceLensIdentity, type WindowChannelServerOptions } from '../../../src/core/receiver/windowChannel';
import type { BackendClient } from '../../../src/core/backend/backendClient';
import type { TraceLensSettings } from '../../../src/extension/settings';
import { startWorker } from '../../support/pipeline';

vi.mock('vscode', () => {
  class EventEmitter<T> {
    private listeners: ((e: T) => void)[] = [];
    readonly event = (listener: (e: T) => void) => {
      this.listeners.push(listener);
      return { dispose: () => undefined };
    };
    fire(e: T): void {
      for (const l of this.listeners) l(e);
    }
    dispose(): void {
      this.listeners = [];
    }
  }
  return {
    EventEmitter,
    commands: { executeCommand: () => Promise.resolve() },
    window: { showWarningMessage: () => Promise.resolve(undefined) },
  };
});

const { ReceiverController } = await import('../../../src/extension/receiver/receiverController');

const SECRET = randomBytes(32).toString('hex');
let client: BackendClient;

function channel(instanceId: string, secret: string | undefined): WindowChannelServerOptions {
  const identity: TraceLensIdentity = { product: 'trace-lens', protocol: WINDOW_CHANNEL_PROTOCOL, instanceId, pid: process.pid, workspace: instanceId };
  return { identity, secret: () => secret, query: (method, params) => client.request(method, params as never) };
}

function settings(port: number): () => TraceLensSettings {
  const s = {
    receiver: { autoStart: false, host: '127.0.0.1', port, grpcEnabled: false, grpcPort: 0, maxBodyBytes: 1024 * 1024, corsAllowedOrigins: [] },
  } as unknown as TraceLensSettings;
  return () => s;
}

function window(port: number, name: string, secret: string | undefined) {
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };
  const controller = new ReceiverController(client, settings(port), log as never, channel(name, secret));
  return { controller, logs };
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

beforeAll(() => {
  client = startWorker().client;
});
afterAll(async () => {
  await client.dispose();
});

describe('a window whose port is taken', () => {
  it('shows the traces of its own user\'s window, and treats another user\'s Trace Lens as a busy port', async () => {
    const port = await freePort();
    const owner = window(port, 'owner', SECRET);
    const second = window(port, 'second', SECRET);
    const otherUser = window(port, 'other-user', randomBytes(32).toString('hex'));
    try {
      expect((await owner.controller.start()).http).toMatchObject({ kind: 'listening', port });
      expect((await second.controller.start()).http).toMatchObject({ kind: 'otherWindow', port, owner: { instanceId: 'owner' } });
      const other = (await otherUser.controller.start()).http;
      expect(other).toMatchObject({ kind: 'portBusy', port, message: expect.stringMatching(/answers like Trace Lens but is not trusted: it does not prove it knows this user's window secret/) });
      expect(otherUser.logs.filter((l) => l.includes('not trusted'))).toHaveLength(1);
    } finally {
      for (const w of [second, otherUser, owner]) w.controller.dispose();
    }
  });

  it('does not trust a squatter that answers the identity like Trace Lens, and sends it no query', async () => {
    const received: string[] = [];
    const squatter = http.createServer((req, res) => {
      received.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
      const nonce = new URL(req.url ?? '/', 'http://x').searchParams.get('clientNonce');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        product: 'trace-lens', protocol: WINDOW_CHANNEL_PROTOCOL, instanceId: 'squatter', pid: 1, workspace: 'x',
        ...(nonce ? { serverNonce: randomBytes(16).toString('hex'), proof: randomBytes(32).toString('hex') } : {}),
      }));
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    const victim = window(port, 'victim', SECRET);
    try {
      const state = await victim.controller.start();
      expect(state.http).toMatchObject({ kind: 'portBusy', port, message: expect.stringMatching(/not trusted/) });
      expect(victim.logs.some((l) => l.startsWith('warn:') && l.includes('not trusted'))).toBe(true);
      expect(received.every((r) => r.startsWith('GET /trace-lens/v1/identity'))).toBe(true);
      expect(received.join('\n')).not.toContain(SECRET);
    } finally {
      victim.controller.dispose();
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('does not query an older Trace Lens window (channel protocol 1, which took the secret itself), and says why', async () => {
    const received: string[] = [];
    const old = http.createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ product: 'trace-lens', protocol: 1, instanceId: 'old', pid: 1, workspace: 'old' }));
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    const port = (old.address() as { port: number }).port;
    const w = window(port, 'new', SECRET);
    try {
      expect((await w.controller.start()).http).toMatchObject({ kind: 'portBusy', port, message: expect.stringMatching(/protocol 1, this window 2/) });
      expect(received.every((r) => r.startsWith('GET /trace-lens/v1/identity'))).toBe(true);
    } finally {
      w.controller.dispose();
      await new Promise((resolve) => old.close(resolve));
    }
  });
});
