/**
 * OTLP request bodies for forwarding: pass-through merging, re-encoding between OTLP/JSON and
 * protobuf, and the per-target rewrites (Langfuse id propagation, resource attributes,
 * redaction). Runs in the back end thread (it pulls in protobufjs through `protoRoot.ts`).
 *
 * The canonical in-memory form ("plain request") is what protobufjs `toObject` returns with
 * `{ longs: String, enums: Number, bytes: String }`: camelCase keys, 64-bit integers as decimal
 * strings, enums as numbers, every `bytes` field (ids included) as base64. From there:
 * - protobuf out: `Type.fromObject` → `encode` (the vendored protos, `protoRoot.ts`);
 * - OTLP/JSON out: ids (`traceId`, `spanId`, `parentSpanId`) turned into hex, as the OTLP/JSON
 *   encoding requires; everything else is already proto3-JSON.
 * OTLP/JSON in: snake_case keys camelCased (both are legal), hex ids turned into base64, then
 * `fromObject` + `toObject` canonicalize enum names and int64 numbers.
 *
 * Losslessness: resource, scope, attributes, events, links, status, flags, dropped counts and
 * timestamps survive every path (tested by round trips). Fields unknown to the vendored protos are
 * lost on a re-encode; that is why bodies are forwarded byte-for-byte when no rewrite is needed.
 */
import type { OtlpFormat, OtlpSignal } from '../otlp/types';
import { OTLP_MESSAGES, otlpType } from '../otlp/protoRoot';
import type { TargetRewrites } from './types';

/** A decoded request in the canonical form (see the file comment). */
export type PlainRequest = Record<string, unknown>;
type Obj = Record<string, unknown>;
interface KeyValue {
  key: string;
  value?: Obj;
}

const REQUEST_TYPE: Readonly<Record<OtlpSignal, string>> = {
  traces: OTLP_MESSAGES.traceRequest,
  logs: OTLP_MESSAGES.logsRequest,
  metrics: OTLP_MESSAGES.metricsRequest,
};

/** The one repeated field of each Export…ServiceRequest. */
export const TOP_LEVEL_KEY: Readonly<Record<OtlpSignal, string>> = {
  traces: 'resourceSpans',
  logs: 'resourceLogs',
  metrics: 'resourceMetrics',
};
const TOP_LEVEL_SNAKE: Readonly<Record<OtlpSignal, string>> = {
  traces: 'resource_spans',
  logs: 'resource_logs',
  metrics: 'resource_metrics',
};

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, arrays: false } as const;
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

// ───────────────────────────── decode / encode ─────────────────────────────

/** Decodes one request body (already decompressed). Throws for an undecodable body. */
export function decodeRequest(signal: OtlpSignal, format: OtlpFormat, body: Uint8Array): PlainRequest {
  const type = otlpType(REQUEST_TYPE[signal]);
  if (format === 'protobuf') return type.toObject(type.decode(body), TO_OBJECT);
  const json: unknown = JSON.parse(utf8Decoder.decode(body));
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('OTLP/JSON body is not an object');
  const normalized = jsonIdsToBase64(camelizeKeys(json)) as Obj;
  return type.toObject(type.fromObject(normalized), TO_OBJECT);
}

/** Encodes a plain request as the target's body format. */
export function encodeRequest(signal: OtlpSignal, format: OtlpFormat, request: PlainRequest): Uint8Array {
  const type = otlpType(REQUEST_TYPE[signal]);
  if (format === 'protobuf') return type.encode(type.fromObject(request)).finish();
  return utf8.encode(JSON.stringify(base64IdsToHex(request)));
}

/** One request holding the resources of all `requests` (OTLP requests are just lists of resources). */
export function mergeRequests(signal: OtlpSignal, requests: readonly PlainRequest[]): PlainRequest {
  const key = TOP_LEVEL_KEY[signal];
  const all: unknown[] = [];
  for (const r of requests) {
    const list = r[key];
    if (Array.isArray(list)) for (const item of list) all.push(item);
  }
  return { [key]: all };
}

