/**
 * Forwarding keys are bound to the endpoint they were stored for: the host-side controller (real,
 * with a stand-in `vscode` and SecretStorage) configures the real bundled back end thread, which
 * forwards what the real OTLP/HTTP receiver takes to stand-in backends on 127.0.0.1. Two backends
 * on different ports are two origins: the user's, and one the target is re-pointed to.
 */
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeRequest } from '../../../src/core/forwarding/otlpCodec';
import { boundSecretKey, secretKey } from '../../../src/core/forwarding/presets';
import { spansToRequest } from '../../../src/core/forwarding/storedTrace';
import type { ForwardingConfig, ForwardingTargetSetting } from '../../../src/core/forwarding/types';
import { spanRecord, spanId, traceId } from '../../support/builders';
import { startBackend, type FakeBackend } from '../../support/fakeBackend';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';
import type { WorkerRequester } from '../../../src/extension/forwarding/forwardingController';
import { log, logLines, prompts, resetFakeVscode, secrets, setPromptAnswer, setSetting } from '../../support/fakeVscode';

vi.mock('vscode', async () => (await import('../../support/fakeVscode')).vscodeModule);

const { ForwardingController } = await import('../../../src/extension/forwarding/forwardingController');
type Controller = InstanceType<typeof ForwardingController>;

const PUBLIC = 'pk-lf-bound-public-1';
const SECRET = 'sk-lf-bound-secret-2';
const BASIC = Buffer.from(`${PUBLIC}:${SECRET}`).toString('base64');

let p: Pipeline;
let mine: FakeBackend;
let other: FakeBackend;
const configs: ForwardingConfig[] = [];
let controller: Controller | undefined;

beforeAll(async () => {
  p = await startPipeline();
  mine = await startBackend();
  other = await startBackend();
});
afterAll(async () => {
  await p?.close();
  await Promise.all([mine?.close(), other?.close()]);
});
beforeEach(() => {
  resetFakeVscode();
  configs.length = 0;
  mine.requests.length = 0;
  other.requests.length = 0;
  setSetting('user', 'traceLens.forwarding.enabled', true);
  setSetting('user', 'traceLens.forwarding.batchIntervalMilliseconds', 10);
});
afterEach(() => {
  controller?.dispose();
  controller = undefined;
});

/** The controller over the real back end thread, recording every configuration it sends. */
async function startController(): Promise<Controller> {
  const worker: WorkerRequester = {
    request: (method, params) => {
      if (method === 'configureForwarding') configs.push(structuredClone(params as ForwardingConfig));
      return p.client.request(method, params);
    },
  };
  controller = new ForwardingController(worker, secrets as never, log as never);
  await controller.reload();
  return controller;
}

function langfuse(endpoint: string): ForwardingTargetSetting {
  return { name: 'LF', preset: 'langfuse', endpoint };
}

/** Settles pending reloads (secret and settings events trigger them), then returns the latest configuration. */
async function settled(c: Controller): Promise<ForwardingConfig> {
  await new Promise((r) => setTimeout(r, 20));
  await c.reload();
  return configs[configs.length - 1]!;
}

let seq = 0x9100;
/** Posts one trace to the receiver; it must be stored (200) whatever forwarding does. */
async function ingestOne(): Promise<string> {
  const t = traceId(++seq);
  const body = encodeRequest('traces', 'protobuf', spansToRequest([spanRecord({ traceId: t, spanId: spanId(seq), name: 'chat' })]));
  const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/x-protobuf' } });
  expect(res.status).toBe(200);
  return t;
}

async function stored(t: string): Promise<boolean> {
  return (await p.client.request('traceSkeleton', { traceId: t })) !== null;
}

const carriesKey = (x: unknown) => {
  const s = JSON.stringify(x);
  return s.includes(SECRET) || s.includes(PUBLIC) || s.includes(BASIC);
};

