/**
 * Model-call detectors on synthetic OTel GenAI runs: iteration limit (the run metrics'
 * definition), token spikes against the run and the baseline, context-window use priced by the
 * real pricer (`createPricer`: genai-prices' window for gpt-4o-mini, and an override's window),
 * truncated / filtered / empty output.
 */
import { describe, expect, it } from 'vitest';
import { detectRunFindings } from '../../../src/core/diagnostics/detectors';
import { analyzeRun } from '../../../src/core/diagnostics/analysis';
import { BaselineIndex } from '../../../src/core/diagnostics/baseline';
import { DEFAULT_DIAGNOSTICS_CONFIG, type DiagnosticsConfig, type Finding, type FindingOf } from '../../../src/model/diagnostics';
import { agent, answer, callsTool, chat, run, sid, type SpanSpec } from './support';

const cfg = (o: Partial<DiagnosticsConfig> = {}): DiagnosticsConfig => ({ ...DEFAULT_DIAGNOSTICS_CONFIG, ...o });
const of = <D extends Finding['detector']>(fs: Finding[], d: D): FindingOf<D>[] =>
  fs.filter((f): f is FindingOf<D> => f.detector === d);

describe('iteration limit', () => {
  /** workflow → agent with `n` chat calls, plus one guardrail call outside the agent (not an iteration). */
  const loopRun = (prefix: string, n: number): SpanSpec[] => [
    { id: `${prefix}-w`, start: 0, dur: 10_000, attributes: { 'gen_ai.operation.name': 'invoke_workflow' } },
    { id: `${prefix}-g`, parent: `${prefix}-w`, start: 1, dur: 5, attributes: chat({ input: 20, output: 1 }) },
    { id: `${prefix}-a`, parent: `${prefix}-w`, start: 10, dur: 9000, attributes: agent('planner') },
    ...Array.from({ length: n }, (_, i): SpanSpec => ({ id: `${prefix}-c${i}`, parent: `${prefix}-a`, start: 20 + i * 100, dur: 50, attributes: chat({ input: 100 + i, output: 10, outputMessages: callsTool('step', { i }) }) })),
  ];

  it('flags 11 iterations against the default limit of 10, on the agent span', () => {
    const r = run(loopRun('I1', 11));
    expect(analyzeRun(r).metrics.agentIterations).toBe(11); // the guardrail call is not one
    const fs = of(detectRunFindings(r, cfg()), 'iteration-limit');
    expect(fs).toHaveLength(1);
    expect(fs[0]!.spanId).toBe(sid('I1-a'));
    expect(fs[0]!.detail).toEqual({ iterations: 11, limit: 10 });
    expect(fs[0]!.relatedSpanIds).toHaveLength(11);
    expect(fs[0]!.relatedSpanIds).not.toContain(sid('I1-g'));
    expect(fs[0]!.message).toBe('Agent planner took 11 loop iterations (model calls), more than the limit of 10.');
  });

  it('allows exactly the limit, and follows the setting', () => {
    expect(of(detectRunFindings(run(loopRun('I2', 10)), cfg()), 'iteration-limit')).toEqual([]);
    expect(of(detectRunFindings(run(loopRun('I3', 10)), cfg({ maxIterations: 9 })), 'iteration-limit')).toHaveLength(1);
  });
});

describe('token spike', () => {
  const calls = (prefix: string, inputs: number[], model = 'gpt-4o-mini'): SpanSpec[] => [
    { id: `${prefix}-a`, start: 0, dur: 10_000, attributes: agent('writer') },
    ...inputs.map((input, i): SpanSpec => ({ id: `${prefix}-c${i}`, parent: `${prefix}-a`, start: 10 + i * 100, dur: 50, attributes: chat({ model, input, output: 10 }) })),
  ];

  it('flags a call above 3× the median of the same model\'s other calls in the run', () => {
    // Others of the 3,500 call: 900, 1,000, 1,100 → median 1,000; 3,500 > 3 × 1,000.
    // Others of the 1,000 call: 900, 1,100, 3,500 → median 1,100; 1,000 is not a spike.
    const fs = of(detectRunFindings(run(calls('T1', [1000, 900, 3500, 1100])), cfg()), 'token-spike');
    expect(fs).toHaveLength(1);
    expect(fs[0]!.spanId).toBe(sid('T1-c2'));
    expect(fs[0]!.detail).toEqual({ model: 'gpt-4o-mini', inputTokens: 3500, factor: 3, runMedian: 1000, runCalls: 3 });
    expect(fs[0]!.message).toContain('3.5× the median 1,000 of its 3 other calls');
  });

  it('needs two other calls of the same model, and exactly 3× is not a spike', () => {
    expect(of(detectRunFindings(run(calls('T2', [1000, 9000])), cfg()), 'token-spike')).toEqual([]);
    expect(of(detectRunFindings(run(calls('T3', [1000, 1000, 3000])), cfg()), 'token-spike')).toEqual([]);
    // Different models are not compared with each other.
    const mixed = run([...calls('T4', [1000, 1000]), { id: 'T4-x', parent: 'T4-a', start: 500, dur: 50, attributes: chat({ model: 'gpt-4o', input: 9000, output: 1 }) }]);
    expect(of(detectRunFindings(mixed, cfg()), 'token-spike')).toEqual([]);
  });

  it('compares with the baseline\'s per-model median when given', () => {
    const index = new BaselineIndex();
    // Five baseline runs with calls of 800, 1,000, 1,200 tokens → median 1,000 over 15 calls.
    for (let i = 0; i < 5; i++) index.addRun(run(calls(`TB${i}`, [800, 1000, 1200])));
    const r = run(calls('T5', [1000, 3200]));
    const fs = of(detectRunFindings(r, cfg(), index.baselineFor(r)), 'token-spike');
    expect(fs.map((f) => [f.spanId, f.detail])).toEqual([
      [sid('T5-c1'), { model: 'gpt-4o-mini', inputTokens: 3200, factor: 3, baselineMedian: 1000, baselineCalls: 15 }],
    ]);
  });
});

