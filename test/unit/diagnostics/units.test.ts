/**
 * The building blocks: canonical arguments, error evidence in tool results, medians, settings
 * validation; incremental evaluation (stable ids as spans arrive) and cost on a large run.
 */
import { describe, expect, it } from 'vitest';
import { canonicalArguments, findErrorInResult } from '../../../src/core/diagnostics/toolErrors';
import { meanStdDev, median, medianWithout } from '../../../src/core/diagnostics/stats';
import { resolveDiagnosticsConfig } from '../../../src/core/diagnostics/config';
import { detectRunFindings } from '../../../src/core/diagnostics/detectors';
import { analyzeRun, type RunInput } from '../../../src/core/diagnostics/analysis';
import { DEFAULT_DIAGNOSTICS_CONFIG } from '../../../src/model/diagnostics';
import { agent, answer, callsTool, chat, run, tool, type SpanSpec } from './support';

describe('canonicalArguments', () => {
  it('parses JSON strings and sorts keys at every level', () => {
    expect(canonicalArguments('{"b":{"y":1,"x":[{"d":1,"c":2}]},"a":"q"}')).toBe('{"a":"q","b":{"x":[{"c":2,"d":1}],"y":1}}');
    expect(canonicalArguments({ a: 'q', b: { y: 1, x: [{ c: 2, d: 1 }] } })).toBe('{"a":"q","b":{"x":[{"c":2,"d":1}],"y":1}}');
    expect(canonicalArguments('  plain text ')).toBe('"plain text"');
    expect(canonicalArguments('{not json')).toBe('"{not json"');
    expect(canonicalArguments(undefined)).toBeUndefined();
    expect(canonicalArguments('{}')).toBe('{}');
  });
});

