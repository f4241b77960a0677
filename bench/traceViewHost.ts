/**
 * The trace panel's host side for bench/webviewBench.mjs: the production worker (dist/worker.js)
 * behind `BackendClient`, as the extension starts it, holding one big trace (ingested as OTLP
 * requests like the receivers hand them over), and the panel's own request handlers and
 * `traceLoaded` message (src/extension/traces/traceViewRequests.ts). "Go to Source" paths resolve
 * to "missing" (no workspace here), after the same back end query the extension makes.
 *
 * The webview bench loads this module (built to out/bench/traceViewHost.js) in its own process
 * and answers the page's requests with it, so a click in the page costs what it costs in the
 * extension: a message to the host, the worker's query, the answer's structured clone and JSON.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BackendClient } from '../src/core/backend/backendClient';
import { buildSpanSourceInfo } from '../src/core/source/spanSource';
import { TraceViewRequestHandlers } from '../src/extension/traces/traceViewRequests';
import type { TraceViewRequests } from '../src/protocol/traceView';
import { PayloadStream, streamSpec, traceIds, type Profile } from './payloads';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** One request answered: its result and the host-side time (ms: handler called → result). */
export interface HostAnswer {
  result: unknown;
  hostMs: number;
}

export interface TraceViewHost {
  traceId: string;
  /** Span ids of the big trace in generation order (index i: the i-th span of the trace). */
  spanIds: string[];
  /** The `traceLoaded` envelope the panel posts, in VS Code's webview serialization (see `serializeWebviewMessage`). */
  traceLoaded(): Promise<{ json: string; buffers: string[]; serializeMs: number; buildMs: number; jsonBytes: number; binaryBytes: number }>;
  /** Answers one webview request with the panel's handlers. */
  request(method: string, params: unknown): Promise<HostAnswer>;
  close(): Promise<void>;
}

/**
 * Starts the worker and ingests three 50-span traces, then one of `spans` spans (`profile`), then
 * one more; resolves when everything is stored.
 */
export async function startTraceViewHost(options: { root: string; profile: Profile; spans: number }): Promise<TraceViewHost> {
  const client = new BackendClient({
    workerPath: path.join(options.root, 'dist', 'worker.js'),
    config: { maxSpans: 1_000_000, maxMegabytes: 1024 },
    onEvent: (event) => {
      if (event.type === 'log' && event.level === 'error') console.error(event.message);
    },
  });
  const spec = streamSpec(options.profile, 4 * 50 + options.spans, { bigTraceSpans: options.spans, bigTraceIndex: 3 });
  const stream = new PayloadStream(spec);
  while (stream.hasNext) {
    const result = await client.ingest({ signal: 'traces', format: 'protobuf', encoding: 'identity', body: stream.nextRequest('protobuf').body, maxBodyBytes: MAX_BODY_BYTES });
    if (result.status !== 'ok') throw new Error(`ingest: ${JSON.stringify(result)}`);
  }
  const { traceId, spanIds } = traceIds(spec, 3);
  const handlers = new TraceViewRequestHandlers(traceId, (method, params) => client.request(method, params), {
    sourceInfo: (_traceId, _spanId, detail) =>
      detail ? buildSpanSourceInfo(detail, (_p, _hints) => Promise.resolve({ kind: 'missing', tried: [], suggestedMapping: null })) : Promise.resolve(null),
    goToSpan: () => Promise.resolve({ opened: false, reason: 'noLocation', message: 'not in the bench' }),
  });
  return {
    traceId,
    spanIds,
    async traceLoaded() {
      const t0 = performance.now();
      const body = await handlers.traceLoaded(null);
      const t1 = performance.now();
      const { message, buffers } = serializeWebviewMessage({ kind: 'message', body });
      const t2 = performance.now();
      return {
        json: message,
        buffers: buffers.map((b) => Buffer.from(b).toString('base64')),
        buildMs: t1 - t0,
        serializeMs: t2 - t1,
        jsonBytes: Buffer.byteLength(message),
        binaryBytes: buffers.reduce((n, b) => n + b.byteLength, 0),
      };
    },
    async request(method, params) {
      const handler = handlers.handlers[method as keyof TraceViewRequests] as ((p: unknown) => unknown) | undefined;
      if (!handler) throw new Error(`unknown request method: ${method}`);
      const t0 = performance.now();
      const result = await handler(params);
      return { result, hostMs: performance.now() - t0 };
    },
    close: () => client.dispose(),
  };
}

/**
 * VS Code's serialization of a webview message (`serializeWebviewMessage` in
 * vs/workbench/api/common/extHostWebviewMessaging.ts, used when the extension's `engines.vscode`
 * is ≥ 1.57): typed arrays and ArrayBuffers are taken out as binary buffers and replaced by
 * references; the rest is `JSON.stringify`. The page side (`deserializeWebviewMessage`) is in
 * test/webview/harness.mjs.
 */
export function serializeWebviewMessage(message: unknown): { message: string; buffers: Uint8Array[] } {
  const buffers: ArrayBufferLike[] = [];
  const add = (b: ArrayBufferLike): number => {
    let i = buffers.indexOf(b);
    if (i < 0) i = buffers.push(b) - 1;
    return i;
  };
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: add(value) };
    if (ArrayBuffer.isView(value)) {
      const type = TYPED_ARRAY_TYPES[value.constructor.name];
      if (type) return { $$vscode_array_buffer_reference$$: true, index: add(value.buffer), view: { type, byteLength: value.byteLength, byteOffset: value.byteOffset } };
    }
    return value;
  });
  return { message: json, buffers: buffers.map((b) => new Uint8Array(b)) };
}

const TYPED_ARRAY_TYPES: Record<string, number> = {
  Int8Array: 1,
  Uint8Array: 2,
  Uint8ClampedArray: 3,
  Int16Array: 4,
  Uint16Array: 5,
  Int32Array: 6,
  Uint32Array: 7,
  Float32Array: 8,
  Float64Array: 9,
  BigInt64Array: 10,
  BigUint64Array: 11,
};
