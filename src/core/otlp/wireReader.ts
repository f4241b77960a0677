/**
 * A minimal protobuf wire-format reader for the OTLP decoders (proto3, little-endian).
 *
 * Why not protobufjs `Type.decode`: it builds an intermediate message tree with a `Long` object per
 * fixed64 timestamp, which we would then walk again to build the model. Reading the wire format
 * straight into the model skips both steps (see `reference/performance.md` §2). The protobufjs
 * Root in `protoRoot.ts` stays the schema of record and the independent oracle in tests.
 *
 * Errors: every read is bounds-checked; malformed input throws {@link WireError}.
 */

import { bytesToHex } from './shared';
import { truncateValue } from '../../model/limits';

/** Malformed protobuf input (truncated, bad varint, bad length, unsupported wire type). */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Wire types. */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const SGROUP = 3;
const EGROUP = 4;
const I32 = 5;

const textDecoder = new TextDecoder('utf-8');

/**
 * Node's native Buffer slicers (undocumented but stable since Node 0.x; `Buffer#toString` calls
 * them after argument checks). Used when present, else `toString`.
 */
interface NodeSlicers {
  utf8Slice?(start: number, end: number): string;
  latin1Slice?(start: number, end: number): string;
  hexSlice?(start: number, end: number): string;
}
const proto = Buffer.prototype as unknown as NodeSlicers;
const HAS_SLICERS = typeof proto.utf8Slice === 'function' && typeof proto.latin1Slice === 'function' && typeof proto.hexSlice === 'function';

/**
 * Cache of short strings that repeat across spans and requests (attribute keys, span and event
 * names), keyed by an FNV-1a hash of their bytes and verified byte by byte. A hit skips the UTF-8
 * decode and returns the same string object, which V8 has already internalized as a property key,
 * so `attributes[key] = value` is cheaper. Direct-mapped: a collision simply replaces the entry.
 */
const CACHE_SLOTS = 2048;
const CACHE_MAX_BYTES = 64;
const cacheBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(CACHE_SLOTS);
const cacheStrings: string[] = new Array<string>(CACHE_SLOTS);

export class WireReader {
  readonly buf: Uint8Array;
  /** Same bytes as a Node Buffer (zero-copy) for fast UTF-8 and base64. */
  private readonly nodeBuf: Buffer;
  private readonly view: DataView;
  pos = 0;
  /** High / low 32-bit words of the last {@link varint64} or {@link fixed64} read (unsigned). */
  hi = 0;
  lo = 0;

  /**
   * Longest string `AnyValue` kept by {@link valueString}, in characters (Infinity: no limit).
   * @param maxStringLength see `DecodeOptions.maxAttributeValueLength`.
   */
  constructor(buf: Uint8Array, readonly maxStringLength = Infinity) {
    this.buf = buf;
    this.nodeBuf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Reads a tag (`field << 3 | wireType`) as an unsigned 32-bit number. */
  tag(): number {
    const buf = this.buf;
    const pos = this.pos;
    // Fast path: one-byte tags (fields 1..15).
    if (pos < buf.length) {
      const b = buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        if (b === 0) throw new WireError(`invalid tag 0 at byte ${pos}`);
        return b;
      }
    }
    const t = this.varint32();
    if (t >>> 3 === 0) throw new WireError(`invalid field number 0 at byte ${pos}`);
    return t;
  }

  /** Reads a varint and returns its low 32 bits as an unsigned number (consumes up to 10 bytes). */
  varint32(): number {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    for (; shift < 35; shift += 7) {
      if (pos >= len) throw new WireError(`truncated varint at byte ${pos}`);
      const b = buf[pos++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    // Bits above 32 are dropped (int32 negatives are sign-extended to 10 bytes).
    for (let i = 5; i < 10; i++) {
      if (pos >= len) throw new WireError(`truncated varint at byte ${pos}`);
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw new WireError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** Reads a 64-bit varint into {@link hi}/{@link lo} (two's complement for negatives). */
  varint64(): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= len) throw new WireError(`truncated varint at byte ${pos}`);
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        this.pos = pos;
        return;
      }
    }
    if (pos >= len) throw new WireError(`truncated varint at byte ${pos}`);
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) throw new WireError(`varint longer than 10 bytes at byte ${this.pos}`);
        if (pos >= len) throw new WireError(`truncated varint at byte ${pos}`);
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    this.pos = pos;
  }

