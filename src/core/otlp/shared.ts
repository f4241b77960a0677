/**
 * Pieces shared by the OTLP protobuf and JSON decoders: result types, id/hex helpers, enum maps,
 * nanosecond formatting, and the reject-reason collector.
 *
 * Everything here is on the ingest hot path: no regex, no per-item closures, no BigInt on the
 * common path.
 */
import type { AttributeValue, Attributes, SpanKind, StatusCode } from '../../model/trace';
import { DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH, LIMIT_MARKER_KEY, itemLimitMarker } from '../../model/limits';

/**
 * Limits applied while decoding (both formats). String and bytes `AnyValue`s longer than
 * `maxAttributeValueLength` characters are cut with a marker that keeps the original length
 * (`truncateValue`, src/model/limits.ts); `AnyValue`s nested deeper than `MAX_ANY_VALUE_DEPTH`
 * become `DEPTH_LIMIT_MARKER`. The span or record that holds them is kept.
 */
export interface DecodeOptions {
  /** Characters (UTF-16 units); default `DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH`; ≤ 0 or Infinity: no limit. */
  maxAttributeValueLength?: number;
}

/** The effective string limit of `options` (Infinity for none). */
export function stringLimitOf(options: DecodeOptions | undefined): number {
  const n = options?.maxAttributeValueLength ?? DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH;
  return n > 0 ? n : Infinity;
}

/** Outcome of decoding one OTLP export request body. */
export type DecodeResult<T> = DecodeSuccess<T> | DecodeFailure;

/**
 * The body was decoded. `items` are the valid records in wire order; `rejected` counts the items
 * refused (malformed ids), `rejectReasons` holds at most {@link MAX_REJECT_REASONS} distinct
 * one-line reasons. Reported to the client as OTLP `partial_success`.
 */
export interface DecodeSuccess<T> {
  ok: true;
  items: T[];
  rejected: number;
  rejectReasons: string[];
}

/**
 * The body could not be decoded at all: `invalid` (→ HTTP 400, the default when absent) or
 * `tooLarge` (more values than the decoder takes in one request, → HTTP 413). `message` is one
 * line.
 */
export interface DecodeFailure {
  ok: false;
  message: string;
  status?: 'invalid' | 'tooLarge';
}

/**
 * Time budget (ms) of one synchronous decode slice when decoding in slices (`decodeTracesSliced`,
 * `decodeLogsSliced` in `decode.ts`): the worker's queue waits about this long behind a huge
 * request, as behind one write slice of the store (whose budget is also 30 ms). An SDK's
 * 512-span request decodes in 1–10 ms, so it never yields.
 */
export const DECODE_SLICE_BUDGET_MS = 30;

/**
 * Decoding work (one unit per item or container, per value kept, per 256 bytes read) between two
 * looks at the clock while decoding in slices: a few hundred microseconds of work, so a slice
 * overruns its budget by little, and the clock is read every ~100 spans of a normal request.
 */
export const DECODE_WORK_UNITS_PER_CLOCK_CHECK = 2_048;

/**
 * A decode in progress. `run(deadline)` continues it until it is done — then it returns the
 * result — or until `performance.now()` passes `deadline` (ms) — then it returns `null` and a
 * later `run` continues where it stopped. `run(Infinity)` finishes in one call.
 */
export interface DecodeTask<R> {
  run(deadline: number): R | null;
}

/** Metrics are counted, not stored: the number of data points across all metric kinds. */
export type MetricsDecodeResult =
  | { ok: true; dataPointCount: number; rejected: number; rejectReasons: string[] }
  | DecodeFailure;

/** At most this many distinct reasons are kept per request. */
export const MAX_REJECT_REASONS = 5;

/** Collects rejections of one request: a count plus a few distinct reasons. */
export class Rejections {
  count = 0;
  readonly reasons: string[] = [];

  add(reason: string): void {
    this.count++;
    const reasons = this.reasons;
    if (reasons.length < MAX_REJECT_REASONS && reasons.indexOf(reason) < 0) reasons.push(reason);
  }

  /** `count` items refused for one reason (kept even when the reasons are full: it names a limit). */
  addMany(count: number, reason: string): void {
    if (count <= 0) return;
    this.count += count;
    if (this.reasons.indexOf(reason) < 0) this.reasons.push(reason);
  }
}

/**
 * The reason of the items past a per-request limit (`MAX_SPANS_PER_REQUEST`,
 * `MAX_LOG_RECORDS_PER_REQUEST`), e.g. `more than 65536 spans in one request: 12 not decoded`.
 */
