/**
 * Deterministic OTLP trace payloads for the benchmarks (issue 8).
 *
 * A stream is a sequence of spans grouped into traces and cut into export requests of
 * `requestSpans` spans (the BatchSpanProcessor default is 512), so a trace may straddle two
 * requests, as with a real exporter. Everything follows from `StreamSpec`: the same spec gives
 * byte-identical requests in any process.
 *
 * - Ids are pure functions of the seed and the trace/span index (`traceIdHex`, `spanIdHex`), so a
 *   process that did not generate the stream can still name a trace (the server queries the
 *   10,000-span trace by id). Their low bytes are the index, so they never collide.
 * - Everything else (names, attribute values, durations, errors, which message variant an LLM span
 *   carries) comes from a seeded `Math.imul` PRNG (mulberry32) that walks the stream in order.
 *
 * Profiles (the figures of docs/performance.md are measured with them):
 * - `small`: 10 short attributes per span (≈400 B/span as protobuf).
 * - `agent`: `small`, and every 4th span is an LLM call carrying `gen_ai.input.messages` (≈8 KB)
 *   and `gen_ai.output.messages` (≈2 KB) in the OTel GenAI JSON message format.
 * - `code`: `small` plus `code.*` attributes on every span and an exception event with a Node stack
 *   on error spans (the worst case of the store's per-file code index).
 *
 * Shapes: 512-span requests, 50-span traces, and optionally one trace of `bigTraceSpans` spans
 * (10,000) starting at trace index `bigTraceIndex`. Within a trace, span i > 0 has parent
 * ⌊(i−1)/7⌋ (a 7-ary tree: depth 2–3 for 50 spans, 5 for 10,000) and starts after it.
 *
 * Encodings: OTLP/protobuf written with protobufjs's `Writer` (field numbers from the vendored
 * opentelemetry-proto `trace.proto`/`common.proto`, listed below), and OTLP/JSON (hex ids, int64
 * as decimal strings, enums as numbers) per the OTLP/HTTP JSON mapping. `checkPayloads` decodes
 * both with the project's decoders and compares them.
 */
import protobuf from 'protobufjs';
import { decodeTraces } from '../src/core/otlp/decode';

/** Payload profile; see the module comment. */
export type Profile = 'small' | 'agent' | 'code';

/** Wire format of a request body (OTLP/HTTP `Content-Type`). */
export type WireFormat = 'protobuf' | 'json';

/** Everything that determines a span stream. */
export interface StreamSpec {
  profile: Profile;
  /** PRNG seed; different seeds give different ids and content. */
  seed: number;
  /** Spans in the whole stream. */
  totalSpans: number;
  /** Spans per export request (the last request may be smaller). */
  requestSpans: number;
  /** Spans per ordinary trace. */
  spansPerTrace: number;
  /** Spans of the one big trace; 0 for none. */
  bigTraceSpans: number;
  /** Trace index at which the big trace starts (ordinary traces before and after it). */
  bigTraceIndex: number;
}

/** The benchmark defaults: 512-span requests, 50-span traces, one 10,000-span trace as trace #2. */
export function streamSpec(profile: Profile, totalSpans: number, overrides: Partial<StreamSpec> = {}): StreamSpec {
  return { profile, seed: 8, totalSpans, requestSpans: 512, spansPerTrace: 50, bigTraceSpans: 0, bigTraceIndex: 2, ...overrides };
}

/** One span, in the generator's own shape (converted to protobuf or JSON by the encoders). */
interface GenSpan {
  traceIndex: number;
  spanIndex: number;
  /** Index of the parent within the stream (-1: root). */
  parentSpanIndex: number;
  name: string;
  /** OTLP SpanKind number: 1 internal, 3 client. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: GenAttribute[];
  /** Status code: 0 unset, 2 error. */
  status: number;
  exception: boolean;
}

type GenAttribute = readonly [key: string, kind: 's' | 'i' | 'b' | 'd', value: string | number | boolean];