describe('context window', () => {
  it('flags input above 80% of the window genai-prices gives gpt-4o-mini (128K tokens, OpenAI model docs)', () => {
    const r = run([
      { id: 'W1-a', start: 0, dur: 1000, attributes: agent('reader') },
      { id: 'W1-c1', parent: 'W1-a', start: 10, dur: 50, attributes: chat({ input: 100_000, output: 10 }) }, // 78.1%
      { id: 'W1-c2', parent: 'W1-a', start: 100, dur: 50, attributes: chat({ input: 112_000, output: 10 }) }, // 87.5%
    ]);
    const fs = of(detectRunFindings(r, cfg()), 'context-window');
    expect(fs).toHaveLength(1);
    expect(fs[0]!.spanId).toBe(sid('W1-c2'));
    expect(fs[0]!.detail).toEqual({ model: 'gpt-4o-mini', inputTokens: 112_000, contextWindow: 128_000, utilization: 112_000 / 128_000, threshold: 0.8 });
    expect(fs[0]!.severity).toBe('warning');
    expect(fs[0]!.message).toContain('87.5%');
  });

  it('uses the window of a traceLens.pricing.models override; error from 100%', () => {
    const overrides = [{ match: 'my-local-llm', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 8192 }];
    const r = run(
      [
        { id: 'W2-a', start: 0, dur: 1000, attributes: agent('reader') },
        { id: 'W2-c1', parent: 'W2-a', start: 10, dur: 50, attributes: chat({ model: 'my-local-llm', input: 7000, output: 10 }) },
        { id: 'W2-c2', parent: 'W2-a', start: 100, dur: 50, attributes: chat({ model: 'my-local-llm', input: 9000, output: 10 }) },
      ],
      { overrides },
    );
    const fs = of(detectRunFindings(r, cfg()), 'context-window');
    expect(fs.map((f) => [f.spanId, f.severity, f.detail.utilization])).toEqual([
      [sid('W2-c2'), 'error', 9000 / 8192],
      [sid('W2-c1'), 'warning', 7000 / 8192],
    ]);
  });

  it('is silent when the window is unknown', () => {
    const r = run([
      { id: 'W3-a', start: 0, dur: 1000, attributes: agent('reader') },
      { id: 'W3-c1', parent: 'W3-a', start: 10, dur: 50, attributes: chat({ model: 'no-such-model-xyz', input: 5_000_000, output: 10 }) },
    ]);
    expect(of(detectRunFindings(r, cfg()), 'context-window')).toEqual([]);
  });
});

describe('truncated, filtered and empty output', () => {
  const one = (prefix: string, attrs: Parameters<typeof chat>[0], status?: 'error'): Finding[] =>
    detectRunFindings(
      run([
        { id: `${prefix}-a`, start: 0, dur: 1000, attributes: agent('writer') },
        { id: `${prefix}-c`, parent: `${prefix}-a`, start: 10, dur: 50, status, attributes: chat({ input: 100, output: 10, ...attrs }) },
      ]),
      cfg(),
    );

  it('flags finish reason length (and Gemini MAX_TOKENS) as truncated', () => {
    const fs = one('O1', { output: 4096, finish: ['length'], outputMessages: answer('The report begins with', 'length') });
    expect(fs.map((f) => [f.detector, f.spanId, f.detail])).toEqual([['truncated-output', sid('O1-c'), { model: 'gpt-4o-mini', finishReason: 'length' }]]);
    expect(fs[0]!.message).toContain('after 4,096 output tokens');
    expect(one('O2', { finish: ['MAX_TOKENS'] }).map((f) => f.detector)).toEqual(['truncated-output']);
  });

  it('flags content_filter (and the Vercel spelling content-filter) as filtered, not also as empty', () => {
    const empty = [{ role: 'assistant', parts: [{ type: 'text', content: '' }], finish_reason: 'content_filter' }];
    expect(one('O3', { finish: ['content_filter'], outputMessages: empty }).map((f) => [f.detector, f.detail])).toEqual([
      ['content-filtered', { model: 'gpt-4o-mini', finishReason: 'content_filter' }],
    ]);
    expect(one('O4', { finish: ['content-filter'] }).map((f) => f.detector)).toEqual(['content-filtered']);
  });

  it('flags an empty completion; not a call without captured content, a tool call, or a failed call', () => {
    const blank = [{ role: 'assistant', parts: [{ type: 'text', content: '  ' }], finish_reason: 'stop' }];
    expect(one('O5', { finish: ['stop'], outputMessages: blank }).map((f) => [f.detector, f.spanId])).toEqual([['empty-completion', sid('O5-c')]]);
    expect(one('O6', { finish: ['stop'] })).toEqual([]); // content capture off
    expect(one('O7', { outputMessages: callsTool('search', { q: 'x' }) })).toEqual([]);
    expect(one('O8', { outputMessages: blank }, 'error')).toEqual([]);
    expect(one('O9', { finish: ['stop'], outputMessages: answer('Done.') })).toEqual([]);
  });
});