/**
 * Pass-through batching, no decode: binary protobuf requests concatenate into one valid request
 * (a repeated field's entries simply accumulate); OTLP/JSON requests are spliced at the text level
 * (`{"resourceSpans":[…a…,…b…]}`), so numbers and unknown fields stay exactly as sent. Returns
 * `null` when a JSON body does not have the expected top-level shape (the caller re-encodes).
 */
export function concatBodies(signal: OtlpSignal, format: OtlpFormat, bodies: readonly Uint8Array[]): Uint8Array | null {
  if (bodies.length === 1) return bodies[0];
  if (format === 'protobuf') {
    const total = bodies.reduce((n, b) => n + b.byteLength, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const b of bodies) {
      out.set(b, offset);
      offset += b.byteLength;
    }
    return out;
  }
  const inners: string[] = [];
  for (const body of bodies) {
    const inner = topLevelArrayInner(utf8Decoder.decode(body), [TOP_LEVEL_KEY[signal], TOP_LEVEL_SNAKE[signal]]);
    if (inner === null) return null;
    if (inner !== '') inners.push(inner);
  }
  return utf8.encode(`{"${TOP_LEVEL_KEY[signal]}":[${inners.join(',')}]}`);
}

/**
 * The text between the brackets of the top-level array under one of `keys` of a JSON object
 * ('' when absent or empty); `null` when `text` is not a JSON object this scanner can walk.
 * Only the top level is tokenized; nested values are skipped by bracket matching.
 */
export function topLevelArrayInner(text: string, keys: readonly string[]): string | null {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = (): boolean => {
    // at '"'
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        return true;
      } else i++;
    }
    return false;
  };
  const skipValue = (): boolean => {
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      let depth = 0;
      while (i < n) {
        const d = text[i];
        if (d === '"') {
          if (!skipString()) return false;
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) {
            i++;
            return true;
          }
        }
        i++;
      }
      return false;
    }
    const start = i;
    while (i < n && !',}] \n\r\t'.includes(text[i])) i++;
    return i > start;
  };

  ws();
  if (text[i] !== '{') return null;
  i++;
  let found = '';
  for (;;) {
    ws();
    if (text[i] === '}') break;
    if (text[i] !== '"') return null;
    const keyStart = i;
    if (!skipString()) return null;
    let key: string;
    try {
      key = JSON.parse(text.slice(keyStart, i)) as string;
    } catch {
      return null;
    }
    ws();
    if (text[i] !== ':') return null;
    i++;
    ws();
    const valueStart = i;
    if (!skipValue()) return null;
    if (keys.includes(key)) {
      if (text[valueStart] === '[') found = text.slice(valueStart + 1, i - 1).trim();
      else if (text.slice(valueStart, i) !== 'null') return null;
    }
    ws();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') break;
    return null;
  }
  i++;
  ws();
  return i === n ? found : null;
}

function camelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  if (value !== null && typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      const camel = k.includes('_') ? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : k;
      // A camelCase key wins over its snake_case twin (proto3 JSON parsers accept both).
      if (camel !== k && Object.prototype.hasOwnProperty.call(value, camel)) continue;
      out[camel] = camelizeKeys(v);
    }
    return out;
  }
  return value;
}

/** OTLP/JSON ids are hex; protobufjs wants bytes as base64. Non-hex strings are left as they are. */
function jsonIdsToBase64(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonIdsToBase64);
  if (value !== null && typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      if (ID_KEYS.has(k) && typeof v === 'string' && /^(?:[0-9a-fA-F]{2})*$/.test(v)) out[k] = Buffer.from(v, 'hex').toString('base64');
      else out[k] = jsonIdsToBase64(v);
    }
    return out;
  }
  return value;
}

function base64IdsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(base64IdsToHex);
  if (value !== null && typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      out[k] = ID_KEYS.has(k) && typeof v === 'string' ? Buffer.from(v, 'base64').toString('hex') : base64IdsToHex(v);
    }
    return out;
  }
  return value;
}