describe('findErrorInResult', () => {
  it('reads error fields, isError, tracebacks and JS stacks; ignores empty error fields', () => {
    expect(findErrorInResult('{"errors":[{"message":"bad city"}]}')?.evidence).toBe('error-field');
    expect(findErrorInResult({ error: { message: 'quota exceeded', code: 429 } })).toEqual({ evidence: 'error-field', excerpt: 'error: quota exceeded' });
    expect(findErrorInResult({ error: '', errors: [] })).toBeUndefined();
    expect(findErrorInResult({ error: false, ok: true })).toBeUndefined();
    expect(findErrorInResult({ isError: false, content: [] })).toBeUndefined();
    expect(findErrorInResult([{ stderr: 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: nope' }])).toEqual({ evidence: 'python-traceback', excerpt: 'ValueError: nope' });
    expect(findErrorInResult('Error: ENOENT: no such file\n    at open (node:fs:1:1)')?.evidence).toBe('js-stack');
    // Text mentioning errors without a stack is not evidence.
    expect(findErrorInResult('No Error: everything is fine')).toBeUndefined();
    expect(findErrorInResult('The error rate was 0.1%.')).toBeUndefined();
    expect(findErrorInResult(42)).toBeUndefined();
  });
});

describe('stats', () => {
  it('medians, the median of the others, and sample σ', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
    const sorted = [1, 2, 3, 10];
    // Without 10: [1,2,3] → 2; without 1: [2,3,10] → 3; without 2: [1,3,10] → 3.
    expect([0, 1, 2, 3].map((i) => medianWithout(sorted, i))).toEqual([3, 3, 2, 2]);
    expect(medianWithout([7], 0)).toBeUndefined();
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x−5)² = 32, sample variance 32/7.
    expect(meanStdDev([2, 4, 4, 4, 5, 5, 7, 9]).stdDev).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(meanStdDev([3])).toEqual({ n: 1, mean: 3, stdDev: 0 });
  });
});

describe('resolveDiagnosticsConfig', () => {
  it('defaults, valid values, and reasons for invalid ones', () => {
    expect(resolveDiagnosticsConfig(undefined)).toEqual({ config: { ...DEFAULT_DIAGNOSTICS_CONFIG, expectedTools: {}, disabled: [] }, errors: [] });
    const { config, errors } = resolveDiagnosticsConfig({
      maxIterations: 25,
      loopRepeats: 1.5,
      baselineRuns: 4,
      baselineMinRuns: 8,
      contextThreshold: 0.9,
      expectedTools: { 'weather-agent': ['get_weather', ' ', 'get_weather'], bad: 'get_weather' },
      disabled: ['baseline-anomaly', 'nope'],
    });
    expect(config.maxIterations).toBe(25);
    expect(config.loopRepeats).toBe(3);
    expect(config.baselineRuns).toBe(4);
    expect(config.baselineMinRuns).toBe(4);
    expect(config.contextThreshold).toBe(0.9);
    expect(config.expectedTools).toEqual({ 'weather-agent': ['get_weather'] });
    expect(config.disabled).toEqual(['baseline-anomaly']);
    expect(errors).toHaveLength(4);
    expect(errors.join('\n')).toContain('traceLens.diagnostics.loopRepeats must be an integer from 2 to 1000; using 3.');
  });
});

describe('incremental evaluation', () => {
  const specs: SpanSpec[] = [
    { id: 'N-a', start: 0, dur: 1000, attributes: agent('weather') },
    { id: 'N-c1', parent: 'N-a', start: 10, dur: 20, attributes: chat({ input: 100, output: 5, outputMessages: callsTool('get_weather', { city: 'Paris' }) }) },
    { id: 'N-t1', parent: 'N-a', start: 40, dur: 5, attributes: tool('get_weather', { city: 'Paris' }, { error: 'busy' }) },
    { id: 'N-t2', parent: 'N-a', start: 50, dur: 5, attributes: tool('get_weather', { city: 'Paris' }, { error: 'busy' }) },
    { id: 'N-t3', parent: 'N-a', start: 60, dur: 5, attributes: tool('get_weather', { city: 'Paris' }, { error: 'busy' }) },
    { id: 'N-c2', parent: 'N-a', start: 70, dur: 20, attributes: chat({ input: 120, output: 5, outputMessages: answer('Sorry.') }) },
  ];

  it('keeps finding ids stable as spans arrive, and adds the swallowed errors once a model call follows', () => {
    const full = run(specs);
    const prefix = (k: number): RunInput => ({ ...full, complete: false, spans: full.spans.slice(0, k) });
    const ids = (r: RunInput): string[] => detectRunFindings(r, DEFAULT_DIAGNOSTICS_CONFIG).map((f) => f.id).sort();
    const t1 = full.spans[2]!.spanId;
    expect(ids(prefix(4))).toEqual([]);
    const five = ids(prefix(5));
    expect(five).toEqual([`loop:${full.traceId}:${t1}`, `retry-storm:${full.traceId}:${t1}`]);
    const all = ids(full);
    expect(all.filter((id) => id.startsWith('swallowed-tool-error:'))).toHaveLength(3);
    expect(all).toEqual(expect.arrayContaining(five));
  });

  it('folds a duplicate tool span that starts at the same instant as its parent, like the run metrics', () => {
    const r = run([
      { id: 'D-a', start: 0, dur: 100, attributes: agent('x') },
      { id: 'D-t', parent: 'D-a', start: 10, dur: 10, attributes: tool('lookup', { q: 1 }) },
      { id: 'D-0', parent: 'D-t', start: 10, dur: 10, attributes: tool('lookup', { q: 1 }) },
    ]);
    const a = analyzeRun(r);
    expect(a.toolCalls).toHaveLength(a.metrics.toolCalls);
    expect(a.toolCalls[0]!.spans).toHaveLength(2);
  });
});

describe('cost', () => {
  it('a 5,000-span run (agent with 1,000 iterations and 4,000 tool calls) is evaluated in well under a second', () => {
    const specs: SpanSpec[] = [{ id: 'P-a', start: 0, dur: 1e6, attributes: agent('bulk') }];
    for (let i = 0; i < 1000; i++) {
      specs.push({ id: `P-c${i}`, parent: 'P-a', start: 1 + i * 100, dur: 10, attributes: chat({ input: 1000 + (i % 7), output: 5, tools: ['a', 'b'] }) });
      for (let j = 0; j < 4; j++) specs.push({ id: `P-t${i}-${j}`, parent: 'P-a', start: 20 + i * 100 + j, dur: 1, attributes: tool(`tool${j}`, { i, j }, j === 0 ? { error: 'x' } : 'ok') });
    }
    const r = run(specs);
    const t0 = performance.now();
    const fs = detectRunFindings(r, DEFAULT_DIAGNOSTICS_CONFIG);
    const ms = performance.now() - t0;
    expect(fs.filter((f) => f.detector === 'iteration-limit')).toHaveLength(1);
    // Every tool0 call carries an error; all but the last iteration's are followed by a model call.
    expect(fs.filter((f) => f.detector === 'swallowed-tool-error')).toHaveLength(999);
    expect(fs.find((f) => f.detector === 'retry-storm')!.relatedSpanIds).toHaveLength(100); // capped
    console.log(`detectRunFindings on ${r.spans.length} spans: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(1000);
  });
});
