/**
 * Tool-use detectors on synthetic OTel GenAI span trees (builders → normalizeSpan → real pricer):
 * loops (canonical arguments), retry storms, swallowed tool errors (JSON error field, traceback,
 * JS stack, MCP isError, exception event with OK status; and the runs that stopped), expected
 * tools, tool skipping against a baseline.
 */
import { describe, expect, it } from 'vitest';
import { detectRunFindings } from '../../../src/core/diagnostics/detectors';
import { analyzeRun } from '../../../src/core/diagnostics/analysis';
import { BaselineIndex } from '../../../src/core/diagnostics/baseline';
import { DEFAULT_DIAGNOSTICS_CONFIG, type DiagnosticsConfig, type Finding, type FindingOf } from '../../../src/model/diagnostics';
import { exceptionEvent } from '../../support/builders';
import { agent, answer, callsTool, chat, run, sid, tool, type SpanSpec } from './support';

const cfg = (o: Partial<DiagnosticsConfig> = {}): DiagnosticsConfig => ({ ...DEFAULT_DIAGNOSTICS_CONFIG, ...o });
const of = <D extends Finding['detector']>(fs: Finding[], d: D): FindingOf<D>[] =>
  fs.filter((f): f is FindingOf<D> => f.detector === d);

describe('loop', () => {
  // Four get_weather calls with the same arguments in different key order (one as a JSON string
  // with extra spaces, one as a structured value), one with another city, one wrapped by a
  // second instrumentation's span of the same call.
  const specs: SpanSpec[] = [
    { id: 'L-a', start: 0, dur: 1000, attributes: agent('weather') },
    { id: 'L-c1', parent: 'L-a', start: 10, dur: 50, attributes: chat({ input: 100, output: 10 }) },
    { id: 'L-t1', parent: 'L-a', start: 70, dur: 20, attributes: tool('get_weather', { city: 'Paris', unit: 'C' }) },
    { id: 'L-t1w', parent: 'L-t1', start: 71, dur: 18, attributes: tool('get_weather', '{"unit":"C","city":"Paris"}') },
    { id: 'L-t2', parent: 'L-a', start: 100, dur: 20, attributes: tool('get_weather', '{ "unit": "C",  "city": "Paris" }') },
    { id: 'L-t3', parent: 'L-a', start: 130, dur: 20, attributes: tool('get_weather', { city: 'Lyon', unit: 'C' }) },
    { id: 'L-t4', parent: 'L-a', start: 160, dur: 20, attributes: tool('get_weather', '{"city":"Paris","unit":"C"}') },
    { id: 'L-t5', parent: 'L-a', start: 190, dur: 20, attributes: tool('get_weather', { unit: 'C', city: 'Paris' }) },
    { id: 'L-c2', parent: 'L-a', start: 220, dur: 50, attributes: chat({ input: 200, output: 10 }) },
  ];

  it('flags the same tool with the same canonical arguments 4 times, naming all four calls', () => {
    const r = run(specs);
    expect(analyzeRun(r).metrics.toolCalls).toBe(5); // t1w is t1 seen twice
    const loops = of(detectRunFindings(r, cfg()), 'loop');
    expect(loops).toHaveLength(1);
    const f = loops[0]!;
    expect(f.spanId).toBe(sid('L-t1'));
    expect(f.relatedSpanIds).toEqual([sid('L-t2'), sid('L-t4'), sid('L-t5')]);
    expect(f.detail).toEqual({ toolName: 'get_weather', count: 4, limit: 3, arguments: '{"city":"Paris","unit":"C"}', source: 'tool-span' });
    expect(f.id).toBe(`loop:${r.traceId}:${sid('L-t1')}`);
    expect(f.message).toContain('4 times');
    expect(f.severity).toBe('warning');
  });

  it('respects the configured repeat count', () => {
    expect(of(detectRunFindings(run(specs), cfg({ loopRepeats: 5 })), 'loop')).toEqual([]);
  });

  it('uses the model\'s tool_call requests when the run has no tool spans', () => {
    const r = run([
      { id: 'LR-a', start: 0, dur: 1000, attributes: agent('weather') },
      ...[0, 1, 2].map((i): SpanSpec => ({ id: `LR-c${i}`, parent: 'LR-a', start: 10 + i * 100, dur: 50, attributes: chat({ input: 100, output: 10, outputMessages: callsTool('search', i === 1 ? '{"q":"x"}' : { q: 'x' }) }) })),
    ]);
    const loops = of(detectRunFindings(r, cfg()), 'loop');
    expect(loops).toHaveLength(1);
    expect(loops[0]!.detail.source).toBe('tool-call-request');
    expect(loops[0]!.spanId).toBe(sid('LR-c0'));
    expect(loops[0]!.detail.count).toBe(3);
  });
});