export function itemsPastLimitReason(what: 'spans' | 'log records', limit: number, count: number): string {
  return `more than ${limit} ${what} in one request: ${count} not decoded (Trace Lens limit per request)`;
}

/**
 * Adds the `LIMIT_MARKER_KEY` marker (src/model/limits.ts) to `attrs` when Trace Lens did not
 * keep some of the object's attributes, events or links (counts of each); nothing when all are 0.
 */
export function markLimits(attrs: Attributes, attributes: number, events = 0, links = 0): void {
  if (attributes > 0 || events > 0 || links > 0) setAttribute(attrs, LIMIT_MARKER_KEY, itemLimitMarker({ attributes, events, links }));
}

/** `HEX[b]` is the two lowercase hex digits of byte `b`. */
export const HEX: readonly string[] = (() => {
  const table: string[] = new Array<string>(256);
  for (let i = 0; i < 256; i++) table[i] = (i < 16 ? '0' : '') + i.toString(16);
  return table;
})();

/** Lowercase hex of `buf[start, end)`. */
export function bytesToHex(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[buf[i]];
  return s;
}

/** `true` when every byte of `buf[start, end)` is zero (an empty range counts as zero). */
export function allZeroBytes(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Validates an OTLP/JSON hex id (any letter case) of exactly `hexLength` characters and returns it
 * lowercased, or `null` when it has another length or a non-hex character.
 * An all-zero id is returned as is; callers check {@link isAllZeroHex}.
 */
export function normalizeHexId(value: unknown, hexLength: number): string | null {
  if (typeof value !== 'string' || value.length !== hexLength) return null;
  let upper = false;
  for (let i = 0; i < hexLength; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) continue; // 0-9
    if (c >= 97 && c <= 102) continue; // a-f
    if (c >= 65 && c <= 70) {
      upper = true; // A-F
      continue;
    }
    return null;
  }
  return upper ? value.toLowerCase() : value;
}

/** `true` when a hex string consists only of '0'. */
export function isAllZeroHex(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return false;
  return true;
}