/** mulberry32: a 32-bit `Math.imul` PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit mix of two integers (for ids). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Trace id (32 lowercase hex digits) of trace `traceIndex`: 64 mixed bits, then the index. */
export function traceIdHex(seed: number, traceIndex: number): string {
  return hex32(mix(seed, traceIndex)) + hex32(mix(traceIndex, seed ^ 0x5bd1e995)) + '00000000' + hex32(traceIndex + 1);
}

/** Span id (16 lowercase hex digits) of stream span `spanIndex`: 32 mixed bits, then the index. */
export function spanIdHex(seed: number, spanIndex: number): string {
  return hex32(mix(seed ^ 0x1b873593, spanIndex) | 1) + hex32(spanIndex + 1);
}

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4', 'gemini-2.5-flash'];
const TOOLS = ['search', 'fetch_page', 'summarize', 'read_file', 'run_sql'];
const ROUTES = ['/v1/chat/completions', '/v1/embeddings', '/v1/responses'];
const WORDS = (
  'the of and to in is that for it as with was on be by this are or at from an have not they which one you were her all ' +
  'she there would their we him been has when who will more no if out so said what up its about into than them can only ' +
  'other new some could time these two may then do first any my now such like our over man me even most made after also ' +
  'weather forecast temperature city report search result summary table query document source answer question tool call'
).split(' ');

/** A text of about `bytes` characters of words picked by `rand`. */
function words(rand: () => number, bytes: number): string {
  const out: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = WORDS[Math.floor(rand() * WORDS.length)]!;
    out.push(w);
    n += w.length + 1;
  }
  return out.join(' ');
}

/**
 * The token that `SEARCH_NEEDLE_EVERY`-th LLM spans carry in their input messages: what the text
 * search benchmark looks for (selective: about 1 in 1,000 LLM spans).
 */
export const SEARCH_NEEDLE = 'ticket ZX-4711';
const SEARCH_NEEDLE_EVERY = 1000;
const MESSAGE_VARIANTS = 32;

/** Input/output message variants of the agent profile, built once per seed. */
interface AgentTexts {
  inputs: string[];
  outputs: string[];
  needleInput: string;
}

const agentTextCache = new Map<number, AgentTexts>();
function agentTexts(seed: number): AgentTexts {
  let t = agentTextCache.get(seed);
  if (t) return t;
  const rand = mulberry32(seed ^ 0xa5a5a5a5);
  const input = (needle: string) => {
    // OTel GenAI `gen_ai.input.messages`: system + alternating user/assistant turns, ≈8 KB.
    const messages: object[] = [{ role: 'system', parts: [{ type: 'text', content: `You are a helpful agent. ${words(rand, 300)}` }] }];
    for (let i = 0; i < 14; i++) {
      const content = words(rand, 520) + (i === 13 && needle ? ` ${needle}` : '');
      messages.push({ role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', content }] });
    }
    return JSON.stringify(messages);
  };
  const inputs = Array.from({ length: MESSAGE_VARIANTS }, () => input(''));
  const outputs = Array.from({ length: MESSAGE_VARIANTS }, () =>
    JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: words(rand, 1950) }], finish_reason: 'stop' }]),
  );
  t = { inputs, outputs, needleInput: input(SEARCH_NEEDLE) };
  agentTextCache.set(seed, t);
  return t;
}

const CODE_STACK = [
  'RateLimitError: rate limited',
  '    at Client.send (/srv/app/node_modules/openai/core.js:391:19)',
  '    at async step (file:///srv/app/agents/module7.mjs:42:11)',
  '    at async run (file:///srv/app/agents/main.mjs:12:3)',
].join('\n');

/** 2026-01-01T00:00:00Z in ns; trace k starts k ms later. */
const BASE_NS = 1_767_225_600_000_000_000n;
const SPAN_STEP_NS = 20_000n;

/** Where trace `traceIndex` begins in the stream and how many spans it has. */
function traceLayout(spec: StreamSpec, traceIndex: number): { firstSpan: number; spans: number } {
  const { spansPerTrace: per, bigTraceSpans: big, bigTraceIndex: at } = spec;
  if (big === 0 || traceIndex < at) return { firstSpan: traceIndex * per, spans: per };
  if (traceIndex === at) return { firstSpan: at * per, spans: big };
  return { firstSpan: at * per + big + (traceIndex - at - 1) * per, spans: per };
}

