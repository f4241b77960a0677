/** Shared helpers for the OTLP decoder tests: fixture loading and the protobufjs oracle. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type protobuf from 'protobufjs';
import type { LogRecordInfo, SpanRecord } from '../../src/model/trace';
import { OTLP_MESSAGES, otlpType } from '../../src/core/otlp/protoRoot';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'otlp');

/** Raw request body of a captured fixture (gunzipped for `.gz`, as the receiver would). */
export function fixtureBody(file: string): Uint8Array {
  const raw = readFileSync(join(FIXTURES, file));
  return new Uint8Array(file.endsWith('.gz') ? gunzipSync(raw) : raw);
}

export interface ExpectedSidecar {
  description: string;
  body: string;
  request: { method: string; path: string; headers: Record<string, string> };
  spans?: SpanRecord[];
  logs?: LogRecordInfo[];
  dataPointCount?: number;
}

export function expected(name: string): ExpectedSidecar {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as ExpectedSidecar;
}

export function byId<T extends { spanId: string | null }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(item.spanId ?? '', item);
  return map;
}

/** JSON round trip: drops `undefined` and shared-object identity, keeps what the model promises. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The parts of protobufjs `toObject` output (longs as strings, bytes as arrays) the tests read. */
export interface PbSpan {
  traceId: number[];
  spanId: number[];
  parentSpanId: number[];
  name: string;
  kind: number;
  flags: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  events: { timeUnixNano: string }[];
  links: { traceId: number[]; spanId: number[] }[];
}
export interface PbTraceRequest {
  resourceSpans: { scopeSpans: { spans: PbSpan[] }[] }[];
}
export interface PbLogsRequest {
  resourceLogs: { scopeLogs: { logRecords: { traceId: number[]; timeUnixNano: string; observedTimeUnixNano: string }[] }[] }[];
}
export interface PbMetricsRequest {
  resourceMetrics: { scopeMetrics: { metrics: Record<string, { dataPoints: unknown[] } | null>[] }[] }[];
}

/** protobufjs reflection decode + toObject: the independent oracle for ids and times. */
export function protobufjsDecode<T>(kind: 'traceRequest' | 'logsRequest' | 'metricsRequest', body: Uint8Array): T {
  const type: protobuf.Type = otlpType(OTLP_MESSAGES[kind]);
  return type.toObject(type.decode(body), { longs: String, bytes: Array, enums: Number, defaults: true, arrays: true, objects: true, oneofs: true }) as T;
}

export function hex(bytes: number[] | Uint8Array): string {
  return Buffer.from(bytes as Uint8Array).toString('hex');
}

/** Encodes an OTLP/JSON-shaped object (hex ids, string int64) as binary protobuf via protobufjs. */
export function encodeTraceRequest(request: unknown): Uint8Array {
  const type = otlpType(OTLP_MESSAGES.traceRequest);
  return type.encode(type.fromObject(hexIdsToBytes(request) as Record<string, unknown>)).finish();
}

export function encodeLogsRequest(request: unknown): Uint8Array {
  const type = otlpType(OTLP_MESSAGES.logsRequest);
  return type.encode(type.fromObject(hexIdsToBytes(request) as Record<string, unknown>)).finish();
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** protobufjs `fromObject` wants bytes as base64 or arrays: convert hex id strings to byte arrays. */
function hexIdsToBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIdsToBytes);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = ID_KEYS.has(k) && typeof v === 'string' ? Array.from(Buffer.from(v, 'hex')) : hexIdsToBytes(v);
    }
    return out;
  }
  return value;
}