describe('forwarding keys are bound to the endpoint origin', () => {
  it("re-pointing a target to another origin does not send the old key; back at the key's origin it is used again", async () => {
    setSetting('user', 'traceLens.forwarding.targets', [langfuse(mine.url)]);
    const c = await startController();
    await c.setSecret(langfuse(mine.url), 'publicKey', PUBLIC);
    await c.setSecret(langfuse(mine.url), 'secretKey', SECRET);
    let config = await settled(c);
    expect(config.targets.map((t) => t.name)).toEqual(['LF']);
    expect(config.targets[0]!.headers.authorization).toBe(`Basic ${BASIC}`);
    await ingestOne();
    const [first] = await mine.waitForRequests(1);
    expect(first!.headers.authorization).toBe(`Basic ${BASIC}`);

    // The same name, another origin (as a settings change, an import or a synced settings file would do).
    setSetting('user', 'traceLens.forwarding.targets', [langfuse(other.url)]);
    config = await settled(c);
    expect(carriesKey(config), 'configuration sent to the back end thread').toBe(false);
    expect(config.targets).toEqual([]);
    const view = c.targets.find((t) => t.setting.name === 'LF')!;
    expect(view.problem).toContain(new URL(other.url).origin);
    expect(view.problem).toMatch(/missing secret/);
    expect(view.secretsSet).toEqual({});
    const t = await ingestOne();
    await eventually(() => stored(t));
    await new Promise((r) => setTimeout(r, 200));
    expect(other.requests).toHaveLength(0);
    expect(mine.requests).toHaveLength(1);

    // A different path on the key's own origin keeps the key.
    setSetting('user', 'traceLens.forwarding.targets', [langfuse(`${mine.url}/langfuse`)]);
    config = await settled(c);
    expect(config.targets[0]?.headers.authorization).toBe(`Basic ${BASIC}`);
    // Nothing was lost or rewritten in SecretStorage: the key stays where it was stored.
    expect(secrets.values.get(boundSecretKey('LF', new URL(mine.url).origin, 'secretKey'))).toBe(SECRET);
    expect([...secrets.values.keys()].some((k) => k.includes(encodeURIComponent(new URL(other.url).origin)))).toBe(false);
    expect(carriesKey(logLines)).toBe(false);
  });

  it('a key stored by name only (before keys were bound) is not used until the user confirms it for the current origin, asked once', async () => {
    await secrets.store(secretKey('LF', 'publicKey'), PUBLIC);
    await secrets.store(secretKey('LF', 'secretKey'), SECRET);
    setSetting('user', 'traceLens.forwarding.targets', [langfuse(mine.url)]);
    const c = await startController();
    let config = await settled(c);
    expect(carriesKey(config)).toBe(false);
    expect(c.targets[0]!.problem).toContain(new URL(mine.url).origin);
    await settled(c);
    await settled(c);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.message).toContain('"LF"');
    expect(prompts[0]!.message).toContain(new URL(mine.url).origin);

    // The user re-points the target before answering: the prompt for the new origin is a new question,
    // and a dismissed question is not asked again in this session.
    setSetting('user', 'traceLens.forwarding.targets', [langfuse(other.url)]);
    setPromptAnswer((_m, items) => items.find((i) => /use/i.test(i)));
    config = await settled(c);
    await settled(c);
    expect(prompts).toHaveLength(2);
    expect(prompts[1]!.message).toContain(new URL(other.url).origin);
    config = await settled(c);
    // Confirmed for that origin: bound to it, the name-only copies gone.
    expect(config.targets[0]?.headers.authorization).toBe(`Basic ${BASIC}`);
    expect(secrets.values.get(boundSecretKey('LF', new URL(other.url).origin, 'secretKey'))).toBe(SECRET);
    expect(secrets.values.has(secretKey('LF', 'secretKey'))).toBe(false);
    expect(secrets.values.has(secretKey('LF', 'publicKey'))).toBe(false);
    // …and only for that origin.
    setSetting('user', 'traceLens.forwarding.targets', [langfuse(mine.url)]);
    config = await settled(c);
    expect(carriesKey(config)).toBe(false);
  });

  it('declining the old name-only key deletes it', async () => {
    await secrets.store(secretKey('LF', 'publicKey'), PUBLIC);
    await secrets.store(secretKey('LF', 'secretKey'), SECRET);
    setSetting('user', 'traceLens.forwarding.targets', [langfuse(mine.url)]);
    setPromptAnswer((_m, items) => items.find((i) => /delete/i.test(i)));
    const c = await startController();
    const config = await settled(c);
    expect(carriesKey(config)).toBe(false);
    expect([...secrets.values.values()]).toEqual([]);
    expect(c.targets[0]!.problem).toMatch(/missing secret/);
  });

  it('a workspace value for the targets is ignored, with one log warning naming the scope', async () => {
    setSetting('user', 'traceLens.forwarding.targets', [langfuse(mine.url)]);
    setSetting('workspace', 'traceLens.forwarding.targets', [langfuse(other.url)]);
    const c = await startController();
    await c.setSecret(langfuse(mine.url), 'publicKey', PUBLIC);
    await c.setSecret(langfuse(mine.url), 'secretKey', SECRET);
    const config = await settled(c);
    await settled(c);
    expect(config.targets.map((t) => t.urls.traces)).toEqual([`${mine.url}/api/public/otel/v1/traces`]);
    const warnings = logLines.filter((l) => l.startsWith('warn:') && l.includes('traceLens.forwarding.targets'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/workspace/);
  });
});
