/**
 * `compareTraces` and `previousRun` through the real receiver and bundled back end: the demo agent
 * (real OTel SDK + @opentelemetry/instrumentation-openai) run twice, first asking about the
 * weather and ACME stock (two tool calls, get_stock_price fails), then for the news (one tool
 * call). Expected values come from the demo's scenarios (demo/agent/agent.mjs, tools.mjs) and the
 * stored skeletons, not from the comparison code.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceSummary } from '../../../src/model/trace';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

let p: Pipeline;
let weather: TraceSummary;
let news: TraceSummary;

beforeAll(async () => {
  p = await startPipeline();
  await promisify(execFile)(process.execPath, ['demo/agent/main.mjs', '--runs', '2', '--scenario', 'weather,news', '--interval', '0', '--endpoint', p.url, '--quiet']);
  const traces = await eventually(async () => {
    const list = await p.client.request('listTraces', { limit: 10, offset: 0 });
    return list.length === 2 && list.every((t) => t.usage?.modelCalls === 2) ? list : undefined;
  }, 15_000);
  // Newest first: the news run started second.
  [news, weather] = [traces[0]!, traces[1]!];
}, 30_000);
afterAll(async () => {
  await p.close();
});

describe('compareTraces on two demo runs with different questions', () => {
  it('shows both questions with an inline diff, the steps aligned, tools and the summary', async () => {
    const c = (await p.client.request('compareTraces', { leftTraceId: weather.traceId, rightTraceId: news.traceId }))!;
    expect(c.left.traceId).toBe(weather.traceId);
    const input = c.texts.find((t) => t.label === 'user input')!;
    expect(input).toMatchObject({ changed: true, left: 'What is the weather in Paris right now, and how is ACME stock doing?', right: 'What are the top headlines today?' });
    expect(input.segments!.some((s) => s.op === 'removed' && s.text.includes('weather'))).toBe(true);
    expect(input.segments!.some((s) => s.op === 'added' && s.text.includes('headlines'))).toBe(true);

    // weather: agent, chat → get_weather, get_stock_price → chat; news: agent, chat → get_news → chat.
    expect(c.rows.map((r) => [r.status, r.left?.name ?? null, r.right?.name ?? null])).toEqual([
      ['same', 'weather-assistant', 'weather-assistant'],
      ['changed', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18'],
      ['changed', 'get_weather', 'get_news'],
      ['removed', 'get_stock_price', null],
      ['changed', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18'],
    ]);
    expect(c.rows[3]!.left!.error).toBeTruthy();
    // @opentelemetry/instrumentation-openai records no tool definitions; both runs ask gpt-4o-mini at temperature 0.2.
    expect(c.toolDefinitions).toEqual([]);
    expect(c.parameters).toEqual([]);

    // Totals, independently: tool spans and errors from the stored skeletons, cost and tokens from the trace rows.
    const skeletons = await Promise.all([weather, news].map((t) => p.client.request('traceSkeleton', { traceId: t.traceId })));
    const toolCalls = skeletons.map((s) => s!.spans.filter((x) => x.name.startsWith('execute_tool')).length);
    expect(toolCalls).toEqual([2, 1]);
    const errors = skeletons.map((s) => s!.spans.filter((x) => x.statusCode === 'error').length);
    expect(errors).toEqual([1, 0]);
    const pct = (a: number, b: number) => Math.sign(b - a) * Math.round(Math.abs(((b - a) / a) * 100));
    const cost = pct(weather.usage!.cost.costUsd, news.usage!.cost.costUsd);
    const tokens = pct(weather.usage!.tokens.total, news.usage!.tokens.total);
    const sign = (n: number) => (n > 0 ? `+${n}` : `${n}`);
    const expected = ['different user input'];
    if (cost !== 0) expected.push(`cost ${sign(cost)}%`);
    if (tokens !== 0) expected.push(`tokens ${sign(tokens)}%`);
    const d = ((news.durationMs - weather.durationMs) / weather.durationMs) * 100;
    if (Math.abs(d) >= 10) expected.push(`duration ${sign(Math.sign(d) * Math.round(Math.abs(d)))}%`);
    expected.push('1 fewer tool call', 'error gone in get_stock_price');
    expect(c.summary).toBe(expected.join(', '));
    expect(c.delta.errors).toBe(-1);
  });

  it('finds the previous run of the same agent, and null for the first run or an unknown trace', async () => {
    const previous = await p.client.request('previousRun', { traceId: news.traceId });
    expect(previous?.traceId).toBe(weather.traceId);
    expect(await p.client.request('previousRun', { traceId: weather.traceId })).toBeNull();
    expect(await p.client.request('previousRun', { traceId: 'f'.repeat(32) })).toBeNull();
    expect(await p.client.request('compareTraces', { leftTraceId: weather.traceId, rightTraceId: 'f'.repeat(32) })).toBeNull();
  });
});
