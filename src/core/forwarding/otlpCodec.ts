/**
 * Re-encoding OTLP request bodies for forwarding: OTLP protobuf and OTLP/JSON ↔ the plain request
 * form (`plainRequest.ts`), through protobufjs and the vendored protos (`protoRoot.ts`). Runs in
 * the back end thread (it pulls in protobufjs through `protoRoot.ts`).
 *
 * From the plain form:
 * - protobuf out: `Type.fromObject` → `encode` (the vendored protos, `protoRoot.ts`);
 * - OTLP/JSON out: ids (`traceId`, `spanId`, `parentSpanId`) turned into hex, as the OTLP/JSON
 *   encoding requires; everything else is already proto3-JSON.
 * OTLP/JSON in: snake_case keys camelCased (both are legal), hex ids turned into base64, then
 * `fromObject` + `toObject` canonicalize enum names and int64 numbers.
 *
 * Losslessness: resource, scope, attributes, events, links, status, flags, dropped counts and
 * timestamps survive every path (tested by round trips). Fields unknown to the vendored protos are
 * lost on a re-encode; that is why bodies are forwarded byte-for-byte when no rewrite is needed
 * (`passthrough.ts`).
 */
import type { OtlpFormat, OtlpSignal } from '../otlp/types';
import { OTLP_MESSAGES, otlpType } from '../otlp/protoRoot';
import { TOP_LEVEL_KEY, type Obj, type PlainRequest } from './plainRequest';

const REQUEST_TYPE: Readonly<Record<OtlpSignal, string>> = {
  traces: OTLP_MESSAGES.traceRequest,
  logs: OTLP_MESSAGES.logsRequest,
  metrics: OTLP_MESSAGES.metricsRequest,
};

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, arrays: false } as const;
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

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
  return utf8.encode(requestToOtlpJson(request));
}

/**
 * A plain request as OTLP/JSON text (one line: no line breaks): ids in hex, everything else as in
 * the plain form (already proto3 JSON). Used for request bodies and for OTLP JSON Lines files.
 */
export function requestToOtlpJson(request: PlainRequest): string {
  return JSON.stringify(base64IdsToHex(request));
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
