/// <reference types="mocha" />
// Integration tests in a desktop VS Code started by @vscode/test-electron (`npm run test:integration`;
// .vscode-test.mjs compiles this file to out/test/integration/ and opens a workspace whose settings
// put the receiver on TRACE_LENS_TEST_RECEIVER_PORT). Mocha TDD interface: suite/test.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

const EXTENSION_ID = 'trace-lens.trace-lens';
const receiverPort = Number(process.env.TRACE_LENS_TEST_RECEIVER_PORT ?? 4318);

interface ManifestCommand {
  command: string;
}

async function postJson(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${receiverPort}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, text: await res.text() };
}

/** Waits until the receiver accepts an empty OTLP/JSON export (`{}` → 200). */
async function waitForReceiver(timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not tried';
  while (Date.now() < deadline) {
    try {
      const r = await postJson('/v1/traces', {});
      if (r.status === 200) return;
      last = `HTTP ${r.status} ${r.text.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`receiver on 127.0.0.1:${receiverPort} did not accept OTLP within ${timeoutMs} ms (last: ${last})`);
}

/** One OTLP/JSON span (ids are hex, times are decimal strings of Unix nanoseconds). */
function otlpJsonSpan(traceId: string, spanId: string) {
  const startNs = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'integration-test' } }] },
        scopeSpans: [
          {
            scope: { name: 'trace-lens-integration', version: '1.0.0' },
            spans: [
              {
                traceId,
                spanId,
                name: 'chat gpt-4o-mini',
                kind: 3,
                startTimeUnixNano: String(startNs),
                endTimeUnixNano: String(startNs + 250_000_000n),
                attributes: [
                  { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                  { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                  { key: 'gen_ai.usage.input_tokens', value: { intValue: '42' } },
                ],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
}

suite('Trace Lens extension', () => {
  let extension: vscode.Extension<unknown>;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in the test instance`);
    extension = found;
    await extension.activate();
  });

  test('activates', () => {
    assert.equal(extension.isActive, true);
  });

  test('registers every command its manifest contributes', async () => {
    const contributed = ((extension.packageJSON.contributes?.commands ?? []) as ManifestCommand[]).map((c) => c.command);
    assert.ok(contributed.length > 0, 'the manifest contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered');
  });

  test('accepts an OTLP/JSON span and traceLens.refresh runs without error', async () => {
    await waitForReceiver();
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const res = await postJson('/v1/traces', otlpJsonSpan(traceId, spanId));
    assert.equal(res.status, 200, `POST /v1/traces answered ${res.status}: ${res.text}`);
    // A full success is `{}` or a partialSuccess without rejected spans.
    const body = res.text ? JSON.parse(res.text) : {};
    assert.equal(Number(body.partialSuccess?.rejectedSpans ?? 0), 0, `receiver rejected spans: ${res.text}`);
    await vscode.commands.executeCommand('traceLens.refresh');
  });
});
