/**
 * The comparison of two runs (src/core/compare): step alignment (insertions, deletions, changed
 * tool arguments, a swapped model), inline diffs, settings, span paths and the summary line —
 * expected values worked out by hand from the inputs, and two captured fixtures of one agent turn
 * from different conventions (OpenLLMetry/Traceloop and OpenInference).
 */
import { describe, expect, it } from 'vitest';
import { buildConversation } from '../../../src/core/genai/conversation';
import { compareRuns, type CompareRunInput } from '../../../src/core/compare/compareRuns';
import { callSettings } from '../../../src/core/compare/settings';
import { compareSpans } from '../../../src/core/compare/spans';
import { diffTexts } from '../../../src/core/compare/textDiff';
import type { ConversationItem } from '../../../src/model/genai';
import type { SkeletonSpan, StatusCode, TraceSummary } from '../../../src/model/trace';
import { genai, loadSpans, normalizeAll } from '../../support/genai';

function summary(traceId: string, over: Partial<TraceSummary> = {}): TraceSummary {
  return { traceId, rootName: 'agent', hasRoot: true, serviceName: 'svc', startTimeUnixNano: '0', endTimeUnixNano: '0', durationMs: 1000, spanCount: 3, errorCount: 0, updatedSeq: 1, ...over };
}

function usage(costUsd: number, input: number, output: number, modelCalls: number): TraceSummary['usage'] {
  return {
    cost: { costUsd, isLowerBound: false, unpricedModels: [], reportedCount: 0, pricedCount: modelCalls, unpricedCount: 0 },
    tokens: { input, output, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: input + output },
    modelCalls,
  };
}

function run(traceId: string, items: ConversationItem[], over: Partial<TraceSummary> = {}, spans: SkeletonSpan[] = []): CompareRunInput {
  return { summary: summary(traceId, over), conversation: { traceId, items, contentMissingCount: 0 }, spans, calls: [] };
}

let n = 0;
function model(text: string, answer: string, extra: Partial<Extract<ConversationItem, { type: 'modelCall' }>> = {}): ConversationItem {
  return {
    type: 'modelCall',
    spanId: `m${n++}`,
    startOffsetMs: n,
    durationMs: 100,
    model: 'gpt-4o-mini',
    newInputMessages: text ? [{ role: 'user', parts: [{ type: 'text', content: text }] }] : [],
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: answer }] }],
    ...extra,
  };
}
function tool(name: string, args: unknown, result: unknown, error?: string): ConversationItem {
  return { type: 'toolCall', spanId: `t${n++}`, startOffsetMs: n, durationMs: 10, name, arguments: args, result, ...(error ? { error } : {}) };
}