  /** Reads a little-endian fixed32 as an unsigned number. */
  fixed32(): number {
    const buf = this.buf;
    const p = this.pos;
    if (p + 4 > buf.length) throw new WireError(`truncated fixed32 at byte ${p}`);
    this.pos = p + 4;
    return (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
  }

  /** Reads a little-endian fixed64 into {@link hi}/{@link lo}. */
  fixed64(): void {
    const buf = this.buf;
    const p = this.pos;
    if (p + 8 > buf.length) throw new WireError(`truncated fixed64 at byte ${p}`);
    this.pos = p + 8;
    this.lo = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
    this.hi = (buf[p + 4] | (buf[p + 5] << 8) | (buf[p + 6] << 16) | (buf[p + 7] << 24)) >>> 0;
  }

  /** Reads a little-endian IEEE-754 double. */
  double(): number {
    const p = this.pos;
    if (p + 8 > this.buf.length) throw new WireError(`truncated double at byte ${p}`);
    this.pos = p + 8;
    return this.view.getFloat64(p, true);
  }

  /**
   * Reads the length prefix of a LEN field and returns the end offset of its payload; the payload
   * must fit before `end` (the end of the enclosing message).
   */
  lenEnd(end: number): number {
    const n = this.varint32();
    const e = this.pos + n;
    if (n > 0x7fffffff || e > end) {
      throw new WireError(`length ${n} at byte ${this.pos} exceeds the enclosing message`);
    }
    return e;
  }

  /** Reads a LEN field as a UTF-8 string (invalid sequences become U+FFFD). */
  string(end: number): string {
    const e = this.lenEnd(end);
    const s = this.pos;
    this.pos = e;
    return s === e ? '' : this.utf8(s, e);
  }

  /**
   * Like {@link string}, for `AnyValue.string_value`: a string longer than
   * {@link maxStringLength} characters is cut with a marker that states its length
   * (`truncateValue`). A UTF-8 payload of n bytes has at most n characters, so shorter payloads
   * skip the check.
   */
  valueString(end: number): string {
    const e = this.lenEnd(end);
    const s = this.pos;
    this.pos = e;
    if (s === e) return '';
    const str = this.utf8(s, e);
    return e - s > this.maxStringLength ? truncateValue(str, this.maxStringLength) : str;
  }

  /**
   * Like {@link string}, for short strings that repeat (attribute keys, names): served from a
   * process-wide cache when the same bytes were seen before.
   */
  repeatedString(end: number): string {
    const e = this.lenEnd(end);
    const s = this.pos;
    this.pos = e;
    const n = e - s;
    if (n === 0) return '';
    if (n > CACHE_MAX_BYTES) return this.utf8(s, e);
    const buf = this.buf;
    let h = 0x811c9dc5 ^ n;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h >>> 0) & (CACHE_SLOTS - 1);
    const cached = cacheBytes[slot];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached[i] === buf[s + i]) i++;
      if (i === n) return cacheStrings[slot];
    }
    const str = this.utf8(s, e);
    // A copy (Buffer#slice would be a view that pins, and may alias, the request body).
    cacheBytes[slot] = Uint8Array.prototype.slice.call(buf, s, e);
    cacheStrings[slot] = str;
    return str;
  }

  /** UTF-8 of `buf[s, e)`; ASCII takes the cheaper latin1 path. */
  private utf8(s: number, e: number): string {
    const nb = this.nodeBuf as unknown as NodeSlicers;
    if (!HAS_SLICERS) return this.nodeBuf.toString('utf8', s, e);
    if (e - s <= 64) {
      const buf = this.buf;
      let i = s;
      while (i < e && buf[i] < 0x80) i++;
      if (i === e) return nb.latin1Slice!(s, e);
    }
    return nb.utf8Slice!(s, e);
  }

  /** Lowercase hex of `buf[start, end)` (ids): native when available, else the byte→hex table. */
  hex(start: number, end: number): string {
    if (HAS_SLICERS) return (this.nodeBuf as unknown as NodeSlicers).hexSlice!(start, end);
    return bytesToHex(this.buf, start, end);
  }

  /** Base64 of `buf[start, end)`. */
  base64(start: number, end: number): string {
    return this.nodeBuf.toString('base64', start, end);
  }

  /** Skips the payload of a field whose tag was just read. */
  skip(tag: number, end: number): void {
    switch (tag & 7) {
      case VARINT:
        this.varint32();
        break;
      case I64:
        if (this.pos + 8 > end) throw new WireError(`truncated fixed64 at byte ${this.pos}`);
        this.pos += 8;
        break;
      case LEN:
        this.pos = this.lenEnd(end);
        break;
      case I32:
        if (this.pos + 4 > end) throw new WireError(`truncated fixed32 at byte ${this.pos}`);
        this.pos += 4;
        break;
      case SGROUP: {
        // Deprecated groups: skip nested fields until the matching end-group tag.
        const field = tag >>> 3;
        for (;;) {
          if (this.pos >= end) throw new WireError(`unterminated group ${field}`);
          const t = this.tag();
          if ((t & 7) === EGROUP) {
            if (t >>> 3 !== field) throw new WireError(`mismatched end group ${t >>> 3}`);
            break;
          }
          this.skip(t, end);
        }
        break;
      }
      default:
        throw new WireError(`invalid wire type ${tag & 7} at byte ${this.pos}`);
    }
    if (this.pos > end) throw new WireError(`field overruns its message at byte ${end}`);
  }
}

/**
 * Decodes a whole body as UTF-8 (the JSON decoder's input): invalid sequences become U+FFFD and a
 * leading byte-order mark is dropped, as `TextDecoder` does.
 */
export function decodeUtf8(body: Uint8Array): string {
  const start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  if (!HAS_SLICERS) return textDecoder.decode(start === 0 ? body : body.subarray(start));
  const nodeBuf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return (nodeBuf as unknown as NodeSlicers).utf8Slice!(start, nodeBuf.length);
}
