/**
 * The canonical in-memory form of a decoded OTLP request for forwarding ("plain request"), and
 * the small helpers the rewrites use to walk it (repeated fields, attributes, AnyValues).
 *
 * The canonical in-memory form ("plain request") is what protobufjs `toObject` returns with
 * `{ longs: String, enums: Number, bytes: String }`: camelCase keys, 64-bit integers as decimal
 * strings, enums as numbers, every `bytes` field (ids included) as base64. Made by
 * `decodeRequest` (`otlpCodec.ts`) from received bodies and by `storedTrace.ts` from stored data.
 */
import type { OtlpSignal } from '../otlp/types';

/** A decoded request in the canonical form (see the file comment). */
export type PlainRequest = Record<string, unknown>;
/** One message of a plain request. */
export type Obj = Record<string, unknown>;
/** A `KeyValue` of a plain request. */
export interface KeyValue {
  key: string;
  value?: Obj;
}

/** The one repeated field of each Export…ServiceRequest. */
export const TOP_LEVEL_KEY: Readonly<Record<OtlpSignal, string>> = {
  traces: 'resourceSpans',
  logs: 'resourceLogs',
  metrics: 'resourceMetrics',
};

/** A repeated field's messages; anything but an array → `[]`. */
export function asArray(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

/** The `attributes` of a message (`[]` when absent). */
export function attributesOf(o: Obj | undefined): KeyValue[] {
  return o ? (asArray(o.attributes) as unknown as KeyValue[]) : [];
}

/** An AnyValue as text, for ids (string, int, double or bool); `undefined` otherwise or when empty. */
export function anyValueText(value: Obj | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
  if (v === undefined || v === null) return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

/** The first attribute with `key`. */
export function findAttr(attrs: readonly KeyValue[], key: string): KeyValue | undefined {
  for (const kv of attrs) if (kv && kv.key === key) return kv;
  return undefined;
}
