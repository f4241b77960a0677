/**
 * Local files named by a GenAI view, read in the back end thread (the only module of
 * src/core/genai that does I/O; normalizeSpan stays pure and only records the paths):
 *
 * - `file://` content references (`GenAiContentRef.localPath`, contentRefs.ts): a regular file of
 *   at most `MAX_CONTENT_REF_BYTES`, UTF-8 JSON (opentelemetry-util-genai `json` format: the whole
 *   array) or JSON Lines (`jsonl`: one item per line, with the `index` the hook adds, removed).
 *   Its content fills the view's empty input/output messages, system instructions or tool
 *   definitions and `ref.read` says so (the views show "read from <path>"); otherwise `ref.error`
 *   says why not (missing, not a regular file, too large, not JSON).
 * - `file://` media parts (`localPath`, media.ts): an image file of at most
 *   `MAX_LOCAL_IMAGE_BYTES` whose bytes start with a PNG, JPEG, GIF or WebP signature becomes the
 *   part's `dataUri` (shown inline under the webview's `img-src data:` policy; the webview never
 *   reads files); other files only get their size (`sizeBytes`) or `localNote` says why not.
 *
 * Files are read only when a view is built for a span's details or a trace's conversation (never
 * at ingest: opentelemetry-util-genai uploads after the span ends). Never throws: every failure
 * becomes a note. One `LocalFileReader` per request reads each file at most once.
 */
