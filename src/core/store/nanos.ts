/**
 * Stored times: OTLP fixed64 nanoseconds since the Unix epoch, carried as decimal strings
 * (`SpanRecord.startTimeUnixNano`), checked against what SQLite stores exactly as an INTEGER, and
 * split into two numbers for binding (sql.js marshals a string parameter with a JS loop and a
 * `malloc`, a number with one call). Internal to `src/core/store/`.
 */

/** Whole seconds and nanosecond remainder of 2^63−1 ns, the largest storable time. */
const MAX_SECONDS = 9_223_372_036;
const MAX_SECONDS_NANOS = 854_775_807;

/**
 * A stored nanosecond time split into two numbers that sql.js binds without marshalling a
 * string (`splitNanos`); the SQL puts it back together in int64 arithmetic:
 * `CAST(:x_sec AS INTEGER) * 1000000000 + CAST(:x_nsec AS INTEGER)` (the CASTs keep it INTEGER:
 * sql.js binds numbers beyond int32 as REALs).
 */
export interface NanosParts {
  /** Whole seconds: the decimal string without its last 9 digits (0 … 9,223,372,036). */
  sec: number;
  /** Its last 9 digits: nanoseconds within the second (0 … 999,999,999). */
  nsec: number;
}

/** Scratch output of `isStorableNanos`. */
const scratchParts: NanosParts = { sec: 0, nsec: 0 };

/**
 * `isStorableNanos(value)`, and when `true` also writes its value to `out` as whole seconds and
 * the nanosecond remainder (`NanosParts`; both exact JS integers). One pass over the string,
 * no allocation. `out` is left unspecified when `false`.
 */
export function splitNanos(value: unknown, out: NanosParts): value is string {
  if (typeof value !== 'string') return false;
  const n = value.length;
  if (n === 0 || n > 19) return false;
  const cut = n > 9 ? n - 9 : 0;
  let sec = 0;
  let nsec = 0;
  let i = 0;
  for (; i < cut; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    sec = sec * 10 + d;
  }
  for (; i < n; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    nsec = nsec * 10 + d;
  }
  // At most 10 digits of seconds (< 2^53): exact, so comparing numbers compares the values.
  if (sec > MAX_SECONDS || (sec === MAX_SECONDS && nsec > MAX_SECONDS_NANOS)) return false;
  out.sec = sec;
  out.nsec = nsec;
  return true;
}

/** Compares two times split by `splitNanos` (negative, 0 or positive, like `compareDecimal`). */
export function compareNanos(a: NanosParts, b: NanosParts): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

/**
 * `true` when `value` is a decimal string SQLite stores exactly as an INTEGER: 1–19 ASCII digits
 * (leading zeros allowed) and at most 2^63−1 ns (year 2262). OTLP times are fixed64, so larger
 * values are refused rather than silently stored as lossy REALs.
 */
export function isStorableNanos(value: unknown): value is string {
  return splitNanos(value, scratchParts);
}

/** Compares two decimal strings of digits as numbers (leading zeros allowed). */
export function compareDecimal(a: string, b: string): number {
  if (a[0] === '0' || b[0] === '0') {
    a = a.replace(/^0+(?=\d)/, '');
    b = b.replace(/^0+(?=\d)/, '');
  }
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
