/**
 * Deterministic OTLP payload generator for benchmarks (no randomness: ids come from a counter).
 * Profiles: `small` (~10 short attributes per span) and `agent` (every 4th span carries ~8 KB
 * `gen_ai.input.messages` and ~2 KB `gen_ai.output.messages`), as in shared/reference/performance.md.
 * `code`: `small` plus `code.*` attributes on every span (40 files × 50 lines) and, on error spans,
 * an exception event with a Node stack: the worst case of the per-file code index (source navigation).
 */
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

export type Profile = 'small' | 'agent' | 'code';

const PROTO_DIR = path.join(__dirname, '..', '..', 'src', 'core', 'otlp', 'proto');

let requestType: protobuf.Type | undefined;
function traceRequestType(): protobuf.Type {
  if (!requestType) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
    root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
    requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  return requestType;
}

function hex(n: number, bytes: number): string {
  return n.toString(16).padStart(bytes * 2, '0');
}

const AGENT_INPUT = JSON.stringify(Array.from({ length: 16 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', content: 'lorem ipsum dolor sit amet '.repeat(18) + i }] })));
const CODE_STACK = [
  'RateLimitError: rate limited',
  '    at Client.send (/srv/app/node_modules/openai/core.js:391:19)',
  '    at async step (file:///srv/app/agents/module7.mjs:42:11)',
  '    at async run (file:///srv/app/agents/main.mjs:12:3)',
].join('\n');
const AGENT_OUTPUT = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'the answer is '.repeat(140) }], finish_reason: 'stop' }]);

/** One OTLP/JSON-shaped request object of `spanCount` spans, `spansPerTrace` per trace. */
export function traceRequestObject(seq: number, spanCount: number, spansPerTrace: number, profile: Profile) {
  const base = 1_732_200_000_000_000_000n + BigInt(seq) * 1_000_000_000n;
  const spans = [];
  for (let i = 0; i < spanCount; i++) {
    const global = seq * spanCount + i;
    const traceIndex = Math.floor(global / spansPerTrace);
    const indexInTrace = global % spansPerTrace;
    const attributes = [
      { key: 'http.method', value: { stringValue: 'POST' } },
      { key: 'http.route', value: { stringValue: '/v1/chat/completions' } },
      { key: 'http.status_code', value: { intValue: 200 } },
      { key: 'net.peer.name', value: { stringValue: 'api.example.test' } },
      { key: 'gen_ai.system', value: { stringValue: 'openai' } },
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: 1200 + i } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: 300 } },
      { key: 'retry', value: { boolValue: false } },
      { key: 'temperature', value: { doubleValue: 0.2 } },
    ];
    if (profile === 'agent' && i % 4 === 0) {
      attributes.push({ key: 'gen_ai.input.messages', value: { stringValue: AGENT_INPUT } });
      attributes.push({ key: 'gen_ai.output.messages', value: { stringValue: AGENT_OUTPUT } });
    }
    const events: object[] = [];
    if (profile === 'code') {
      attributes.push({ key: 'code.file.path', value: { stringValue: `/srv/app/agents/module${global % 40}.py` } });
      attributes.push({ key: 'code.line.number', value: { intValue: 10 + (global % 50) } });
      attributes.push({ key: 'code.function.name', value: { stringValue: `agents.module${global % 40}.step` } });
      if (indexInTrace % 17 === 5) {
        events.push({
          name: 'exception',
          timeUnixNano: (base + BigInt(indexInTrace) * 1_000_000n + 1_000_000n).toString(),
          attributes: [
            { key: 'exception.type', value: { stringValue: 'RateLimitError' } },
            { key: 'exception.message', value: { stringValue: 'rate limited' } },
            { key: 'exception.stacktrace', value: { stringValue: CODE_STACK } },
          ],
        });
      }
    }
    const start = base + BigInt(indexInTrace) * 1_000_000n;
    spans.push({
      events,
      traceId: hex(traceIndex + 1, 16),
      spanId: hex(global + 1, 8),
      parentSpanId: indexInTrace === 0 ? '' : hex(global - indexInTrace + 1, 8),
      name: indexInTrace === 0 ? 'invoke_agent bench' : `chat gpt-4o-mini ${indexInTrace}`,
      kind: indexInTrace === 0 ? 2 : 3,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + 5_000_000n).toString(),
      attributes,
      status: { code: indexInTrace % 17 === 5 ? 2 : 0 },
    });
  }
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench-app' } }] },
      scopeSpans: [{ scope: { name: 'bench', version: '1.0.0' }, spans }],
    }],
  };
}

/** The same request as OTLP/protobuf bytes. */
export function traceRequestProtobuf(seq: number, spanCount: number, spansPerTrace: number, profile: Profile): Uint8Array {
  const obj = traceRequestObject(seq, spanCount, spansPerTrace, profile);
  const type = traceRequestType();
  const withBytes = JSON.parse(JSON.stringify(obj), (key, value) =>
    (key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof value === 'string' ? Buffer.from(value, 'hex') : value);
  return type.encode(type.fromObject(withBytes)).finish();
}

/** The same request as OTLP/JSON bytes. */
export function traceRequestJson(seq: number, spanCount: number, spansPerTrace: number, profile: Profile): Uint8Array {
  return Buffer.from(JSON.stringify(traceRequestObject(seq, spanCount, spansPerTrace, profile)));
}

/** protobufjs reflection decode of a request (the "raw decode" reference). */
export function rawDecode(body: Uint8Array): unknown {
  return traceRequestType().decode(body);
}
