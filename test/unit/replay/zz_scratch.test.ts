import { it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { genai, loadLogs, loadSpans, normalizeAll, otlp } from '../../support/genai';
import { recordedCallsOf, replayRequestForSpan, type TraceCallSpan } from '../../../src/core/replay/recordedCalls';
it('dump', () => {
  const out: string[] = [];
  const files = readdirSync('test/fixtures/genai').filter((f) => f.endsWith('.otlp.json') && !f.includes('.logs.'));
  const sets: [string, ReturnType<typeof normalizeAll>][] = files.map((f) => {
    const logs = f === 'spec-otel-genai-events.otlp.json' ? loadLogs(genai('spec-otel-genai-events.logs.otlp.json')) : [];
    return [f, normalizeAll(loadSpans(genai(f)), logs)];
  });
  sets.push(['otlp-json', normalizeAll(loadSpans(otlp('genai-openai-traces-json.json')), loadLogs(otlp('genai-openai-logs-json.json')))]);
  for (const [f, all] of sets) {
    out.push(`##### ${f}`);
    const spans: TraceCallSpan[] = all.map((s) => ({ spanId: s.span.spanId, parentSpanId: s.span.parentSpanId, name: s.span.name, startOffsetMs: s.startOffsetMs, durationMs: s.durationMs, statusCode: s.span.status.code, view: s.view, record: s.span, logs: s.logs }));
    for (const s of spans) {
      if (s.view?.kind !== 'llm') continue;
      const r = replayRequestForSpan(spans, s.spanId)!;
      out.push(`--- ${s.name} call=${r.callSpanId === s.spanId ? 'self' : r.callSpanId}`);
      out.push(JSON.stringify({ ...r.request, system: r.request.system?.map((p) => (p.type === 'text' ? p.content.slice(0, 60) : p)) }));
    }
    out.push('RECORDED ' + JSON.stringify(recordedCallsOf(spans).map((c) => ({ i: c.index, n: c.spanName, same: c.sameCallSpanIds?.length, in: c.inputMessages.length, out: c.outputMessages.length, tools: c.toolNames }))));
  }
  writeFileSync('/tmp/rq-req.txt', out.join('\n'));
});