describe('retry storm', () => {
  it('counts a chain of calls of one tool each after a failure, and the run\'s retry rate', () => {
    const r = run([
      { id: 'R-a', start: 0, dur: 2000, attributes: agent('researcher') },
      { id: 'R-t1', parent: 'R-a', start: 10, dur: 10, status: 'error', attributes: tool('search_web', { q: 'a' }) },
      { id: 'R-x', parent: 'R-a', start: 30, dur: 10, attributes: tool('read_file', { p: '/x' }) },
      { id: 'R-t2', parent: 'R-a', start: 50, dur: 10, attributes: tool('search_web', { q: 'b' }, { error: 'rate limited' }) },
      { id: 'R-t3', parent: 'R-a', start: 70, dur: 10, status: 'error', attributes: tool('search_web', { q: 'c' }) },
      { id: 'R-t4', parent: 'R-a', start: 90, dur: 10, attributes: tool('search_web', { q: 'd' }, { hits: 3 }) },
      { id: 'R-c', parent: 'R-a', start: 110, dur: 10, attributes: chat({ input: 10, output: 5 }) },
    ]);
    const storms = of(detectRunFindings(r, cfg()), 'retry-storm');
    expect(storms).toHaveLength(1);
    const f = storms[0]!;
    expect(f.spanId).toBe(sid('R-t1'));
    expect(f.relatedSpanIds).toEqual([sid('R-t2'), sid('R-t3'), sid('R-t4')]);
    // 5 tool calls; t2, t3, t4 each follow a failed search_web call → 3 retries.
    expect(f.detail).toEqual({ toolName: 'search_web', count: 4, failed: 3, limit: 3, retryRate: 3 / 5 });
    expect(f.message).toContain('60%');
  });

  it('does not flag alternating failure and success', () => {
    const r = run([
      { id: 'R2-a', start: 0, dur: 2000, attributes: agent('researcher') },
      { id: 'R2-t1', parent: 'R2-a', start: 10, dur: 10, status: 'error', attributes: tool('search_web', { q: 'a' }) },
      { id: 'R2-t2', parent: 'R2-a', start: 30, dur: 10, attributes: tool('search_web', { q: 'b' }) },
      { id: 'R2-t3', parent: 'R2-a', start: 50, dur: 10, status: 'error', attributes: tool('search_web', { q: 'c' }) },
      { id: 'R2-t4', parent: 'R2-a', start: 70, dur: 10, attributes: tool('search_web', { q: 'd' }) },
    ]);
    expect(of(detectRunFindings(r, cfg()), 'retry-storm')).toEqual([]);
  });
});

