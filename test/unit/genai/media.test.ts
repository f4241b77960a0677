/**
 * Multimodal parts (docs/genai-conventions.md §1.5 part types `blob`, `file`, `uri`; OpenAI
 * `image_url` data URLs; Anthropic base64 `source`): images kept inline only when their bytes are
 * a PNG/JPEG/GIF/WebP, everything else described by type and size; `file://` URIs → local paths.
 * The image bytes and sizes are checked with Node's own base64 decoder (Buffer), not ours.
 */
import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import type { GenAiMessagePart } from '../../../src/model/genai';
import { fileUriToPath } from '../../../src/core/genai/values';
import { spanRecord } from '../../support/builders';
import { PNG_1X1 } from './images';
const PNG_BYTES = Buffer.from(PNG_1X1, 'base64').length;

function parts(content: unknown[]): GenAiMessagePart[] {
  const view = normalizeSpan(spanRecord({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: content }]) } }))!;
  return view.inputMessages![0]!.parts;
}

describe('media parts', () => {
  it('OpenAI image_url data URL of a real PNG: shown inline as it was sent', () => {
    const url = `data:image/png;base64,${PNG_1X1}`;
    const [p] = parts([{ type: 'image_url', image_url: { url } }]);
    expect(PNG_BYTES).toBe(70);
    expect(p).toEqual({ type: 'media', partType: 'image_url', modality: 'image', mimeType: 'image/png', sizeBytes: PNG_BYTES, dataUri: url });
  });

  it('OTel blob part (§1.5: modality, mime_type, content base64): a data: URI typed by the bytes, not the label', () => {
    const [p] = parts([{ type: 'blob', modality: 'image', mime_type: 'image/jpeg', content: PNG_1X1 }]);
    expect(p).toMatchObject({ partType: 'blob', mimeType: 'image/jpeg', sizeBytes: PNG_BYTES, dataUri: `data:image/png;base64,${PNG_1X1}` });
  });

  it('a blob that is not an image, and a blob without data: type and size only, no inline bytes', () => {
    const wav = Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1').toString('base64');
    const [audio, empty] = parts([
      { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: wav },
      { type: 'blob', modality: 'video', mime_type: 'video/mp4' },
    ]);
    expect(audio).toEqual({ type: 'media', partType: 'blob', modality: 'audio', mimeType: 'audio/wav', sizeBytes: Buffer.from(wav, 'base64').length, note: 'inline data omitted' });
    expect(empty).toEqual({ type: 'media', partType: 'blob', modality: 'video', mimeType: 'video/mp4' });
  });

  it('SVG and bytes that do not match an image signature are never inline', () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').toString('base64');
    const [a, b] = parts([
      { type: 'image_url', image_url: { url: `data:image/svg+xml;base64,${svg}` } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
    ]);
    expect(a).not.toHaveProperty('dataUri');
    expect(a).toMatchObject({ mimeType: 'image/svg+xml', note: 'inline data omitted' });
    expect(b).not.toHaveProperty('dataUri');
    expect(b).toMatchObject({ mimeType: 'image/png', sizeBytes: 3 });
  });

  it('uri parts: https kept as a link target, file:// gets the local path; file parts keep the id', () => {
    const [web, local, file] = parts([
      { type: 'uri', modality: 'image', mime_type: 'image/png', uri: 'https://example.test/cat.png' },
      { type: 'uri', modality: 'image', uri: 'file:///tmp/shots/step%201.png' },
      { type: 'file', modality: 'document', mime_type: 'application/pdf', file_id: 'file-abc' },
    ]);
    expect(web).toEqual({ type: 'media', partType: 'uri', modality: 'image', mimeType: 'image/png', uri: 'https://example.test/cat.png' });
    expect(local).toEqual({ type: 'media', partType: 'uri', modality: 'image', uri: 'file:///tmp/shots/step%201.png', localPath: '/tmp/shots/step 1.png' });
    expect(file).toEqual({ type: 'media', partType: 'file', modality: 'document', mimeType: 'application/pdf', fileId: 'file-abc' });
  });
});

describe('fileUriToPath (RFC 8089)', () => {
  it.each([
    ['file:///home/u/a%20b.json', '/home/u/a b.json'],
    ['file://localhost/etc/x.json', '/etc/x.json'],
    ['file:///C:/Users/u/x.json', 'C:/Users/u/x.json'],
    ['file://server/share/x.json', undefined],
    ['gs://bucket/x.json', undefined],
    ['file:///bad%zz', undefined],
  ])('%s → %s', (uri, path) => {
    expect(fileUriToPath(uri)).toBe(path);
  });
});
