/**
 * Content stored by reference (`gen_ai.*_ref`, opentelemetry-util-genai's upload completion hook:
 * `json` files hold the whole array on one line, `jsonl` files one item per line with an added
 * `index`) and local images, read from real temporary files by resolveLocalContent.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { LocalFileReader, MAX_CONTENT_REF_BYTES, parseStoredContent, resolveLocalContent } from '../../../src/core/genai/localContent';
import { buildConversation } from '../../../src/core/genai/conversation';
import type { GenAiMessagePart } from '../../../src/model/genai';
import { logRecord, spanEvent, spanRecord, traceId } from '../../support/builders';
import { normalizeAll } from '../../support/genai';
import { PNG_1X1 } from './images';

const dir = mkdtempSync(join(tmpdir(), 'trace-lens-refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const uuid = '3f1c2b9e-7d4a-4e0b-9c1f-5a6b7c8d9e0f';
const inputs = [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }];
const outputs = [{ role: 'assistant', parts: [{ type: 'text', content: 'Rainy, 57°F.' }], finish_reason: 'stop' }];
/** As the hook writes them: `json` → one line with the array; `jsonl` → one line per item with `index`. */
const inputsPath = join(dir, `${uuid}_inputs.json`);
writeFileSync(inputsPath, `${JSON.stringify(inputs)}\n`);
const outputsPath = join(dir, `${uuid}_outputs.jsonl`);
writeFileSync(outputsPath, outputs.map((m, index) => JSON.stringify({ ...m, index })).join('\n') + '\n');
const systemPath = join(dir, 'abc_system_instruction.json');
writeFileSync(systemPath, JSON.stringify([{ type: 'text', content: 'You are a weather bot.' }]));
const url = (p: string) => pathToFileURL(p).href;

const chat = (attributes: Record<string, string>) => spanRecord({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 12, ...attributes } });