/** Trace index and index within the trace of stream span `spanIndex`. */
function locate(spec: StreamSpec, spanIndex: number): { traceIndex: number; indexInTrace: number } {
  const { spansPerTrace: per, bigTraceSpans: big, bigTraceIndex: at } = spec;
  if (big === 0 || spanIndex < at * per) return { traceIndex: Math.floor(spanIndex / per), indexInTrace: spanIndex % per };
  if (spanIndex < at * per + big) return { traceIndex: at, indexInTrace: spanIndex - at * per };
  const rest = spanIndex - at * per - big;
  return { traceIndex: at + 1 + Math.floor(rest / per), indexInTrace: rest % per };
}

/** Ids of one trace of a stream, for queries: the trace id and its spans' ids in stream order. */
export function traceIds(spec: StreamSpec, traceIndex: number): { traceId: string; spanIds: string[] } {
  const { firstSpan, spans } = traceLayout(spec, traceIndex);
  return {
    traceId: traceIdHex(spec.seed, traceIndex),
    spanIds: Array.from({ length: spans }, (_, i) => spanIdHex(spec.seed, firstSpan + i)),
  };
}

/**
 * Generates the requests of a stream in order. Not restartable: request k depends on the PRNG
 * state left by requests 0…k−1, so always start from request 0.
 */
export class PayloadStream {
  readonly requestCount: number;
  private next = 0;
  private readonly rand: () => number;
  private readonly texts: AgentTexts | undefined;
  private llmSpans = 0;

  constructor(readonly spec: StreamSpec) {
    this.requestCount = Math.ceil(spec.totalSpans / spec.requestSpans);
    this.rand = mulberry32(spec.seed);
    this.texts = spec.profile === 'agent' ? agentTexts(spec.seed) : undefined;
  }

  /** `true` while requests remain. */
  get hasNext(): boolean {
    return this.next < this.requestCount;
  }

  /** The next request as a body in `format`, and its span count. */
  nextRequest(format: WireFormat): { body: Uint8Array; spans: number } {
    const spans = this.nextSpans();
    return { body: format === 'protobuf' ? encodeProtobuf(this.spec, spans) : encodeJson(this.spec, spans), spans: spans.length };
  }

  private nextSpans(): GenSpan[] {
    if (!this.hasNext) throw new Error('PayloadStream: no requests left');
    const first = this.next * this.spec.requestSpans;
    const last = Math.min(this.spec.totalSpans, first + this.spec.requestSpans);
    this.next++;
    const out: GenSpan[] = [];
    for (let s = first; s < last; s++) out.push(this.span(s));
    return out;
  }

