/**
 * Diagnostics through the real receiver and bundled back end: runs posted as OTLP/JSON are
 * analysed as they arrive (a loop, a swallowed tool error), findings carry the `code.*` locations
 * of their spans, trace rows carry the findings' count, complete runs build a baseline, and an
 * outlier run is flagged against it with the mean and σ of the earlier runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendEvent } from '../../../src/core/backend/protocol';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p.close();
});

const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });
let nextSpan = 1;
const sid = () => (nextSpan++).toString(16).padStart(16, '0');

interface ToolCallSpec {
  args: string;
  result: string;
  line: number;
  error?: boolean;
}

/** One agent run: root agent span, a model call asking for tools, the tool calls, a final model call. */
async function postRun(traceId: string, tools: ToolCallSpec[], opts: { durationMs?: number; inputTokens?: number } = {}): Promise<void> {
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const at = (ms: number) => String(t0 + BigInt(Math.round(ms)) * 1_000_000n);
  const root = sid();
  const total = opts.durationMs ?? 1000;
  const spans: unknown[] = [
    { traceId, spanId: root, name: 'invoke_agent weather', kind: 1, startTimeUnixNano: at(0), endTimeUnixNano: at(total), attributes: [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'weather')], status: {} },
    {
      traceId, spanId: sid(), parentSpanId: root, name: 'chat gpt-4o-mini', kind: 3, startTimeUnixNano: at(1), endTimeUnixNano: at(10),
      attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.usage.input_tokens', opts.inputTokens ?? 100), attr('gen_ai.usage.output_tokens', 10)],
      status: {},
    },
  ];
  tools.forEach((t, i) => {
    spans.push({
      traceId, spanId: sid(), parentSpanId: root, name: 'execute_tool get_weather', kind: 1, startTimeUnixNano: at(20 + i * 10), endTimeUnixNano: at(25 + i * 10),
      attributes: [
        attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'get_weather'), attr('gen_ai.tool.call.arguments', t.args), attr('gen_ai.tool.call.result', t.result),
        attr('code.file.path', '/app/agent/tools.py'), attr('code.line.number', t.line), attr('code.function.name', 'get_weather'),
      ],
      status: t.error ? { code: 2, message: 'tool failed' } : {},
    });
  });
  spans.push({
    traceId, spanId: sid(), parentSpanId: root, name: 'chat gpt-4o-mini', kind: 3, startTimeUnixNano: at(total - 100), endTimeUnixNano: at(total - 10),
    attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.usage.input_tokens', opts.inputTokens ?? 100), attr('gen_ai.usage.output_tokens', 10)],
    status: {},
  });
  const body = { resourceSpans: [{ resource: { attributes: [attr('service.name', 'diag-test')] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
  const res = await fetch(`${p.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

const changedFor = (traceId: string) => p.events.some((e: BackendEvent) => e.type === 'diagnosticsChanged' && e.traceIds.includes(traceId));

describe('diagnostics in the back end', () => {
  it('a loop of four identical tool calls (arguments in another key order) is found, located at the tool code', async () => {
    const traceId = 'd1a90000000000000000000000000001';
    await postRun(traceId, [
      { args: '{"city":"Paris","unit":"c"}', result: '{"t":18}', line: 41 },
      { args: '{"unit":"c","city":"Paris"}', result: '{"t":18}', line: 41 },
      { args: '{"city":"Paris","unit":"c"}', result: '{"t":18}', line: 41 },
      { args: '{"city": "Paris", "unit": "c"}', result: '{"t":18}', line: 41 },
    ]);
    await eventually(() => changedFor(traceId), 5000);
    const findings = await p.client.request('listFindings', { traceIds: [traceId] });
    const loop = findings.find((f) => f.detector === 'loop');
    expect(loop).toBeDefined();
    expect(loop!.message).toMatch(/get_weather/);
    expect(loop!.message).toMatch(/4/);
    expect(loop!.relatedSpanIds).toHaveLength(3);
    expect(loop!.locations[0]).toMatchObject({ path: '/app/agent/tools.py', line: 41, spanName: 'execute_tool get_weather' });
    const [row] = await p.client.request('listTraces', { limit: 10, offset: 0 });
    expect(row!.traceId).toBe(traceId);
    expect(row!.findings).toEqual({ count: findings.length, worst: loop!.severity });
  });

  it('a tool result carrying an error on a span without error status, followed by another model call, is a swallowed error', async () => {
    const traceId = 'd1a90000000000000000000000000002';
    await postRun(traceId, [{ args: '{"city":"Lyon"}', result: '{"error":"upstream timeout after 30s"}', line: 57 }]);
    await eventually(() => changedFor(traceId), 5000);
    const findings = await p.client.request('listFindings', { traceIds: [traceId] });
    const swallowed = findings.find((f) => f.detector === 'swallowed-tool-error');
    expect(swallowed?.message).toMatch(/upstream timeout/);
    expect(swallowed!.locations[0]).toMatchObject({ path: '/app/agent/tools.py', line: 57 });
  });

  it('complete runs build a baseline; an outlier run is flagged with the mean and σ of the others', async () => {
    const durations = [1000, 1100, 900, 1050, 950];
    for (let i = 0; i < durations.length; i++) await postRun(`d1a9b000000000000000000000000${String(10 + i)}0`, [{ args: '{"city":"Oslo"}', result: '{"t":3}', line: 12 }], { durationMs: durations[i]! });
    // Runs complete after 3 s without changes (COMPLETE_AFTER_QUIET_MS).
    const baselines = await eventually(async () => {
      const list = await p.client.request('listBaselines', {});
      const b = list.find((x) => x.key.name === 'weather');
      return b && b.runs >= 7 ? list : undefined; // the two runs above and these five
    }, 10_000);
    const base = baselines.find((x) => x.key.name === 'weather')!;
    expect(base.key).toEqual({ serviceName: 'diag-test', name: 'weather', by: 'agent' });
    const outlierId = 'd1a9c000000000000000000000000001';
    await postRun(outlierId, [{ args: '{"city":"Oslo"}', result: '{"t":3}', line: 12 }], { durationMs: 30_000 });
    const check = await eventually(async () => {
      const c = await p.client.request('checkRun', { traceId: outlierId });
      return c?.complete ? c : undefined;
    }, 10_000);
    const anomaly = check.findings.find((f) => f.detector === 'baseline-anomaly' && f.detail.metric === 'durationMs');
    expect(anomaly).toBeDefined();
    // The baseline: all seven earlier runs' durations (independent arithmetic, sample σ).
    const all = [1000, 1000, ...durations];
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1));
    expect(check.baseline!.metrics.durationMs!.mean).toBeCloseTo(mean, 6);
    expect(check.baseline!.metrics.durationMs!.stdDev).toBeCloseTo(sd, 6);
    expect(check.values.durationMs).toBe(30_000);
  }, 30_000);

  it('findings of a deleted trace go away', async () => {
    const traceId = 'd1a90000000000000000000000000001';
    await p.client.request('deleteTrace', { traceId });
    expect(await p.client.request('listFindings', { traceIds: [traceId] })).toEqual([]);
  });
});