// ───────────────────────────── rewrites ─────────────────────────────

/** `true` when `rewrites` change anything (otherwise bodies may pass through untouched). */
export function needsRewrite(signal: OtlpSignal, rewrites: TargetRewrites): boolean {
  return (
    (signal === 'traces' && rewrites.propagateLangfuseIds) ||
    Object.keys(rewrites.resourceAttributes).length > 0 ||
    rewrites.redaction.dropContent ||
    rewrites.redaction.patterns.length > 0
  );
}

/** Trace id (base64) → session and user ids seen so far; bounded, oldest forgotten first. */
export class TraceIdMemory {
  private readonly map = new Map<string, { sessionId?: string; userId?: string }>();
  constructor(private readonly capacity = 10_000) {}

  get(traceId: string): { sessionId?: string; userId?: string } | undefined {
    return this.map.get(traceId);
  }

  set(traceId: string, ids: { sessionId?: string; userId?: string }): void {
    this.map.delete(traceId);
    this.map.set(traceId, ids);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}

export const LANGFUSE_SESSION_ID = 'langfuse.session.id';
export const LANGFUSE_USER_ID = 'langfuse.user.id';
/** Where a session id is looked for, in order (span attributes first, then resource attributes). */
export const SESSION_ID_SOURCES = [LANGFUSE_SESSION_ID, 'session.id', 'gen_ai.conversation.id'] as const;
export const USER_ID_SOURCES = [LANGFUSE_USER_ID, 'user.id', 'enduser.id'] as const;

/** Attributes that carry message content (prompts, completions, tool arguments/results, documents). */
export const CONTENT_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.prompt',
  'gen_ai.completion',
  'input.value',
  'output.value',
  'traceloop.entity.input',
  'traceloop.entity.output',
  'langfuse.observation.input',
  'langfuse.observation.output',
  'langfuse.trace.input',
  'langfuse.trace.output',
  'ai.prompt',
  'ai.prompt.messages',
  'ai.response.text',
  'ai.response.toolCalls',
  'ai.response.object',
  'ai.toolCall.args',
  'ai.toolCall.result',
  'tool_arguments',
  'tool_response',
  'events',
]);
/** On span events and log records only: the attributes of the older per-message events. */
const EVENT_CONTENT_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set(['content', 'message', 'body', 'tool_calls']);
export const CONTENT_ATTRIBUTE_PREFIXES: readonly string[] = [
  'gen_ai.prompt.',
  'gen_ai.completion.',
  'llm.input_messages.',
  'llm.output_messages.',
  'retrieval.documents.',
];
/** Span events and log events that carry message content. */
export const CONTENT_EVENT_NAMES: ReadonlySet<string> = new Set([
  'gen_ai.content.prompt',
  'gen_ai.content.completion',
  'gen_ai.content.completion.chunk',
  'llm.content.completion.chunk',
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
  'gen_ai.client.inference.operation.details',
]);

export const REDACTED = '[REDACTED]';

function isContentKey(key: string, onEvent: boolean): boolean {
  if (CONTENT_ATTRIBUTE_KEYS.has(key)) return true;
  if (onEvent && EVENT_CONTENT_ATTRIBUTE_KEYS.has(key)) return true;
  return CONTENT_ATTRIBUTE_PREFIXES.some((p) => key.startsWith(p));
}