describe('swallowed tool error', () => {
  const withResult = (prefix: string, t: { result?: unknown; status?: 'unset' | 'ok' | 'error'; events?: SpanSpec['events'] }, wentOn: boolean): SpanSpec[] => [
    { id: `${prefix}-a`, start: 0, dur: 1000, attributes: agent('weather') },
    { id: `${prefix}-c1`, parent: `${prefix}-a`, start: 10, dur: 50, attributes: chat({ input: 100, output: 10, outputMessages: callsTool('get_weather', { city: 'Paris' }, 'call_1') }) },
    { id: `${prefix}-t`, parent: `${prefix}-a`, start: 70, dur: 30, status: t.status, events: t.events, attributes: tool('get_weather', { city: 'Paris' }, t.result, 'call_1') },
    ...(wentOn ? [{ id: `${prefix}-c2`, parent: `${prefix}-a`, start: 110, dur: 50, attributes: chat({ input: 150, output: 12, outputMessages: answer('It is sunny in Paris.') }) }] : []),
  ];
  const swallowed = (specs: SpanSpec[]) => of(detectRunFindings(run(specs), cfg()), 'swallowed-tool-error');

  it('flags a JSON error field in an OK result when a model call follows', () => {
    const fs = swallowed(withResult('S1', { result: { error: 'city not found', code: 404 } }, true));
    expect(fs).toHaveLength(1);
    expect(fs[0]!.spanId).toBe(sid('S1-t'));
    expect(fs[0]!.severity).toBe('error');
    expect(fs[0]!.detail).toEqual({ toolName: 'get_weather', evidence: 'error-field', excerpt: 'error: city not found', continuedBySpanId: sid('S1-c2') });
    expect(fs[0]!.relatedSpanIds).toEqual([sid('S1-c2')]);
  });

  it('flags a Python traceback in the result text', () => {
    const tb = 'Traceback (most recent call last):\n  File "tools.py", line 12, in get_weather\n    data = resp.json()\nKeyError: \'temp\'\n';
    const fs = swallowed(withResult('S2', { result: tb, status: 'ok' }, true));
    expect(fs.map((f) => [f.detail.evidence, f.detail.excerpt])).toEqual([['python-traceback', "KeyError: 'temp'"]]);
  });

  it('flags a JavaScript stack inside a structured result', () => {
    const stack = 'TypeError: Cannot read properties of undefined (reading \'temp\')\n    at getWeather (/app/tools.js:10:5)\n    at run (/app/agent.js:3:1)';
    const fs = swallowed(withResult('S3', { result: { output: stack } }, true));
    expect(fs.map((f) => f.detail.evidence)).toEqual(['js-stack']);
  });

  it('flags an MCP CallToolResult with isError: true', () => {
    const fs = swallowed(withResult('S4', { result: { content: [{ type: 'text', text: 'API key invalid' }], isError: true } }, true));
    expect(fs.map((f) => [f.detail.evidence, f.detail.excerpt])).toEqual([['is-error', 'API key invalid']]);
  });

  it('flags an exception event on a tool span with status OK', () => {
    const fs = swallowed(withResult('S5', { status: 'ok', events: [exceptionEvent('connection reset', { attributes: { 'exception.type': 'ConnectionError', 'exception.message': 'connection reset' } })] }, true));
    expect(fs.map((f) => [f.detail.evidence, f.detail.excerpt])).toEqual([['exception-event', 'ConnectionError: connection reset']]);
  });

  it('does not flag a run that stopped after the failed tool', () => {
    expect(swallowed(withResult('S6', { result: { error: 'city not found' } }, false))).toEqual([]);
    expect(swallowed(withResult('S7', { status: 'ok', events: [exceptionEvent('boom')] }, false))).toEqual([]);
  });

  it('does not flag an error the span reports (status ERROR) or a null error field', () => {
    expect(swallowed(withResult('S8', { result: { error: 'city not found' }, status: 'error' }, true))).toEqual([]);
    expect(swallowed(withResult('S9', { result: { error: null, temperature_c: 18 } }, true))).toEqual([]);
    expect(swallowed(withResult('S10', { result: '{"city":"Paris","temperature_c":18}' }, true))).toEqual([]);
  });

  it('counts a model call that consumed the result by call id as going on, even if it started earlier', () => {
    const specs: SpanSpec[] = [
      { id: 'S11-a', start: 0, dur: 1000, attributes: agent('weather') },
      { id: 'S11-t', parent: 'S11-a', start: 70, dur: 30, attributes: tool('get_weather', { city: 'Paris' }, { error: 'timeout' }, 'call_9') },
      {
        id: 'S11-c',
        parent: 'S11-a',
        start: 95, // clock skew: before the tool span's end
        dur: 50,
        attributes: chat({ input: 150, output: 12, inputMessages: [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_9', response: '{"error":"timeout"}' }] }], outputMessages: answer('ok') }),
      },
    ];
    const fs = swallowed(specs);
    expect(fs.map((f) => f.detail.continuedBySpanId)).toEqual([sid('S11-c')]);
  });
});

describe('expected tools', () => {
  const specs: SpanSpec[] = [
    { id: 'E-root', name: 'nightly-report', start: 0, dur: 1000, attributes: {} },
    { id: 'E-a', parent: 'E-root', start: 5, dur: 900, attributes: agent('weather') },
    { id: 'E-c', parent: 'E-a', start: 10, dur: 50, attributes: chat({ input: 100, output: 10, outputMessages: callsTool('lookup_city', { q: 'Paris' }) }) },
    { id: 'E-t', parent: 'E-a', start: 70, dur: 30, attributes: tool('get_weather', { city: 'Paris' }) },
  ];

  it('names the missing tools of an agent, counting tool spans and tool_call requests', () => {
    const fs = of(detectRunFindings(run(specs), cfg({ expectedTools: { Weather: ['get_weather', 'LOOKUP_CITY', 'get_forecast'] } })), 'expected-tool-missing');
    expect(fs).toHaveLength(1);
    expect(fs[0]!.spanId).toBe(sid('E-a'));
    expect(fs[0]!.detail).toEqual({ expectedBy: 'agent', name: 'Weather', expectedTools: ['get_weather', 'LOOKUP_CITY', 'get_forecast'], missingTools: ['get_forecast'] });
    expect(fs[0]!.severity).toBe('error');
  });

  it('matches the root span name, and waits for the run to complete', () => {
    const config = cfg({ expectedTools: { 'nightly-report': ['send_email'] } });
    const fs = of(detectRunFindings(run(specs), config), 'expected-tool-missing');
    expect(fs.map((f) => [f.spanId, f.detail.expectedBy, f.detail.missingTools])).toEqual([[sid('E-root'), 'root', ['send_email']]]);
    expect(of(detectRunFindings(run(specs, { complete: false }), config), 'expected-tool-missing')).toEqual([]);
  });

  it('is silent when every expected tool was called', () => {
    expect(of(detectRunFindings(run(specs), cfg({ expectedTools: { weather: ['get_weather', 'lookup_city'] } })), 'expected-tool-missing')).toEqual([]);
  });
});

describe('tool skipped', () => {
  const tools = ['get_weather', 'get_forecast'];
  const withTool = (i: number): SpanSpec[] => [
    { id: `K${i}-a`, start: 0, dur: 500 + i, attributes: agent('weather') },
    { id: `K${i}-c1`, parent: `K${i}-a`, start: 10, dur: 50, attributes: chat({ input: 100, output: 10, tools, outputMessages: callsTool('get_weather', { city: 'Paris' }) }) },
    { id: `K${i}-t`, parent: `K${i}-a`, start: 70, dur: 30, attributes: tool('get_weather', { city: 'Paris' }) },
    { id: `K${i}-c2`, parent: `K${i}-a`, start: 110, dur: 50, attributes: chat({ input: 150, output: 12, tools, outputMessages: answer('Sunny.') }) },
  ];
  const without = (i: number): SpanSpec[] => [
    { id: `K${i}-a`, start: 0, dur: 300, attributes: agent('weather') },
    { id: `K${i}-c1`, parent: `K${i}-a`, start: 10, dur: 50, attributes: chat({ input: 100, output: 10, tools, outputMessages: answer('Probably sunny.') }) },
  ];

  it('flags a run that answered without tools when the baseline runs nearly always call one', () => {
    const index = new BaselineIndex();
    for (let i = 0; i < 6; i++) index.addRun(run(withTool(i)));
    const r = run(without(100));
    const fs = of(detectRunFindings(r, cfg(), index.baselineFor(r)), 'tool-skipped');
    expect(fs).toHaveLength(1);
    expect(fs[0]!.spanId).toBe(sid('K100-c1'));
    expect(fs[0]!.detail).toEqual({ toolsOffered: 2, baselineRuns: 6, baselineCallRate: 1, limit: 0.9 });
    // A run that called its tool is not flagged.
    expect(of(detectRunFindings(run(withTool(101)), cfg(), index.baselineFor(run(withTool(101)))), 'tool-skipped')).toEqual([]);
  });

  it('stays silent when the baseline often answers without tools, or is too small', () => {
    const mixed = new BaselineIndex();
    for (let i = 0; i < 4; i++) mixed.addRun(run(withTool(10 + i)));
    for (let i = 0; i < 2; i++) mixed.addRun(run(without(20 + i)));
    const r = run(without(102));
    expect(mixed.baselineFor(r)!.toolUse).toEqual({ offeredRuns: 6, calledRuns: 4 }); // 66.7% < 90%
    expect(of(detectRunFindings(r, cfg(), mixed.baselineFor(r)), 'tool-skipped')).toEqual([]);

    const small = new BaselineIndex();
    for (let i = 0; i < 4; i++) small.addRun(run(withTool(30 + i)));
    expect(of(detectRunFindings(r, cfg(), small.baselineFor(r)), 'tool-skipped')).toEqual([]);
  });
});