  private span(spanIndex: number): GenSpan {
    const rand = this.rand;
    const spec = this.spec;
    const { traceIndex, indexInTrace: i } = locate(spec, spanIndex);
    const { spans: traceSpans, firstSpan } = traceLayout(spec, traceIndex);
    const parentInTrace = i === 0 ? -1 : Math.floor((i - 1) / 7);
    const traceStart = BASE_NS + BigInt(traceIndex) * 1_000_000n;
    const startNs = traceStart + BigInt(i) * SPAN_STEP_NS;
    // Later spans end earlier, so every parent (lower index) covers its children.
    const endNs = traceStart + BigInt(traceSpans - i) * SPAN_STEP_NS + BigInt(i) * SPAN_STEP_NS + BigInt(Math.floor(rand() * 15_000));
    const model = MODELS[Math.floor(rand() * MODELS.length)]!;
    const error = rand() < 0.02;
    // Every 4th span (i = 1, 5, 9, …) is an LLM call; in the agent profile it carries messages.
    const llm = i % 4 === 1;
    let name: string;
    let kind: number;
    if (i === 0) {
      name = 'invoke_agent research_assistant';
      kind = 1;
    } else if (llm) {
      name = `chat ${model}`;
      kind = 3;
    } else if (i % 4 === 2) {
      name = `execute_tool ${TOOLS[Math.floor(rand() * TOOLS.length)]}`;
      kind = 1;
    } else {
      name = `POST ${ROUTES[Math.floor(rand() * ROUTES.length)]}`;
      kind = 3;
    }
    const attributes: GenAttribute[] = [
      ['http.request.method', 's', 'POST'],
      ['url.path', 's', ROUTES[i % ROUTES.length]!],
      ['http.response.status_code', 'i', error ? 500 : 200],
      ['server.address', 's', 'api.example.test'],
      ['gen_ai.system', 's', 'openai'],
      ['gen_ai.request.model', 's', model],
      ['gen_ai.usage.input_tokens', 'i', 200 + Math.floor(rand() * 4000)],
      ['gen_ai.usage.output_tokens', 'i', 20 + Math.floor(rand() * 800)],
      ['retry', 'b', rand() < 0.1],
      ['gen_ai.request.temperature', 'd', Math.round(rand() * 10) / 10],
    ];
    if (spec.profile === 'agent' && llm) {
      const t = this.texts!;
      const needle = ++this.llmSpans % SEARCH_NEEDLE_EVERY === 0;
      attributes.push(['gen_ai.operation.name', 's', 'chat']);
      attributes.push(['gen_ai.input.messages', 's', needle ? t.needleInput : t.inputs[Math.floor(rand() * t.inputs.length)]!]);
      attributes.push(['gen_ai.output.messages', 's', t.outputs[Math.floor(rand() * t.outputs.length)]!]);
    }
    if (spec.profile === 'code') {
      attributes.push(['code.file.path', 's', `/srv/app/agents/module${spanIndex % 40}.py`]);
      attributes.push(['code.line.number', 'i', 10 + (spanIndex % 50)]);
      attributes.push(['code.function.name', 's', `agents.module${spanIndex % 40}.step`]);
    }
    return {
      traceIndex,
      spanIndex,
      parentSpanIndex: parentInTrace < 0 ? -1 : firstSpan + parentInTrace,
      name,
      kind,
      startNs,
      endNs,
      attributes,
      status: error ? 2 : 0,
      exception: spec.profile === 'code' && error,
    };
  }
}

// ── OTLP/protobuf ───────────────────────────────────────────────────────────────────────────────
// Field numbers (opentelemetry-proto, vendored under src/core/otlp/proto):
//   ExportTraceServiceRequest: 1 resource_spans
//   ResourceSpans: 1 resource, 2 scope_spans          Resource: 1 attributes
//   ScopeSpans: 1 scope, 2 spans                      InstrumentationScope: 1 name, 2 version
//   Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 7 start_time_unix_nano
//         (fixed64), 8 end_time_unix_nano (fixed64), 9 attributes, 11 events, 15 status
//   Span.Event: 1 time_unix_nano (fixed64), 2 name, 3 attributes
//   Status: 2 message, 3 code                         KeyValue: 1 key, 2 value
//   AnyValue: 1 string_value, 2 bool_value, 3 int_value, 4 double_value

const LEN = 2;
const VARINT = 0;
const FIXED64 = 1;
const tag = (field: number, wire: number) => (field << 3) | wire;

function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}

function writeFixed64(w: protobuf.Writer, field: number, ns: bigint): void {
  // protobufjs takes any {low, high} pair (LongBits.from), so no Long library is needed.
  const bits = { low: Number(ns & 0xffffffffn) | 0, high: Number(ns >> 32n) | 0, unsigned: true };
  w.uint32(tag(field, FIXED64)).fixed64(bits as unknown as number);
}

/**
 * Encoded `KeyValue` messages by key and value: most attribute values repeat (the agent profile's
 * messages are 32 variants), and re-encoding 10 KB of UTF-8 per span would make the load
 * generator, not the receiver, the bottleneck. Bounded by the generator's value sets.
 */
const keyValueCache = new Map<string, Map<string | number | boolean, Uint8Array>>();