import { open, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { GenAiContentRef, GenAiMessage, GenAiMessagePart, GenAiSpanView } from '../../model/genai';
import { toInstructionParts, toMessages } from './messages';
import { imageMimeOf } from './media';
import { isRecord } from './values';

/** Largest content-reference file read (bytes). */
export const MAX_CONTENT_REF_BYTES = 1024 * 1024;
/** Largest local image read for inline display (bytes). */
export const MAX_LOCAL_IMAGE_BYTES = 4 * 1024 * 1024;

/** What reading one file gave: its bytes, or why not (and its size when known). */
export type FileRead = { ok: true; bytes: Uint8Array } | { ok: false; error: string; size?: number };

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'not a regular file';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Reads local files at most once per path and limit, bounded, regular files only. */
export class LocalFileReader {
  private readonly cache = new Map<string, Promise<FileRead>>();

  /** The file's bytes when it is a regular file of at most `maxBytes` bytes. */
  read(path: string, maxBytes: number): Promise<FileRead> {
    const key = `${maxBytes}\0${path}`;
    let p = this.cache.get(key);
    if (!p) {
      p = readBounded(path, maxBytes);
      this.cache.set(key, p);
    }
    return p;
  }

  /** The size of a regular file, or why it has none. */
  async size(path: string): Promise<{ ok: true; size: number } | { ok: false; error: string }> {
    if (!isAbsolute(path)) return { ok: false, error: 'not an absolute path' };
    try {
      const s = await stat(path);
      return s.isFile() ? { ok: true, size: s.size } : { ok: false, error: 'not a regular file' };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }
}

async function readBounded(path: string, maxBytes: number): Promise<FileRead> {
  if (!isAbsolute(path)) return { ok: false, error: 'not an absolute path' };
  try {
    const s = await stat(path);
    if (!s.isFile()) return { ok: false, error: 'not a regular file' };
    if (s.size > maxBytes) return { ok: false, error: `larger than ${formatBytes(maxBytes)} (${formatBytes(s.size)}): not read`, size: s.size };
    const handle = await open(path, 'r');
    try {
      // Read one byte more than allowed: a file that grew since stat is refused, not cut.
      const buffer = new Uint8Array(Math.min(s.size, maxBytes) + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > maxBytes) return { ok: false, error: `larger than ${formatBytes(maxBytes)}: not read` };
      return { ok: true, bytes: buffer.subarray(0, length) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

/** `1 MiB`, `3.2 KiB`, `812 B`. */
function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

/** A reference file's text as JSON, or as JSON Lines (the hook's `index` removed, items in index order). */
export function parseStoredContent(text: string): { ok: true; value: unknown; format: 'json' | 'jsonl' } | { ok: false; error: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    const value = JSON.parse(body) as unknown;
    // One JSON Lines item (the hook's `index` tells): a list of one.
    if (isRecord(value) && typeof value.index === 'number') {
      const { index: _index, ...rest } = value;
      return { ok: true, value: [rest], format: 'jsonl' };
    }
    return { ok: true, value, format: 'json' };
  } catch {
    // Not one JSON document: JSON Lines?
  }
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return { ok: false, error: 'the file is empty' };
  const items: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    try {
      items.push(JSON.parse(lines[i]!) as unknown);
    } catch (error) {
      return { ok: false, error: `not JSON or JSON Lines (line ${i + 1}: ${error instanceof Error ? error.message : String(error)})` };
    }
  }
  if (items.every((it) => isRecord(it) && typeof it.index === 'number')) {
    const indexed = items as Record<string, unknown>[];
    indexed.sort((a, b) => (a.index as number) - (b.index as number));
    return {
      ok: true,
      value: indexed.map(({ index: _index, ...rest }) => rest),
      format: 'jsonl',
    };
  }
  return { ok: true, value: items, format: 'jsonl' };
}

/** Fills one empty part of the view from a reference's content; `false` when the content is not usable. */
function fill(view: GenAiSpanView, ref: GenAiContentRef, value: unknown): boolean {
  switch (ref.content) {
    case 'input': {
      const m = toMessages(value, 'user');
      if (!m) return false;
      view.inputMessages = m;
      return true;
    }
    case 'output': {
      const m = toMessages(value, 'assistant');
      if (!m) return false;
      view.outputMessages = m;
      return true;
    }
    case 'system': {
      const p = toInstructionParts(value);
      if (!p) return false;
      view.systemInstructions = p;
      return true;
    }
    case 'tools':
      if (!Array.isArray(value)) return false;
      view.toolDefinitions = value;
      return true;
  }
}

/** `true` when the view already shows the content a reference stands for (then it is not read). */
function alreadyShown(view: GenAiSpanView, ref: GenAiContentRef): boolean {
  switch (ref.content) {
    case 'input':
      return !!view.inputMessages?.length;
    case 'output':
      return !!view.outputMessages?.length;
    case 'system':
      return !!view.systemInstructions?.length;
    case 'tools':
      return !!view.toolDefinitions?.length;
  }
}

async function resolveRef(view: GenAiSpanView, ref: GenAiContentRef, reader: LocalFileReader): Promise<void> {
  if (ref.localPath === undefined || alreadyShown(view, ref)) return;
  const file = await reader.read(ref.localPath, MAX_CONTENT_REF_BYTES);
  if (!file.ok) {
    ref.error = file.error;
    return;
  }
  const parsed = parseStoredContent(new TextDecoder('utf-8').decode(file.bytes));
  if (!parsed.ok) {
    ref.error = parsed.error;
    return;
  }
  if (!fill(view, ref, parsed.value)) {
    ref.error = `holds no ${ref.content === 'tools' ? 'tool definitions' : ref.content === 'system' ? 'system instructions' : `${ref.content} messages`}`;
    return;
  }
  ref.read = { bytes: file.bytes.length, format: parsed.format };
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp)$/i;

async function resolveMedia(part: Extract<GenAiMessagePart, { type: 'media' }>, reader: LocalFileReader): Promise<void> {
  const path = part.localPath;
  if (path === undefined || part.dataUri !== undefined) return;
  const image = part.modality === 'image' || (part.mimeType?.startsWith('image/') ?? false) || IMAGE_EXTENSIONS.test(path);
  if (!image) {
    const s = await reader.size(path);
    if (s.ok) part.sizeBytes = s.size;
    else part.localNote = s.error;
    return;
  }
  const file = await reader.read(path, MAX_LOCAL_IMAGE_BYTES);
  if (!file.ok) {
    if (file.size !== undefined) part.sizeBytes = file.size;
    part.localNote = file.error;
    return;
  }
  part.sizeBytes = file.bytes.length;
  const mime = imageMimeOf(Array.from(file.bytes.subarray(0, 12)));
  if (!mime) {
    part.localNote = 'not a PNG, JPEG, GIF or WebP image: not shown';
    return;
  }
  part.dataUri = `data:${mime};base64,${Buffer.from(file.bytes).toString('base64')}`;
  part.mimeType ??= mime;
  part.localNote = `read from ${path}`;
}

function mediaParts(view: GenAiSpanView): Extract<GenAiMessagePart, { type: 'media' }>[] {
  const parts: GenAiMessagePart[] = [...(view.systemInstructions ?? [])];
  const messages: GenAiMessage[] = [...(view.inputMessages ?? []), ...(view.outputMessages ?? [])];
  for (const m of messages) parts.push(...m.parts);
  return parts.filter((p): p is Extract<GenAiMessagePart, { type: 'media' }> => p.type === 'media' && p.localPath !== undefined);
}

/**
 * Reads the local files a view names (content references first, then the media parts of the
 * messages, including those just read) and updates the view in place. A model call whose
 * content came from its references no longer counts as "content missing".
 */
export async function resolveLocalContent(view: GenAiSpanView | null, reader: LocalFileReader = new LocalFileReader()): Promise<void> {
  if (!view) return;
  try {
    for (const ref of view.contentRefs ?? []) await resolveRef(view, ref, reader);
    if (view.contentRefs?.some((r) => r.read) && (view.inputMessages?.length || view.outputMessages?.length || view.systemInstructions?.length)) {
      delete view.contentMissing;
      delete view.contentCaptureHint;
    }
    for (const part of mediaParts(view)) await resolveMedia(part, reader);
  } catch (error) {
    // Defensive: reading files must never break the details pane or the conversation.
    (view.rawValues ??= []).push({ key: '(local files)', raw: '', note: `could not read local content: ${error instanceof Error ? error.message : String(error)}` });
  }
}