describe('alignSteps through compareRuns', () => {
  it('keeps equal steps, marks an inserted tool call added and a dropped one removed', () => {
    const left = run('a', [model('hi', ''), tool('get_weather', { city: 'Paris' }, '18C'), tool('get_news', {}, 'x'), model('', 'done')]);
    const right = run('b', [model('hi', ''), tool('get_weather', { city: 'Paris' }, '18C'), tool('get_time', {}, '12:00'), tool('get_time', {}, '12:00'), model('', 'done')]);
    const c = compareRuns(left, right);
    // get_news (left) and the first get_time (right) are both tool calls between the same steps: paired as changed.
    expect(c.rows.map((r) => [r.status, r.left?.name, r.right?.name])).toEqual([
      ['same', 'gpt-4o-mini', 'gpt-4o-mini'],
      ['same', 'get_weather', 'get_weather'],
      ['changed', 'get_news', 'get_time'],
      ['added', undefined, 'get_time'],
      ['same', 'gpt-4o-mini', 'gpt-4o-mini'],
    ]);
    const removedOnly = compareRuns(right, run('c', [model('hi', ''), model('', 'done')]));
    expect(removedOnly.rows.map((r) => r.status)).toEqual(['same', 'removed', 'removed', 'removed', 'same']);
    // Removed rows carry every text of the step, on the left only.
    expect(removedOnly.rows[1]!.diffs.find((d) => d.label === 'arguments')).toMatchObject({ left: '{\n  "city": "Paris"\n}', changed: true });
    expect(removedOnly.rows[1]!.diffs.find((d) => d.label === 'arguments')?.right).toBeUndefined();
  });

  it('shows changed tool arguments as an inline diff; key order and JSON text do not count', () => {
    const left = run('a', [tool('get_weather', '{"units":"c","city":"Paris"}', { temp: 18 })]);
    const same = compareRuns(left, run('b', [tool('get_weather', { city: 'Paris', units: 'c' }, '{"temp": 18}')]));
    expect(same.rows.map((r) => r.status)).toEqual(['same']);
    const changed = compareRuns(left, run('b', [tool('get_weather', { city: 'Berlin', units: 'c' }, { temp: 18 })]));
    expect(changed.rows[0]!.status).toBe('changed');
    const args = changed.rows[0]!.diffs;
    expect(args.map((d) => d.label)).toEqual(['arguments']);
    const seg = args[0]!.segments!;
    expect(seg.filter((s) => s.op === 'removed').map((s) => s.text)).toEqual(['Paris']);
    expect(seg.filter((s) => s.op === 'added').map((s) => s.text)).toEqual(['Berlin']);
    // The segments rebuild both texts.
    expect(seg.filter((s) => s.op !== 'added').map((s) => s.text).join('')).toBe('{\n  "city": "Paris",\n  "units": "c"\n}');
    expect(seg.filter((s) => s.op !== 'removed').map((s) => s.text).join('')).toBe('{\n  "city": "Berlin",\n  "units": "c"\n}');
  });

  it('pairs a model call with another model as a changed step, and names the swap in the summary', () => {
    const left = run('a', [model('q', 'a')]);
    const right = run('b', [model('q', 'a', { model: 'gpt-4o' })]);
    const c = compareRuns({ ...left, calls: [callSettings({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.request.temperature': 0 }, null)] }, { ...right, calls: [callSettings({ 'llm.invocation_parameters': '{"model":"gpt-4o","temperature":0.7}' }, null)] });
    expect(c.rows.map((r) => [r.status, r.left?.name, r.right?.name])).toEqual([['changed', 'gpt-4o-mini', 'gpt-4o']]);
    expect(c.parameters).toEqual([
      { name: 'model', left: 'gpt-4o-mini', right: 'gpt-4o' },
      { name: 'temperature', left: '0', right: '0.7' },
    ]);
    expect(c.summary).toBe('model gpt-4o-mini → gpt-4o');
  });
});

describe('summary line', () => {
  it('gives cost, tool calls and the new error, computed from the totals', () => {
    // Cost 0.0025 → 0.0033: (0.0033 − 0.0025) / 0.0025 = 0.32 → +32%.
    // Tokens 1000 → 1000: no change. Tool calls 1 → 3: 2 more. get_weather fails on the right only.
    const left = run('a', [model('q', ''), tool('get_weather', { city: 'Paris' }, '18C'), model('', 'ok')], { usage: usage(0.0025, 800, 200, 2) });
    const right = run('b', [model('q', ''), tool('get_weather', { city: 'Paris' }, undefined, 'timeout'), tool('search', {}, 'r'), tool('search', {}, 'r'), model('', 'ok')], { usage: usage(0.0033, 700, 300, 2), errorCount: 1 });
    const c = compareRuns(left, right);
    expect(c.summary).toBe('cost +32%, 2 more tool calls, new error in get_weather');
    expect(c.delta).toEqual({ tokens: 0, costUsd: 0.0008, latencyMs: 0, errors: 1 });
    const weather = c.rows.find((r) => r.right?.name === 'get_weather')!;
    expect(weather.delta.errors).toBe(1);
    expect(weather.diffs.map((d) => d.label)).toEqual(['result', 'error']);
  });

  it('says so when nothing changed, and reports fewer calls, the user input and errors gone', () => {
    const a = run('a', [model('q', 'a')], { usage: usage(0.001, 100, 10, 1) });
    expect(compareRuns(a, a).summary).toBe('no change in cost, tokens, steps or errors');
    // Tokens 110 → 55: −50%. Cost 0.001 → 0.0005: −50%. Duration 1000 → 2000 ms: +100%.
    const left = run('a', [model('What is the weather in Paris?', 'a'), tool('get_weather', {}, undefined, 'boom'), model('', 'a')], { usage: usage(0.001, 100, 10, 2) });
    const right = run('b', [model('What is the weather in Berlin?', 'a')], { usage: usage(0.0005, 50, 5, 1), durationMs: 2000 });
    const c = compareRuns(left, right);
    expect(c.summary).toBe('different user input, cost -50%, tokens -50%, duration +100%, 1 fewer model call, 1 fewer tool call, error gone in get_weather');
    const input = c.texts.find((t) => t.label === 'user input')!;
    expect(input.segments).toEqual([
      { op: 'same', text: 'What is the weather in ' },
      { op: 'removed', text: 'Paris' },
      { op: 'added', text: 'Berlin' },
      { op: 'same', text: '?' },
    ]);
  });
});

describe('text diffs and spans', () => {
  it('falls back to whole texts past the edit budget', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join(' ');
    const d = diffTexts('output', a, b);
    expect(d).toMatchObject({ changed: true, coarse: true, segments: [{ op: 'removed', text: a }, { op: 'added', text: b }] });
  });

  it('compares spans by name path: added, removed, status changed', () => {
    const span = (spanId: string, parentSpanId: string | null, name: string, statusCode: StatusCode = 'unset'): SkeletonSpan => ({ spanId, parentSpanId, name, kind: 'internal', statusCode, serviceName: 's', startOffsetMs: 0, durationMs: 1, eventCount: 0, hasException: false });
    const left = [span('1', null, 'run'), span('2', '1', 'chat'), span('3', '1', 'tool a'), span('4', '1', 'chat')];
    const right = [span('1', null, 'run'), span('2', '1', 'chat', 'error'), span('5', '1', 'tool b'), span('4', '1', 'chat')];
    expect(compareSpans(left, right).changes).toEqual([
      { path: 'run > chat', change: 'status', count: 1, leftStatus: 'unset', rightStatus: 'error', leftSpanId: '2', rightSpanId: '2' },
      { path: 'run > tool a', change: 'removed', count: 1, leftSpanId: '3' },
      { path: 'run > tool b', change: 'added', count: 1, rightSpanId: '5' },
    ]);
  });
});

describe('runs from different conventions', () => {
  function fixtureRun(name: string): CompareRunInput {
    const spans = loadSpans(genai(name));
    const all = normalizeAll(spans);
    const traceId = spans[0]!.traceId;
    const skeleton: SkeletonSpan[] = all.map((s) => ({ spanId: s.span.spanId, parentSpanId: s.span.parentSpanId, name: s.span.name, kind: s.span.kind, statusCode: s.span.status.code, serviceName: 's', startOffsetMs: s.startOffsetMs, durationMs: s.durationMs, eventCount: 0, hasException: false }));
    return {
      summary: summary(traceId, { spanCount: spans.length }),
      conversation: buildConversation(traceId, all),
      spans: skeleton,
      calls: all.filter((s) => s.view?.kind === 'llm').map((s) => callSettings(s.span.attributes, s.view)),
    };
  }

  it('aligns a Traceloop and an OpenInference capture of the same agent turn step by step', () => {
    const c = compareRuns(fixtureRun('traceloop.otlp.json'), fixtureRun('openinference.otlp.json'));
    // Both fixtures: agent → chat (asks for get_weather) → get_weather tool → chat (answers).
    expect(c.rows.map((r) => [r.left?.kind, r.right?.kind])).toEqual([
      ['agent', 'agent'],
      ['modelCall', 'modelCall'],
      ['toolCall', 'toolCall'],
      ['modelCall', 'modelCall'],
    ]);
    // The messages, tool arguments and results are the same; only the apps' agent names differ
    // (`weather_agent` in the Traceloop app, `weather-agent` in the OpenInference one).
    expect(c.rows.map((r) => r.status)).toEqual(['changed', 'same', 'same', 'same']);
    expect(c.rows[0]!.diffs).toEqual([]);
    expect(c.texts.every((t) => !t.changed)).toBe(true);
    expect(c.texts.find((t) => t.label === 'user input')?.left).toBe('What is the weather in Paris?');
    expect(c.rows.filter((r) => r.left?.kind === 'modelCall').map((r) => r.delta.tokens)).toEqual([0, 0]);
    expect(c.parameters).toEqual([]);
    expect(c.summary).toBe('no change in cost, tokens, steps or errors');
  });
});