function keyValueBytes([key, kind, value]: GenAttribute): Uint8Array {
  // Keyed by the key alone: a key always has one value kind in this generator.
  let byValue = keyValueCache.get(key);
  if (!byValue) keyValueCache.set(key, (byValue = new Map()));
  let bytes = byValue.get(value);
  if (!bytes) {
    const w = protobuf.Writer.create();
    w.uint32(tag(1, LEN)).string(key);
    w.uint32(tag(2, LEN)).fork();
    if (kind === 's') w.uint32(tag(1, LEN)).string(value as string);
    else if (kind === 'b') w.uint32(tag(2, VARINT)).bool(value as boolean);
    else if (kind === 'i') w.uint32(tag(3, VARINT)).int64(value as number);
    else w.uint32(tag(4, FIXED64)).double(value as number);
    w.ldelim();
    bytes = w.finish();
    byValue.set(value, bytes);
  }
  return bytes;
}

function writeAttribute(w: protobuf.Writer, field: number, attribute: GenAttribute): void {
  w.uint32(tag(field, LEN)).bytes(keyValueBytes(attribute));
}

/** Id bytes of one request, memoized (a trace's id and a parent's id repeat within a request). */
function idCache(seed: number): { trace: (i: number) => Uint8Array; span: (i: number) => Uint8Array } {
  const traces = new Map<number, Uint8Array>();
  const spans = new Map<number, Uint8Array>();
  return {
    trace: (i) => traces.get(i) ?? (traces.set(i, hexBytes(traceIdHex(seed, i))), traces.get(i)!),
    span: (i) => spans.get(i) ?? (spans.set(i, hexBytes(spanIdHex(seed, i))), spans.get(i)!),
  };
}

function encodeProtobuf(spec: StreamSpec, spans: GenSpan[]): Uint8Array {
  const ids = idCache(spec.seed);
  const w = protobuf.Writer.create();
  w.uint32(tag(1, LEN)).fork(); // resource_spans
  w.uint32(tag(1, LEN)).fork(); // resource
  writeAttribute(w, 1, ['service.name', 's', 'bench-agent']);
  writeAttribute(w, 1, ['service.version', 's', '1.0.0']);
  w.ldelim();
  w.uint32(tag(2, LEN)).fork(); // scope_spans
  w.uint32(tag(1, LEN)).fork(); // scope
  w.uint32(tag(1, LEN)).string('trace-lens-bench');
  w.uint32(tag(2, LEN)).string('1.0.0');
  w.ldelim();
  for (const s of spans) {
    w.uint32(tag(2, LEN)).fork();
    w.uint32(tag(1, LEN)).bytes(ids.trace(s.traceIndex));
    w.uint32(tag(2, LEN)).bytes(ids.span(s.spanIndex));
    if (s.parentSpanIndex >= 0) w.uint32(tag(4, LEN)).bytes(ids.span(s.parentSpanIndex));
    w.uint32(tag(5, LEN)).string(s.name);
    w.uint32(tag(6, VARINT)).int32(s.kind); // SpanKind: 1 internal, 2 server, 3 client
    writeFixed64(w, 7, s.startNs);
    writeFixed64(w, 8, s.endNs);
    for (const a of s.attributes) writeAttribute(w, 9, a);
    if (s.exception) {
      w.uint32(tag(11, LEN)).fork();
      writeFixed64(w, 1, s.endNs - 1000n);
      w.uint32(tag(2, LEN)).string('exception');
      writeAttribute(w, 3, ['exception.type', 's', 'RateLimitError']);
      writeAttribute(w, 3, ['exception.message', 's', 'rate limited']);
      writeAttribute(w, 3, ['exception.stacktrace', 's', CODE_STACK]);
      w.ldelim();
    }
    if (s.status !== 0) {
      w.uint32(tag(15, LEN)).fork();
      w.uint32(tag(2, LEN)).string('upstream failed');
      w.uint32(tag(3, VARINT)).int32(s.status);
      w.ldelim();
    }
    w.ldelim();
  }
  w.ldelim(); // scope_spans
  w.ldelim(); // resource_spans
  return w.finish();
}

