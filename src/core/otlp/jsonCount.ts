/**
 * Counts the values of an OTLP/JSON body before `JSON.parse` builds them: `JSON.parse` is one
 * synchronous call that cannot be cut short, so a body's size in values must be known first
 * (`MAX_JSON_VALUES_PER_REQUEST`, src/model/limits.ts). Counted outside strings: `{`, `[` (each
 * object or array) and `,` (each further element or member), over the UTF-8 bytes (no byte of a
 * multi-byte sequence is ASCII). Long strings are skipped with the native `indexOf`.
 *
 * Resumable: `advance(stop)` counts up to about byte `stop` (a string may carry it further), so a
 * large body is counted in slices between which the worker answers queries.
 */

/** Bytes of a string scanned byte by byte before switching to `indexOf` for its closing quote. */
const INLINE_STRING_BYTES = 32;

/** The value count of one body in progress; {@link done} once the whole body is counted. */
export class JsonValueCounter {
  /** Values counted so far. */
  count = 0;
  private pos = 0;
  private inString = false;
  private readonly buf: Buffer;

  constructor(body: Uint8Array) {
    this.buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  /** The byte where counting continues. */
  get position(): number {
    return this.pos;
  }

  /** `true` once the whole body is counted. */
  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Counts from where the last call stopped to about byte `stop` (at most the end of the body). */
  advance(stop: number): void {
    const b = this.buf;
    const len = b.length;
    const until = stop < len ? stop : len;
    let i = this.pos;
    let n = this.count;
    let inString = this.inString;
    while (i < until) {
      if (inString) {
        i = endOfString(b, i, len);
        inString = false;
        continue;
      }
      const c = b[i++];
      if (c === 0x22) inString = true; // "
      else if (c === 0x2c || c === 0x7b || c === 0x5b) n++; // , { [
    }
    this.pos = i;
    this.count = n;
    this.inString = inString;
  }
}

/** The index after the closing quote of the string whose content starts at `i` (`len` if unterminated). */
function endOfString(b: Buffer, i: number, len: number): number {
  const inlineEnd = i + INLINE_STRING_BYTES < len ? i + INLINE_STRING_BYTES : len;
  while (i < inlineEnd) {
    const c = b[i++];
    if (c === 0x22) return i;
    if (c === 0x5c) i++; // backslash: the next byte is escaped
  }
  if (i >= len) return len;
  // Long string: jump from quote to quote; a quote preceded by an odd number of backslashes is escaped.
  for (;;) {
    const q = b.indexOf(0x22, i);
    if (q < 0) return len;
    let backslashes = 0;
    // Bytes before `i` are settled (an escape is never split across `i`), so the run starts at `i` at the earliest.
    for (let k = q - 1; k >= i && b[k] === 0x5c; k--) backslashes++;
    if ((backslashes & 1) === 0) return q + 1;
    i = q + 1;
  }
}
