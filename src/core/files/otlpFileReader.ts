/**
 * Reading OTLP files, the pure part: which kind a file is (`jsonl`, `json`, `protobuf`, gzip or
 * not), splitting JSON Lines into numbered lines, telling an OTLP export request line from one
 * that is not (with a one-line reason), and splitting a protobuf file into its messages.
 * Decoding the requests themselves is the OTLP decoders' job (src/core/otlp/decode.ts), run by
 * the back end's `importOtlp` (`storeImport.ts`).
 *
 * Spec: OpenTelemetry specification `specification/protocol/file-exporter.md` (JSON lines file:
 * UTF-8, one JSON value per line, `\n` separator, preferred extension `jsonl`; only the top-level
 * `TracesData` / `LogsData` / `MetricsData` objects, which are wire- and JSON-identical to the
 * `Export…ServiceRequest`s; protobuf files: messages written delimited).
 */
import type { OtlpSignal } from '../otlp/types';
import type { OtlpFileKind } from './types';

/** `true` when `bytes` start with the gzip magic number (RFC 1952: 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `name` without a trailing `.gz`, lowercased. */
function baseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.gz') ? lower.slice(0, -3) : lower;
}

/** File name endings Trace Lens opens (for dialogs and the Explorer menu). */
export const OTLP_FILE_EXTENSIONS: readonly string[] = ['jsonl', 'ndjson', 'json', 'binpb', 'pb', 'protobuf', 'gz'];

/**
 * The kind of an OTLP file from its name and first (decompressed) bytes: `.jsonl`/`.ndjson` →
 * `jsonl`; `.json` → `json` (read whole; the reader falls back to lines when the file is really
 * JSON Lines); `.binpb`/`.pb`/`.protobuf` → `protobuf`; otherwise by content: `{` or `[` first
 * (after whitespace and a BOM) → `json`, anything else → `protobuf`.
 */
export function fileKindOf(name: string, head: Uint8Array): OtlpFileKind {
  const base = baseName(name);
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) return 'jsonl';
  if (base.endsWith('.json')) return 'json';
  if (base.endsWith('.binpb') || base.endsWith('.pb') || base.endsWith('.protobuf')) return 'protobuf';
  return startsLikeJson(head) ? 'json' : 'protobuf';
}

/** `true` when the first byte after whitespace (and a UTF-8 BOM) is `{` or `[`. */
export function startsLikeJson(head: Uint8Array): boolean {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return i < head.length && (head[i] === 0x7b || head[i] === 0x5b);
}

/** One line of a JSON Lines body: its 1-based number and its bytes (without `\n`). */
export interface NumberedLine {
  line: number;
  bytes: Uint8Array;
}

/** The lines of `body` (split at `\n`), numbered from `firstLine`; a final empty line is not returned. */
export function splitLines(body: Uint8Array, firstLine: number): NumberedLine[] {
  const lines: NumberedLine[] = [];
  let start = 0;
  let line = firstLine;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    lines.push({ line, bytes: body.subarray(start, end) });
    line++;
    start = end + 1;
  }
  return lines;
}

/** Number of `\n` in `bytes` (lines a chunk of whole lines holds). */
export function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** What one JSON value of a file is: an export request of a signal, nothing (blank), or not OTLP. */
export type JsonRequestKind = { ok: true; signal: OtlpSignal } | { ok: false; reason: string } | null;

const TOP_KEYS: readonly (readonly [string, OtlpSignal])[] = [
  ['resourceSpans', 'traces'],
  ['resource_spans', 'traces'],
  ['resourceLogs', 'logs'],
  ['resource_logs', 'logs'],
  ['resourceMetrics', 'metrics'],
  ['resource_metrics', 'metrics'],
];
const FIRST_KEY = /^\s*\{\s*"(resource_?[sS]pans|resource_?[lL]ogs|resource_?[mM]etrics)"\s*:/;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/**
 * Which export request a JSON value (one line, or a whole `.json` file) is. The common case is
 * answered from the first key without parsing (the decoder parses the value once afterwards);
 * otherwise the value is parsed to say why it is not OTLP: `not JSON (…)`, `not an OTLP export
 * request (a JSON array)`, `not an OTLP export request (keys: a, b)`. `{}` is an empty traces
 * request. Blank (whitespace only) → `null`.
 */
export function jsonRequestKind(bytes: Uint8Array): JsonRequestKind {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  if (i === bytes.length) return null;
  const head = latin1.decode(bytes.subarray(i, i + 256));
  const first = FIRST_KEY.exec(head);
  if (first) return { ok: true, signal: signalOfKey(first[1]) };
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes.subarray(i)));
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: `not an OTLP export request (a JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value})` };
  }
  for (const [key, signal] of TOP_KEYS) if (Object.prototype.hasOwnProperty.call(value, key)) return { ok: true, signal };
  const keys = Object.keys(value);
  if (keys.length === 0) return { ok: true, signal: 'traces' };
  const shown = keys.slice(0, 5).map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k));
  return { ok: false, reason: `not an OTLP export request (keys: ${shown.join(', ')}${keys.length > 5 ? ', …' : ''})` };
}

function signalOfKey(key: string): OtlpSignal {
  const lower = key.toLowerCase();
  return lower.endsWith('spans') ? 'traces' : lower.endsWith('logs') ? 'logs' : 'metrics';
}

/**
 * The messages of a binary OTLP file: the whole file when it reads as one export request (every
 * top-level field is field 1, `resource_spans`/`resource_logs`/`resource_metrics`, length-
 * delimited, and they fill the file exactly), else the messages of a length-delimited stream (a
 * varint size before each, the specification's protobuf file form) when those fill the file
 * exactly, else the whole file (the decoder then says what is wrong).
 */
export function protobufMessages(bytes: Uint8Array): Uint8Array[] {
  if (tilesAsRequest(bytes, 0, bytes.length)) return [bytes];
  const messages: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const size = readVarint(bytes, pos);
    if (!size) return [bytes];
    const start = size.next;
    const end = start + size.value;
    if (end > bytes.length || !tilesAsRequest(bytes, start, end)) return [bytes];
    messages.push(bytes.subarray(start, end));
    pos = end;
  }
  return messages.length > 0 ? messages : [bytes];
}

/** `true` when bytes [start, end) are a sequence of field-1 length-delimited fields, exactly. */
function tilesAsRequest(bytes: Uint8Array, start: number, end: number): boolean {
  let pos = start;
  while (pos < end) {
    if (bytes[pos] !== 0x0a) return false;
    const size = readVarint(bytes, pos + 1);
    if (!size) return false;
    pos = size.next + size.value;
  }
  return pos === end;
}

/** A base-128 varint (at most 5 bytes: sizes below 2^32) at `pos`, or `null`. */
function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } | null {
  let value = 0;
  let factor = 1;
  for (let i = 0; i < 5 && pos + i < bytes.length; i++) {
    const b = bytes[pos + i];
    value += (b & 0x7f) * factor;
    if (b < 0x80) return { value, next: pos + i + 1 };
    factor *= 128;
  }
  return null;
}