function asArray(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

function attributesOf(o: Obj | undefined): KeyValue[] {
  return o ? (asArray(o.attributes) as unknown as KeyValue[]) : [];
}

/** An AnyValue as text, for ids (string, int, double or bool); `undefined` otherwise or when empty. */
function anyValueText(value: Obj | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
  if (v === undefined || v === null) return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

function findAttr(attrs: readonly KeyValue[], key: string): KeyValue | undefined {
  for (const kv of attrs) if (kv && kv.key === key) return kv;
  return undefined;
}

function firstId(attrsList: readonly (readonly KeyValue[])[], keys: readonly string[]): string | undefined {
  for (const key of keys) {
    for (const attrs of attrsList) {
      const found = anyValueText(findAttr(attrs, key)?.value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Applies `rewrites` to `request` in place (the request is a private copy made by `decodeRequest`;
 * stored data is never touched). `memory` carries Langfuse ids across batches of one target.
 */
export function applyRewrites(signal: OtlpSignal, request: PlainRequest, rewrites: TargetRewrites, memory?: TraceIdMemory): void {
  const resources = asArray(request[TOP_LEVEL_KEY[signal]]);

  const extra = Object.entries(rewrites.resourceAttributes);
  if (extra.length > 0) {
    for (const rs of resources) {
      const resource = (rs.resource ??= {}) as Obj;
      const attrs = (Array.isArray(resource.attributes) ? resource.attributes : (resource.attributes = [])) as KeyValue[];
      for (const [key, value] of extra) if (!findAttr(attrs, key)) attrs.push({ key, value: { stringValue: value } });
    }
  }

  if (signal === 'traces' && rewrites.propagateLangfuseIds) propagateLangfuseIds(resources, memory ?? new TraceIdMemory());

  const { dropContent, patterns } = rewrites.redaction;
  if (dropContent) dropContentFrom(signal, resources);
  if (patterns.length > 0) {
    const regexes = patterns.map((p) => new RegExp(p, 'g'));
    redactStrings(request, regexes);
  }
}

/**
 * Langfuse wants trace-level ids on every span. Per trace (ids found on any of its spans in this
 * request, else remembered from earlier requests): spans without `langfuse.session.id` get the
 * trace's session id (from `langfuse.session.id`, `session.id`, `gen_ai.conversation.id`, on the
 * span or its resource), spans without `langfuse.user.id` the user id (`langfuse.user.id`,
 * `user.id`, `enduser.id`). Values are copied as strings; nothing else is changed.
 */
function propagateLangfuseIds(resources: readonly Obj[], memory: TraceIdMemory): void {
  type Found = { sessionId?: string; userId?: string };
  const found = new Map<string, Found>();
  const spans: { span: Obj; traceId: string }[] = [];
  for (const rs of resources) {
    const resourceAttrs = attributesOf(rs.resource as Obj | undefined);
    for (const ss of asArray(rs.scopeSpans)) {
      for (const span of asArray(ss.spans)) {
        const traceId = typeof span.traceId === 'string' ? span.traceId : '';
        spans.push({ span, traceId });
        const attrs = attributesOf(span);
        const f = found.get(traceId) ?? {};
        f.sessionId ??= firstId([attrs, resourceAttrs], SESSION_ID_SOURCES);
        f.userId ??= firstId([attrs, resourceAttrs], USER_ID_SOURCES);
        found.set(traceId, f);
      }
    }
  }
  for (const [traceId, f] of found) {
    const remembered = memory.get(traceId) ?? {};
    const merged = { sessionId: remembered.sessionId ?? f.sessionId, userId: remembered.userId ?? f.userId };
    if (merged.sessionId !== undefined || merged.userId !== undefined) memory.set(traceId, merged);
    found.set(traceId, merged);
  }
  for (const { span, traceId } of spans) {
    const ids = found.get(traceId);
    if (!ids) continue;
    const attrs = (Array.isArray(span.attributes) ? span.attributes : (span.attributes = [])) as KeyValue[];
    if (ids.sessionId !== undefined && !findAttr(attrs, LANGFUSE_SESSION_ID)) attrs.push({ key: LANGFUSE_SESSION_ID, value: { stringValue: ids.sessionId } });
    if (ids.userId !== undefined && !findAttr(attrs, LANGFUSE_USER_ID)) attrs.push({ key: LANGFUSE_USER_ID, value: { stringValue: ids.userId } });
  }
}

function withoutContent(o: Obj, onEvent: boolean): void {
  if (Array.isArray(o.attributes)) {
    const kept = (o.attributes as KeyValue[]).filter((kv) => !isContentKey(kv.key, onEvent));
    const dropped = (o.attributes as KeyValue[]).length - kept.length;
    o.attributes = kept;
    if (dropped > 0) o.droppedAttributesCount = (Number(o.droppedAttributesCount) || 0) + dropped;
  }
}

function eventNameOf(o: Obj): string {
  if (typeof o.eventName === 'string' && o.eventName) return o.eventName;
  if (typeof o.name === 'string' && o.name) return o.name;
  return anyValueText(findAttr(attributesOf(o), 'event.name')?.value) ?? '';
}

function dropContentFrom(signal: OtlpSignal, resources: readonly Obj[]): void {
  if (signal === 'traces') {
    for (const rs of resources) {
      for (const ss of asArray(rs.scopeSpans)) {
        for (const span of asArray(ss.spans)) {
          withoutContent(span, false);
          if (Array.isArray(span.events)) {
            const kept = (span.events as Obj[]).filter((e) => !CONTENT_EVENT_NAMES.has(eventNameOf(e)));
            const dropped = (span.events as Obj[]).length - kept.length;
            for (const e of kept) withoutContent(e, true);
            span.events = kept;
            if (dropped > 0) span.droppedEventsCount = (Number(span.droppedEventsCount) || 0) + dropped;
          }
        }
      }
    }
  } else if (signal === 'logs') {
    for (const rl of resources) {
      for (const sl of asArray(rl.scopeLogs)) {
        for (const record of asArray(sl.logRecords)) {
          const name = eventNameOf(record);
          if (CONTENT_EVENT_NAMES.has(name) || name.startsWith('gen_ai.')) {
            delete record.body;
            withoutContent(record, true);
          }
        }
      }
    }
  }
}

/** Replaces every match of `regexes` in every string value (attributes, event attributes, log bodies). */
function redactStrings(value: unknown, regexes: readonly RegExp[]): void {
  if (Array.isArray(value)) {
    for (const v of value) redactStrings(v, regexes);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Obj;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'stringValue' && typeof v === 'string') {
      let s = v;
      for (const re of regexes) {
        re.lastIndex = 0;
        s = s.replace(re, REDACTED);
      }
      o[k] = s;
    } else if (typeof v === 'object' && v !== null) {
      redactStrings(v, regexes);
    }
  }
}

/**
 * Builds the protobufjs schema and its generated codecs now (~100–200 ms, once per worker), so the
 * first re-encode does not stall an ingest burst. Called after a forwarding configuration arrives.
 */
export function warmUpCodecs(): void {
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    const empty = decodeRequest(signal, 'protobuf', new Uint8Array(0));
    encodeRequest(signal, 'protobuf', empty);
    decodeRequest(signal, 'json', encodeRequest(signal, 'json', empty));
  }
}

// ───────────────────────────── one batch → one body ─────────────────────────────

export interface BodySource {
  format: OtlpFormat;
  /** Decompressed request body as received. */
  body: Uint8Array;
}

/**
 * One request body for `target` from queued request bodies of one signal: byte-for-byte (protobuf
 * concatenated, JSON spliced) when the formats match and no rewrite applies, otherwise decoded,
 * merged, rewritten and re-encoded. Throws when a body cannot be decoded (the caller drops it).
 */
export function buildBody(
  signal: OtlpSignal,
  sources: readonly BodySource[],
  out: OtlpFormat,
  rewrites: TargetRewrites,
  memory?: TraceIdMemory,
): { body: Uint8Array; reencoded: boolean } {
  if (!needsRewrite(signal, rewrites) && sources.every((s) => s.format === out)) {
    const passthrough = concatBodies(signal, out, sources.map((s) => s.body));
    if (passthrough) return { body: passthrough, reencoded: false };
  }
  const merged = mergeRequests(signal, sources.map((s) => decodeRequest(signal, s.format, s.body)));
  applyRewrites(signal, merged, rewrites, memory);
  return { body: encodeRequest(signal, out, merged), reencoded: true };
}