// ── OTLP/JSON ───────────────────────────────────────────────────────────────────────────────────

/** OTLP/JSON `KeyValue` texts by key and value (see `keyValueCache`). */
const jsonKeyValueCache = new Map<string, Map<string | number | boolean, string>>();

function jsonAttribute([key, kind, value]: GenAttribute): string {
  let byValue = jsonKeyValueCache.get(key);
  if (!byValue) jsonKeyValueCache.set(key, (byValue = new Map()));
  let text = byValue.get(value);
  if (text === undefined) {
    const v =
      kind === 's' ? `{"stringValue":${JSON.stringify(value)}}`
      : kind === 'b' ? `{"boolValue":${value}}`
      : kind === 'i' ? `{"intValue":"${value}"}`
      : `{"doubleValue":${value}}`;
    text = `{"key":${JSON.stringify(key)},"value":${v}}`;
    byValue.set(value, text);
  }
  return text;
}

function encodeJson(spec: StreamSpec, spans: GenSpan[]): Uint8Array {
  const parts: string[] = [];
  for (const s of spans) {
    let span =
      `{"traceId":"${traceIdHex(spec.seed, s.traceIndex)}","spanId":"${spanIdHex(spec.seed, s.spanIndex)}",` +
      (s.parentSpanIndex >= 0 ? `"parentSpanId":"${spanIdHex(spec.seed, s.parentSpanIndex)}",` : '') +
      `"name":${JSON.stringify(s.name)},"kind":${s.kind},"startTimeUnixNano":"${s.startNs}","endTimeUnixNano":"${s.endNs}",` +
      `"attributes":[${s.attributes.map(jsonAttribute).join(',')}]`;
    if (s.exception) {
      span +=
        `,"events":[{"timeUnixNano":"${s.endNs - 1000n}","name":"exception","attributes":[` +
        [jsonAttribute(['exception.type', 's', 'RateLimitError']), jsonAttribute(['exception.message', 's', 'rate limited']), jsonAttribute(['exception.stacktrace', 's', CODE_STACK])].join(',') +
        ']}]';
    }
    if (s.status !== 0) span += `,"status":{"code":${s.status},"message":"upstream failed"}`;
    parts.push(span + '}');
  }
  const resource = `{"attributes":[${jsonAttribute(['service.name', 's', 'bench-agent'])},${jsonAttribute(['service.version', 's', '1.0.0'])}]}`;
  const text = `{"resourceSpans":[{"resource":${resource},"scopeSpans":[{"scope":{"name":"trace-lens-bench","version":"1.0.0"},"spans":[${parts.join(',')}]}]}]}`;
  return Buffer.from(text, 'utf8');
}

/**
 * Self-check of the encoders: the first `requests` requests of `spec` decode without rejections
 * through the project's protobuf and JSON decoders, to the same spans.
 * @throws Error naming the first difference.
 */
export function checkPayloads(spec: StreamSpec, requests = 2): void {
  const proto = new PayloadStream(spec);
  const json = new PayloadStream(spec);
  for (let r = 0; r < requests && proto.hasNext; r++) {
    const a = decodeTraces(proto.nextRequest('protobuf').body, 'protobuf');
    const b = decodeTraces(json.nextRequest('json').body, 'json');
    if (!a.ok || !b.ok) throw new Error(`payload check: decode failed: ${!a.ok ? a.message : ''} ${!b.ok ? b.message : ''}`);
    if (a.rejected || b.rejected) throw new Error(`payload check: rejected spans: ${[...a.rejectReasons, ...b.rejectReasons].join('; ')}`);
    const sa = JSON.stringify(a.items.map((s) => ({ ...s, resource: undefined, scope: undefined })));
    const sb = JSON.stringify(b.items.map((s) => ({ ...s, resource: undefined, scope: undefined })));
    if (sa !== sb) throw new Error(`payload check: protobuf and JSON requests ${r} decode differently`);
  }
}
