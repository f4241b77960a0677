/**
 * Cuts a byte stream of JSON Lines into chunks of whole lines with their first line number, for
 * `importOtlp` requests (src/core/files/types.ts). Bounded memory: at most one chunk plus one line
 * is held; a line longer than `maxLineBytes` is dropped (reported with its number) without being
 * held. Pure (no I/O): the file import and the file watcher feed it.
 */
import { countNewlines } from './otlpFileReader';
import type { LineProblem } from './types';

/** Whole lines of a stream: `body` (ends with `\n`, except the last chunk of `end()`), numbered from `firstLine`. */
export interface LineChunk {
  body: Uint8Array;
  firstLine: number;
}

/** Default chunk size (bytes of whole lines per `importOtlp` request). */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Default longest line kept (bytes); OTLP/HTTP bodies past this are rare. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export class LineChunker {
  private parts: Uint8Array[] = [];
  private size = 0;
  /** Offset (in the held bytes) just past the last `\n`, 0 when none. */
  private wholeEnd = 0;
  /** Number of the first held line. */
  private line = 1;
  /** Dropping an over-long line until its `\n`. */
  private skipping = false;

  constructor(
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  /** Number of the next line not handed out yet. */
  get nextLine(): number {
    return this.line;
  }

  /**
   * Takes `bytes`; returns the chunks of whole lines ready (each at least `chunkBytes`, or any size
   * when `chunkBytes` is 0) and the over-long lines dropped.
   */
  push(bytes: Uint8Array): { chunks: LineChunk[]; problems: LineProblem[] } {
    const problems: LineProblem[] = [];
    let data = bytes;
    if (this.skipping) {
      const nl = data.indexOf(0x0a);
      if (nl < 0) return { chunks: [], problems };
      this.skipping = false;
      this.line++;
      data = data.subarray(nl + 1);
    }
    if (data.length > 0) {
      const last = data.lastIndexOf(0x0a);
      if (last >= 0) this.wholeEnd = this.size + last + 1;
      this.parts.push(data);
      this.size += data.length;
    }
    const chunks: LineChunk[] = [];
    if (this.wholeEnd > 0 && this.wholeEnd >= this.chunkBytes) chunks.push(this.take(this.wholeEnd));
    if (this.size - this.wholeEnd > this.maxLineBytes) {
      // The held partial line is too long: report it, drop it, skip to its end.
      if (this.wholeEnd > 0) chunks.push(this.take(this.wholeEnd));
      problems.push({ line: this.line, reason: `line longer than ${this.maxLineBytes} bytes, not read` });
      this.parts = [];
      this.size = 0;
      this.skipping = true;
    }
    return { chunks, problems };
  }

  /** The stream ended: everything held (a last line without `\n` included). */
  end(): LineChunk[] {
    if (this.skipping || this.size === 0) return [];
    return [this.take(this.size)];
  }

  /** Whole lines (complete up to `\n`) held, handed out now whatever their size. */
  flushWhole(): LineChunk[] {
    return this.wholeEnd > 0 ? [this.take(this.wholeEnd)] : [];
  }

  /** Forgets what is held and starts again at line 1 (a watched file was truncated or replaced). */
  reset(): void {
    this.parts = [];
    this.size = 0;
    this.wholeEnd = 0;
    this.line = 1;
    this.skipping = false;
  }

  private take(n: number): LineChunk {
    const all = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    const body = new Uint8Array(n);
    body.set(all.subarray(0, n));
    const rest = all.subarray(n);
    this.parts = rest.length > 0 ? [new Uint8Array(rest)] : [];
    this.size = rest.length;
    this.wholeEnd = 0;
    const firstLine = this.line;
    this.line += countNewlines(body);
    return { body, firstLine };
  }
}
