/**
 * Bounded decompression of OTLP request bodies (`Content-Encoding` gzip or deflate), in the back
 * end thread. The limit is enforced while inflating (zlib `maxOutputLength`), so a compression
 * bomb fails before its output is allocated.
 */
import * as zlib from 'node:zlib';
import type { ContentEncoding } from '../otlp/types';

/** Outcome of `decompress`: the bytes, or why not (`tooLarge` → HTTP 413, `invalid` → 400). */
export type DecompressResult = { ok: true; data: Uint8Array } | { ok: false; status: 'invalid' | 'tooLarge'; message: string };

/** Decompresses `body`; `tooLarge` when the output would exceed `maxBytes` (checked while inflating, never allocated). */
export function decompress(body: Uint8Array, encoding: ContentEncoding, maxBytes: number): DecompressResult {
  if (encoding === 'identity') {
    return body.byteLength > maxBytes
      ? { ok: false, status: 'tooLarge', message: `body of ${body.byteLength} bytes exceeds the limit of ${maxBytes} bytes` }
      : { ok: true, data: body };
  }
  try {
    const options = { maxOutputLength: maxBytes };
    const data = encoding === 'gzip' ? zlib.gunzipSync(body, options) : inflateAny(body, options);
    return { ok: true, data };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, status: 'tooLarge', message: `decompressed body exceeds the limit of ${maxBytes} bytes` };
    }
    return { ok: false, status: 'invalid', message: `cannot decompress ${encoding} body: ${(error as Error).message}` };
  }
}

/** `deflate` means zlib-wrapped deflate (RFC 9110); some clients send raw deflate, accept both. */
function inflateAny(body: Uint8Array, options: zlib.ZlibOptions): Buffer {
  try {
    return zlib.inflateSync(body, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw error;
    return zlib.inflateRawSync(body, options);
  }
}