/** OTLP `Span.SpanKind` number → model kind; unknown numbers → 'unspecified'. */
export const SPAN_KINDS: readonly SpanKind[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

export function spanKindFromNumber(n: number): SpanKind {
  return n >= 0 && n < 6 ? SPAN_KINDS[n] : 'unspecified';
}

/** OTLP `Status.StatusCode` number → model code; unknown numbers → 'unset'. */
export const STATUS_CODES: readonly StatusCode[] = ['unset', 'ok', 'error'];

export function statusCodeFromNumber(n: number): StatusCode {
  return n >= 0 && n < 3 ? STATUS_CODES[n] : 'unset';
}

/** OTLP/JSON enum names (proto3 JSON mapping allows names as well as numbers). */
export const SPAN_KIND_BY_NAME: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

export const STATUS_CODE_BY_NAME: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/** `SEVERITY_NUMBER_UNSPECIFIED` = 0 … `SEVERITY_NUMBER_FATAL4` = 24. */
export const SEVERITY_NUMBER_BY_NAME: Readonly<Record<string, number>> = (() => {
  const out: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  for (let l = 0; l < levels.length; l++) {
    for (let k = 1; k <= 4; k++) {
      out[`SEVERITY_NUMBER_${levels[l]}${k === 1 ? '' : k}`] = l * 4 + k;
    }
  }
  return out;
})();

const TWO_POW_32 = 4294967296;
/** Largest `hi` word of an unsigned 64-bit value that still fits in 2^53 - 1 as a double. */
const MAX_SAFE_HI = 0x1fffff;

let cachedHi = -1;
let cachedDiv = 0;
let cachedRem = 0;

/**
 * Exact decimal string of the unsigned 64-bit integer `hi * 2^32 + lo` (`hi`, `lo` are unsigned
 * 32-bit words). Used for fixed64 nanosecond timestamps (~1.7e18, above 2^53).
 *
 * Fast path without BigInt: `hi * 2^32 = div * 1e9 + rem` is computed exactly once per distinct
 * `hi` (cached; consecutive timestamps share `hi` for ~4.3 s), then the low word is added in
 * plain double arithmetic, which stays exact below 2^53.
 */
export function uint64ToDecimal(hi: number, lo: number): string {
  if (hi <= MAX_SAFE_HI) return String(hi * TWO_POW_32 + lo);
  if (hi !== cachedHi) {
    const base = BigInt(hi) << 32n;
    cachedDiv = Number(base / 1000000000n);
    cachedRem = Number(base % 1000000000n);
    cachedHi = hi;
  }
  const t = cachedRem + lo; // < 1e9 + 2^32, exact
  const carry = Math.floor(t / 1e9);
  const rem = t - carry * 1e9;
  const low = String(rem);
  return String(cachedDiv + carry) + (low.length === 9 ? low : '000000000'.slice(low.length) + low);
}

/**
 * A fixed64 nanosecond time from its words, as `uint64ToDecimal`, clamped to
 * {@link MAX_TIME_UNIX_NANO} (see {@link clampTimeUnixNano}).
 */
export function timeToDecimal(hi: number, lo: number): string {
  return hi >= 0x80000000 ? MAX_TIME_UNIX_NANO : uint64ToDecimal(hi, lo);
}

/**
 * A signed 64-bit integer from its two's-complement words as an {@link AttributeValue}: a number
 * when it is a safe integer (|v| ≤ 2^53 - 1), otherwise its exact decimal string.
 */
export function int64ToAttribute(hi: number, lo: number): number | string {
  if (hi <= MAX_SAFE_HI) return hi * TWO_POW_32 + lo; // 0 ≤ v < 2^53
  if (hi >= 0xffe00000) {
    // negative; v = (hi - 2^32) * 2^32 + lo ≥ -2^53
    const v = (hi - TWO_POW_32) * TWO_POW_32 + lo;
    if (v >= -Number.MAX_SAFE_INTEGER) return v;
  }
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** 2^63 - 1 as a decimal string: the latest time the store can hold (2262-04-11T23:47:16.854775807Z). */
export const MAX_TIME_UNIX_NANO = '9223372036854775807';

/**
 * Clamps a decimal unsigned 64-bit time to {@link MAX_TIME_UNIX_NANO}: OTLP times are fixed64,
 * but values past year 2262 are nonsense (a broken clock or a bug) and SQLite's INTEGER is
 * signed. The span keeps its place, at the far end of the time axis, instead of being rejected.
 */
export function clampTimeUnixNano(decimal: string): string {
  return decimal.length > 19 || (decimal.length === 19 && decimal > MAX_TIME_UNIX_NANO) ? MAX_TIME_UNIX_NANO : decimal;
}

/**
 * Normalizes an OTLP/JSON unsigned 64-bit value (fixed64 timestamp) given as a decimal string or
 * a number. Returns the canonical decimal string, '0' for absent/empty, or `null` when invalid.
 */
export function jsonUint64ToDecimal(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return '0';
  if (typeof value === 'string') {
    const n = value.length;
    let first = 0;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      if (c === 48 && first === i && i < n - 1) first = i + 1; // strip leading zeros
    }
    if (n - first > 20) return null;
    const s = first === 0 ? value : value.slice(first);
    if (s.length === 20 && s > '18446744073709551615') return null;
    return s;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    const t = Math.trunc(value);
    return t <= Number.MAX_SAFE_INTEGER ? String(t) : BigInt(t).toString();
  }
  return null;
}

/** `jsonUint64ToDecimal` for times: clamped to {@link MAX_TIME_UNIX_NANO}; `null` when invalid. */
export function jsonTimeToDecimal(value: unknown): string | null {
  const decimal = jsonUint64ToDecimal(value);
  return decimal === null ? null : clampTimeUnixNano(decimal);
}

/**
 * Normalizes an OTLP/JSON int64 (AnyValue `intValue`) given as a number or decimal string to an
 * {@link AttributeValue}: a number when it is a safe integer, else the exact decimal string.
 * Returns `null` when invalid.
 */
export function jsonInt64ToAttribute(value: unknown): number | string | null {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    if (!Number.isFinite(value)) return null;
    return BigInt(Math.trunc(value)).toString();
  }
  if (typeof value === 'string') {
    const n = value.length;
    if (n === 0) return null;
    const i = value.charCodeAt(0) === 45 ? 1 : 0; // '-'
    if (i === n) return null;
    for (let j = i; j < n; j++) {
      const c = value.charCodeAt(j);
      if (c < 48 || c > 57) return null;
    }
    if (n - i <= 15) return Number(value);
    const big = BigInt(value);
    if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
    const num = Number(big);
    return Number.isSafeInteger(num) ? num : big.toString();
  }
  return null;
}

/** Non-finite doubles are not JSON-safe: they become the proto3 JSON strings. */
export function doubleToAttribute(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Sets `attrs[key] = value` as an own enumerable property, also for the key `__proto__`
 * (a plain assignment would change the prototype instead).
 */
export function setAttribute(attrs: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attrs[key] = value;
  }
}

/** `event.name` attribute → model `eventName` fallback (logs before `LogRecord.event_name`). */
export function eventNameFromAttributes(attrs: Attributes): string {
  const v = attrs['event.name'];
  return typeof v === 'string' ? v : '';
}
