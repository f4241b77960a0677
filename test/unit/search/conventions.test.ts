/**
 * The index holds the GenAI content of every convention we normalize: for each captured GenAI
 * fixture (OTel GenAI spans, events and log records, OpenInference, OpenLLMetry/Traceloop, Vercel
 * AI SDK, Langfuse, pydantic-ai), every text the normalizer (src/core/genai, the oracle here)
 * extracts — system instructions, input and output messages, reasoning, tool call arguments and
 * results — is found by a phrase search on the span it belongs to, through the real store's
 * full-text index.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenAiMessage, GenAiMessagePart, GenAiSpanView } from '../../../src/model/genai';
import type { TraceStore } from '../../../src/core/store/traceStore';
import { ftsAtom, searchTokens } from '../../../src/core/search/textTokens';
import { GENAI_FIXTURES, genai, loadLogs, loadSpans, normalizeAll } from '../../support/genai';
import { openStore } from '../../support/storeHarness';

/**
 * Strings inside a value (tool arguments and results may be objects, or JSON text: the index parses
 * JSON objects and arrays and indexes their leaves, src/core/store/searchText.ts).
 */
function strings(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    const t = value.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        strings(JSON.parse(value), out);
        return;
      } catch {
        // not JSON: plain text
      }
    }
    out.push(value);
  }
  else if (typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
}

/** Every text the normalized view of a span carries. */
function texts(view: GenAiSpanView): string[] {
  const out: string[] = [];
  const parts = (list: readonly GenAiMessagePart[] | undefined) => {
    for (const p of list ?? []) {
      if (p.type === 'text' || p.type === 'reasoning') out.push(p.content);
      else if (p.type === 'tool_call') strings(p.arguments, out);
      else if (p.type === 'tool_call_response') strings(p.response, out);
    }
  };
  parts(view.systemInstructions);
  for (const m of [...(view.inputMessages ?? []), ...(view.outputMessages ?? [])] as GenAiMessage[]) parts(m.parts);
  if (view.tool) {
    strings(view.tool.arguments, out);
    strings(view.tool.result, out);
  }
  return out;
}

const TRACE_FIXTURES = readdirSync(GENAI_FIXTURES).filter((f) => f.endsWith('.otlp.json') && !f.includes('.logs.'));

let store: TraceStore;
beforeAll(async () => {
  store = await openStore();
});
afterAll(() => store.close());

describe.each(TRACE_FIXTURES)('%s', (fixture) => {
  it('every message, instruction, tool argument and result the normalizer extracts is found on its span', () => {
    store.clear();
    const spans = loadSpans(genai(fixture));
    const logsFile = fixture.replace('.otlp.json', '.logs.otlp.json');
    const logs = readdirSync(GENAI_FIXTURES).includes(logsFile) ? loadLogs(genai(logsFile)) : [];
    store.insertSpans(spans);
    if (logs.length > 0) store.insertLogs(logs);
    for (let i = 0; i < 1000 && store.indexSlice(50).pending; i++);
    let checked = 0;
    for (const s of normalizeAll(spans, logs)) {
      if (!s.view) continue;
      for (const text of texts(s.view)) {
        const tokens = searchTokens(text).slice(0, 8);
        if (tokens.length === 0) continue;
        const rows = store.searchMatches(ftsAtom({ tokens, prefix: false }), [s.span.traceId], 1000).rows;
        expect(rows.map((r) => r.spanId), `"${tokens.join(' ')}" on ${s.span.name}`).toContain(s.span.spanId);
        checked++;
      }
    }
    expect(checked, 'texts checked').toBeGreaterThan(0);
  });
});