describe('*_ref attributes', () => {
  it('file:// references are read: messages filled, the reference says where from', async () => {
    const span = chat({
      'gen_ai.input.messages_ref': url(inputsPath),
      'gen_ai.output.messages_ref': url(outputsPath),
      'gen_ai.system_instructions_ref': url(systemPath),
    });
    const view = normalizeSpan(span)!;
    // Before reading: references, no "content missing" notice (the content exists elsewhere).
    expect(view.contentRefs?.map((r) => [r.content, r.localPath])).toEqual([
      ['input', inputsPath],
      ['output', outputsPath],
      ['system', systemPath],
    ]);
    expect(view.contentMissing).toBeUndefined();
    await resolveLocalContent(view);
    expect(view.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
    // jsonl: `index` removed, finish reason kept.
    expect(view.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Rainy, 57°F.' }], finishReason: 'stop' }]);
    expect(view.systemInstructions).toEqual([{ type: 'text', content: 'You are a weather bot.' }]);
    expect(view.contentRefs?.map((r) => r.read)).toEqual([
      { bytes: Buffer.byteLength(`${JSON.stringify(inputs)}\n`), format: 'json' },
      { bytes: Buffer.byteLength(outputs.map((m, index) => JSON.stringify({ ...m, index })).join('\n') + '\n'), format: 'jsonl' },
      { bytes: Buffer.byteLength(JSON.stringify([{ type: 'text', content: 'You are a weather bot.' }])), format: 'json' },
    ]);
  });

  it('a missing file, a directory, a file over 1 MiB and a file that is not JSON: errors, nothing filled', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(MAX_CONTENT_REF_BYTES + 1, 0x20));
    const notJson = join(dir, 'x_inputs.jsonl');
    writeFileSync(notJson, '{"role":"user"}\nnot json\n');
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    const cases: [string, RegExp][] = [
      [join(dir, 'gone_inputs.json'), /^file not found$/],
      [sub, /^not a regular file$/],
      [big, /^larger than 1 MiB \(1\.0 MiB\): not read$/],
      [notJson, /^not JSON or JSON Lines \(line 2: /],
    ];
    for (const [path, error] of cases) {
      const view = normalizeSpan(chat({ 'gen_ai.input.messages_ref': url(path) }))!;
      await resolveLocalContent(view);
      expect(view.contentRefs![0]!.error, path).toMatch(error);
      expect(view.contentRefs![0]!.read).toBeUndefined();
      expect(view.inputMessages).toBeUndefined();
    }
  });

  it('remote references are listed, not read; storage results are attached to their reference', async () => {
    const span = chat({ 'gen_ai.input.messages_ref': 'gs://bucket/telemetry/1_inputs.jsonl' });
    span.events = [spanEvent({ name: 'gen_ai.content.storage.result', attributes: { 'gen_ai.output.messages_ref': 'gs://bucket/telemetry/1_outputs.jsonl', 'gen_ai.content.storage.status': 'dropped' } })];
    const view = normalizeSpan(span)!;
    await resolveLocalContent(view);
    expect(view.contentRefs).toEqual([
      { key: 'gen_ai.input.messages_ref', content: 'input', uri: 'gs://bucket/telemetry/1_inputs.jsonl' },
      { key: 'gen_ai.output.messages_ref', content: 'output', uri: 'gs://bucket/telemetry/1_outputs.jsonl', storageStatus: 'dropped' },
    ]);
  });

  it('references on the details log record count too, and reach the conversation item', async () => {
    const span = spanRecord({ traceId: traceId(41), attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } });
    const log = logRecord({ traceId: span.traceId, spanId: span.spanId, eventName: 'gen_ai.client.inference.operation.details', body: null, attributes: { 'gen_ai.input.messages_ref': url(inputsPath) } });
    const spans = normalizeAll([span], [log]);
    const reader = new LocalFileReader();
    for (const s of spans) await resolveLocalContent(s.view, reader);
    const item = buildConversation(span.traceId, spans).items[0]!;
    expect(item.type === 'modelCall' && item.contentRefs?.[0]?.read?.format).toBe('json');
    expect(item.type === 'modelCall' && item.newInputMessages.length).toBe(1);
  });

  it('parseStoredContent: JSON, JSON Lines in index order, empty', () => {
    expect(parseStoredContent('[1,2]\n')).toEqual({ ok: true, value: [1, 2], format: 'json' });
    expect(parseStoredContent('{"a":1,"index":1}\n{"a":0,"index":0}\n')).toEqual({ ok: true, value: [{ a: 0 }, { a: 1 }], format: 'jsonl' });
    expect(parseStoredContent('{"role":"user","index":0}\n')).toEqual({ ok: true, value: [{ role: 'user' }], format: 'jsonl' });
    expect(parseStoredContent('\n')).toEqual({ ok: false, error: 'the file is empty' });
  });
});

describe('local images (file:// uri parts)', () => {
  const pngPath = join(dir, 'shot.png');
  writeFileSync(pngPath, Buffer.from(PNG_1X1, 'base64'));
  const fakePath = join(dir, 'fake.png');
  writeFileSync(fakePath, 'not an image');
  const image = (path: string) => ({ type: 'uri', modality: 'image', uri: url(path) });

  it('a PNG file becomes an inline data: URI read from its path; other bytes and missing files get a note', async () => {
    const span = chat({ 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [image(pngPath), image(fakePath), image(join(dir, 'nope.png'))] }]) });
    const view = normalizeSpan(span)!;
    await resolveLocalContent(view);
    const [png, fake, gone] = view.inputMessages![0]!.parts as Extract<GenAiMessagePart, { type: 'media' }>[];
    expect(png).toMatchObject({ dataUri: `data:image/png;base64,${PNG_1X1}`, sizeBytes: 70, localNote: `read from ${pngPath}` });
    expect(fake).toMatchObject({ sizeBytes: 12, localNote: 'not a PNG, JPEG, GIF or WebP image: not shown' });
    expect(fake).not.toHaveProperty('dataUri');
    expect(gone).toMatchObject({ localNote: 'file not found' });
  });
});
