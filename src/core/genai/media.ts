/**
 * Multimodal message parts → the `media` part of `GenAiMessagePart`.
 *
 * Shapes (docs/genai-conventions.md §1.5 and the libraries' own):
 * - OTel GenAI (v1.38+): `{type:'blob', modality, mime_type?, content: base64}`,
 *   `{type:'file', modality, file_id, mime_type?}`, `{type:'uri', modality, uri, mime_type?}`.
 * - OpenAI: `{type:'image_url', image_url:{url}}` (an https URL or a `data:` URL),
 *   `{type:'input_image', image_url}`, `{type:'input_audio', input_audio:{data, format}}`.
 * - Anthropic: `{type:'image'|'document', source:{type:'base64', media_type, data} | {type:'url', url}}`.
 * - Vercel AI SDK: `{type:'file', mediaType, data}` (data: base64, a `data:` URL or an http URL),
 *   `{type:'image', image, mimeType}`.
 * - OpenInference: `{type:'image', image:{image:{url}}}`.
 *
 * Inline bytes are kept only for an image whose decoded bytes start with a PNG, JPEG, GIF or WebP
 * signature (SVG and anything else never: it is shown inline by the webview under its
 * `img-src data:` policy), as a `data:` URI of at most `MAX_INLINE_IMAGE_CHARS`; other inline
 * data is described by its size. `file://` URIs get `localPath` (the back end may read an image
 * from there, src/core/genai/localContent.ts). Pure; never throws.
 */
import type { GenAiMessagePart } from '../../model/genai';
import { fileUriToPath, isRecord, str } from './values';

type MediaPart = Extract<GenAiMessagePart, { type: 'media' }>;

/** Longest `data:` URI kept for inline display (characters; ~4.5 MiB of image). */
export const MAX_INLINE_IMAGE_CHARS = 6 * 1024 * 1024;

/** Raster image types shown inline, by their file signature. */
const SIGNATURES: readonly { mime: string; test: (b: readonly number[]) => boolean }[] = [
  { mime: 'image/png', test: (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x) },
  { mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/gif', test: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
  { mime: 'image/webp', test: (b) => b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50 },
];

/** The raster image type of the first bytes of a file, or `undefined`. */
export function imageMimeOf(bytes: readonly number[]): string | undefined {
  return SIGNATURES.find((s) => s.test(bytes))?.mime;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The first `n` bytes of base64 text (no validation beyond the alphabet). */
function base64Head(text: string, n: number): number[] {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length && out.length < n; i++) {
    const v = B64.indexOf(text[i]!);
    if (v < 0) break;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return out;
}

/** Decoded size of base64 text (whitespace ignored), or `undefined` when it is not base64. */
export function base64Size(text: string): number | undefined {
  const t = text.replace(/\s+/g, '');
  if (t.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  const pad = t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0;
  return Math.floor((t.length * 3) / 4) - pad;
}

/**
 * Inline base64 data into the part: `sizeBytes`, and `dataUri` when the bytes are a raster image
 * (else a `note` with the size).
 */
function setInline(part: MediaPart, base64: string): void {
  const t = base64.replace(/\s+/g, '');
  const size = base64Size(t);
  if (size === undefined) {
    part.note = `inline data omitted (${base64.length} characters, not base64)`;
    return;
  }
  part.sizeBytes = size;
  const mime = imageMimeOf(base64Head(t, 12));
  const imageLike = part.modality === 'image' || (part.mimeType?.startsWith('image/') ?? false) || part.modality === undefined;
  if (mime && imageLike) {
    const uri = `data:${mime};base64,${t}`;
    if (uri.length <= MAX_INLINE_IMAGE_CHARS) {
      part.dataUri = uri;
      part.modality ??= 'image';
      part.mimeType ??= mime;
      return;
    }
    part.note = 'inline image too large to show';
    return;
  }
  part.note = 'inline data omitted';
}

/** A `data:` URL: its mime type and payload (base64 or not). */
function parseDataUrl(url: string): { mime?: string; base64: boolean; payload: string } | undefined {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!m) return undefined;
  return { ...(m[1] ? { mime: m[1].toLowerCase() } : {}), base64: /;base64/i.test(m[2] ?? ''), payload: m[3] ?? '' };
}

function setUrl(part: MediaPart, url: string): void {
  if (url.startsWith('data:')) {
    const d = parseDataUrl(url);
    if (d?.mime && !part.mimeType) part.mimeType = d.mime;
    if (d?.base64) setInline(part, d.payload);
    else {
      part.sizeBytes = d ? d.payload.length : url.length;
      part.note = `inline data omitted (${url.length} characters)`;
    }
    return;
  }
  part.uri = url;
  const path = fileUriToPath(url);
  if (path !== undefined) part.localPath = path;
}

/** A media part of any supported shape (`type` is the part's own type). */
export function mediaPart(type: string, p: Record<string, unknown>): GenAiMessagePart {
  const part: MediaPart = { type: 'media', partType: type };
  const modality =
    str(p.modality) ??
    (type.includes('image') ? 'image' : type.includes('audio') ? 'audio' : type === 'video' ? 'video' : type === 'document' ? 'document' : undefined);
  if (modality) part.modality = modality;
  const source = isRecord(p.source) ? p.source : undefined; // Anthropic
  const audio = isRecord(p.input_audio) ? p.input_audio : undefined; // OpenAI input_audio
  const mime = str(p.mime_type) ?? str(p.mimeType) ?? str(p.mediaType) ?? str(p.media_type) ?? str(source?.media_type) ?? (str(audio?.format) ? `audio/${str(audio?.format)}` : undefined);
  if (mime) part.mimeType = mime;
  const imageUrl = isRecord(p.image_url) ? p.image_url.url : p.image_url; // OpenAI
  const oiImage = isRecord(p.image) && isRecord(p.image.image) ? p.image.image.url : undefined; // OpenInference
  const url = str(p.uri) ?? str(p.url) ?? str(imageUrl) ?? str(oiImage) ?? str(source?.url);
  if (url !== undefined) setUrl(part, url);
  const fileId = str(p.file_id) ?? str(p.fileId) ?? str(source?.file_id);
  if (fileId) part.fileId = fileId;
  if (url === undefined) {
    const inline = type === 'blob' ? p.content : (p.data ?? source?.data ?? audio?.data ?? (typeof p.image === 'string' ? p.image : undefined));
    if (typeof inline === 'string' && inline !== '') {
      // Vercel `file`/`image` parts may carry a URL (http, data:) instead of base64.
      if (/^(https?|file):\/\//i.test(inline) || inline.startsWith('data:')) setUrl(part, inline);
      else setInline(part, inline);
    } else if (inline !== undefined && inline !== null) part.note = 'inline data omitted';
  }
  return part;
}
