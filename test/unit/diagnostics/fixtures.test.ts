/**
 * Detectors on traces captured from real libraries (test/fixtures/genai/README.md): a healthy
 * agent turn gives no finding in any convention; the captured Traceloop trace with its tool span
 * copied three more times is a loop; the captured OpenInference trace with its tool result
 * replaced by an error payload is a swallowed tool error.
 */
import { describe, expect, it } from 'vitest';
import { genai, loadLogs, loadSpans, otlp } from '../../support/genai';
import { nanos } from '../../support/builders';
import { detectRunFindings } from '../../../src/core/diagnostics/detectors';
import { analyzeRun } from '../../../src/core/diagnostics/analysis';
import { BaselineIndex } from '../../../src/core/diagnostics/baseline';
import { DEFAULT_DIAGNOSTICS_CONFIG } from '../../../src/model/diagnostics';
import type { SpanRecord } from '../../../src/model/trace';
import { runFromRecords } from './support';

const CAPTURED = ['traceloop.otlp.json', 'openinference.otlp.json', 'vercel-ai.otlp.json', 'vercel-ai-genai.otlp.json', 'langfuse.otlp.json'];

describe('captured fixtures', () => {
  it.each(CAPTURED)('%s: a healthy agent turn has no finding', (name) => {
    const r = runFromRecords(loadSpans(genai(name)));
    const a = analyzeRun(r);
    expect(a.metrics.modelCalls).toBe(2); // the README's two chat completions
    expect(a.metrics.toolCalls).toBe(1);
    expect(detectRunFindings(r, DEFAULT_DIAGNOSTICS_CONFIG)).toEqual([]);
  });

  it('official OpenAI instrumentation (content in log records): no finding', () => {
    const r = runFromRecords(loadSpans(otlp('genai-openai-traces-json.json')), {}, loadLogs(otlp('genai-openai-logs-json.json')));
    expect(analyzeRun(r).metrics.modelCalls).toBeGreaterThan(0);
    expect(detectRunFindings(r, DEFAULT_DIAGNOSTICS_CONFIG)).toEqual([]);
  });

  it('Traceloop: the get_weather tool span copied 3 more times (new ids, 1 ms apart) is a loop of 4', () => {
    const spans = loadSpans(genai('traceloop.otlp.json'));
    const toolSpan = spans.find((s) => s.attributes['traceloop.span.kind'] === 'tool')!;
    const end = BigInt(toolSpan.endTimeUnixNano);
    const copies: SpanRecord[] = [1, 2, 3].map((i) => ({
      ...toolSpan,
      spanId: `${toolSpan.spanId.slice(0, 14)}f${i}`,
      startTimeUnixNano: nanos(i, end.toString()),
      endTimeUnixNano: nanos(i + 0.5, end.toString()),
    }));
    const r = runFromRecords([...spans, ...copies]);
    expect(analyzeRun(r).metrics.toolCalls).toBe(4);
    const fs = detectRunFindings(r, DEFAULT_DIAGNOSTICS_CONFIG);
    expect(fs.map((f) => f.detector)).toEqual(['loop']);
    const loop = fs[0]!;
    expect(loop.spanId).toBe(toolSpan.spanId);
    expect(loop.relatedSpanIds).toEqual(copies.map((c) => c.spanId));
    expect(loop.sessionId).toBe('session-tl-1'); // traceloop.association.properties.session_id
    expect(loop.detail).toMatchObject({ toolName: 'get_weather', count: 4, arguments: '{"city":"Paris"}' });
  });

  it('OpenInference: the tool result replaced by {"error": …} with status unset is a swallowed error', () => {
    const spans = loadSpans(genai('openinference.otlp.json'));
    const mutated = spans.map((s) =>
      s.attributes['openinference.span.kind'] === 'TOOL' ? { ...s, attributes: { ...s.attributes, 'output.value': '{"error":"weather service unavailable"}' } } : s,
    );
    const r = runFromRecords(mutated);
    const fs = detectRunFindings(r, DEFAULT_DIAGNOSTICS_CONFIG);
    expect(fs.map((f) => [f.detector, f.severity])).toEqual([['swallowed-tool-error', 'error']]);
    const toolSpan = mutated.find((s) => s.attributes['openinference.span.kind'] === 'TOOL')!;
    const secondChat = mutated.filter((s) => s.attributes['openinference.span.kind'] === 'LLM')[1]!;
    expect(fs[0]!.spanId).toBe(toolSpan.spanId);
    expect(fs[0]!.detail).toMatchObject({ evidence: 'error-field', excerpt: 'error: weather service unavailable', continuedBySpanId: secondChat.spanId });
  });

  it('Langfuse: five healthy runs make a baseline that accepts a sixth', () => {
    const index = new BaselineIndex();
    const base = loadSpans(genai('langfuse.otlp.json'));
    const copy = (i: number): SpanRecord[] => base.map((s) => ({ ...s, traceId: `${s.traceId.slice(0, 30)}${i.toString(16).padStart(2, '0')}` }));
    for (let i = 0; i < 5; i++) index.addRun(runFromRecords(copy(i)));
    const r = runFromRecords(copy(9));
    expect(index.baselineFor(r)!.runs).toBe(5);
    expect(index.check(r)).toEqual([]);
    expect(detectRunFindings(r, DEFAULT_DIAGNOSTICS_CONFIG, index.baselineFor(r))).toEqual([]);
  });
});
