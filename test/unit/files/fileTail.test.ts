/**
 * Watch OTLP File: a growing JSON Lines file followed into the real back end: appended lines arrive,
 * a partial line waits for its newline, truncation and rotation start again from the first line.
 */
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpFileTail, type TailEvent } from '../../../src/core/files/fileTail';
import { expected } from '../../support/otlp';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';
import { allTraceIds, fixtureLine, tempDir } from './support';

describe('following a growing OTLP JSON Lines file', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('loads appended lines, waits for a partial one, starts again after truncation and rotation', async () => {
    const dir = tempDir();
    const file = join(dir, 'live.jsonl');
    writeFileSync(file, '');
    const events: TailEvent[] = [];
    const tail = new OtlpFileTail(file, (params) => p.client.request('importOtlp', params), (e) => events.push(e), { pollMs: 50 });
    await tail.start();
    try {
      const basic = expected('traces-basic-proto').spans!;
      const genai = expected('genai-openai-traces-proto').spans!;
      const basicTraces = new Set(basic.map((s) => s.traceId));
      const genaiTraces = new Set(genai.map((s) => s.traceId));

      appendFileSync(file, fixtureLine('traces-basic-json.json') + '\n');
      await eventually(async () => (await allTraceIds(p.client)).length === basicTraces.size);

      // Half a line: nothing yet; the rest: loaded.
      const line = fixtureLine('genai-openai-traces-json.json');
      appendFileSync(file, line.slice(0, 100));
      await new Promise((r) => setTimeout(r, 300));
      expect((await allTraceIds(p.client)).length).toBe(basicTraces.size);
      appendFileSync(file, line.slice(100) + '\nnot json\n');
      await eventually(async () => (await allTraceIds(p.client)).length === basicTraces.size + genaiTraces.size);
      await eventually(() => events.some((e) => e.type === 'loaded' && e.result.problems.some((x) => x.line === 3)));

      // Truncated, then written again: read from line 1.
      await p.client.request('clear', {});
      writeFileSync(file, fixtureLine('genai-openai-traces-json.json').slice(0, 10));
      writeFileSync(file, 'x\n');
      await eventually(() => events.some((e) => e.type === 'restarted' && e.reason === 'truncated'));
      appendFileSync(file, fixtureLine('genai-openai-traces-json.json') + '\n');
      await eventually(async () => (await allTraceIds(p.client)).length === genaiTraces.size);

      // Rotated: the old file moved away, a new one under the same name.
      await p.client.request('clear', {});
      renameSync(file, join(dir, 'live.1.jsonl'));
      writeFileSync(file, fixtureLine('traces-basic-json.json') + '\n');
      await eventually(() => events.some((e) => e.type === 'restarted' && e.reason === 'rotated'));
      await eventually(async () => (await allTraceIds(p.client)).length === basicTraces.size);
    } finally {
      tail.stop();
    }
    // Stopped: nothing more is read.
    appendFileSync(file, fixtureLine('genai-openai-traces-json.json') + '\n');
    await new Promise((r) => setTimeout(r, 200));
    expect((await allTraceIds(p.client)).length).toBe(new Set(expected('traces-basic-proto').spans!.map((s) => s.traceId)).size);
  });
});
