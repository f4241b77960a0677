/**
 * A trace with more GenAI spans than the Conversation tab loads (`MAX_CONVERSATION_SPANS`): the
 * Usage view's report and the diagnostics' run count every model call, as the trace rows' stored
 * totals do (src/core/store/usageColumns.ts), not only those among the first 2,000 GenAI spans.
 *
 * The trace is an agent loop: 99 model calls (`gpt-4o-mini`, answering as the dated model, and
 * every 11th call an unknown model), each followed by 30 tool calls, so most calls start after the
 * 2,000th GenAI span. Expected values are computed here from the generated token counts and
 * priced with `@pydantic/genai-prices`' own `calcPrice`, never by the project's pricing code.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendService } from '../../../src/core/backend/backendService';
import { analyzeRun } from '../../../src/core/diagnostics/analysis';
import { storedRunInput } from '../../../src/core/diagnostics/storedRun';
import { MAX_CONVERSATION_SPANS, TraceStore } from '../../../src/core/store/traceStore';
import { roundUsd } from '../../../src/model/cost';
import type { SpanRecord } from '../../../src/model/trace';
import { BASE_TIME_UNIX_NANO, nanos, spanId, spanRecord, traceId } from '../../support/builders';
import { ROOMY_CONFIG, wasmBinary } from '../../support/storeHarness';

const CALLS = 99;
const TOOLS_PER_CALL = 30;
const MODEL = 'gpt-4o-mini';
const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
const UNKNOWN_MODEL = 'acme-unknown-model-7';

interface Call {
  spanId: string;
  model: string;
  input: number;
  output: number;
  startMs: number;
}

/** The agent loop trace and the model calls it holds (the expected values' source). */
function agentLoop(): { spans: SpanRecord[]; calls: Call[] } {
  const tid = traceId(0xb16);
  const rootId = spanId(1);
  let n = 2;
  let ms = 0;
  const total = CALLS * (TOOLS_PER_CALL + 1) * 2 + 10;
  const spans: SpanRecord[] = [
    spanRecord({
      traceId: tid,
      spanId: rootId,
      name: 'invoke_agent looper',
      startTimeUnixNano: BASE_TIME_UNIX_NANO,
      endTimeUnixNano: nanos(total),
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'looper', 'gen_ai.provider.name': 'openai' },
    }),
  ];
  const calls: Call[] = [];
  for (let c = 0; c < CALLS; c++) {
    const model = c % 11 === 10 ? UNKNOWN_MODEL : MODEL;
    const call: Call = { spanId: spanId(n++), model, input: 1_000 + 37 * c, output: 50 + 13 * c, startMs: ms };
    calls.push(call);
    spans.push(
      spanRecord({
        traceId: tid,
        spanId: call.spanId,
        parentSpanId: rootId,
        name: `chat ${model}`,
        kind: 'client',
        startTimeUnixNano: nanos(ms),
        endTimeUnixNano: nanos(ms + 1.5),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': model,
          'gen_ai.response.model': model === MODEL ? RESPONSE_MODEL : model,
          'gen_ai.usage.input_tokens': call.input,
          'gen_ai.usage.output_tokens': call.output,
        },
      }),
    );
    ms += 2;
    for (let t = 0; t < TOOLS_PER_CALL; t++) {
      spans.push(
        spanRecord({
          traceId: tid,
          spanId: spanId(n++),
          parentSpanId: rootId,
          name: 'execute_tool search',
          startTimeUnixNano: nanos(ms),
          endTimeUnixNano: nanos(ms + 1),
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.id': `call_${c}_${t}` },
          status: t === 7 ? { code: 'error', message: 'search failed' } : { code: 'unset', message: '' },
        }),
      );
      ms += 2;
    }
  }
  return { spans, calls };
}

/** A call's price by the price library itself (the pricer prices by the response model, at the call's start). */
function libraryPrice(c: Call): number | undefined {
  const model = c.model === MODEL ? RESPONSE_MODEL : c.model;
  const at = new Date(Number(BigInt(nanos(c.startMs)) / 1_000_000n));
  const r = calcPrice({ input_tokens: c.input, output_tokens: c.output }, model, { providerId: 'openai', timestamp: at });
  return r ? roundUsd(r.total_price) : undefined;
}

let stores: TraceStore[] = [];
afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
});

describe('a trace with more GenAI spans than the Conversation tab loads', () => {
  it('the Usage report and the diagnostics count every model call, as the stored totals do', async () => {
    const store = await TraceStore.open({ wasmBinary, config: ROOMY_CONFIG });
    stores.push(store);
    const service = new BackendService(store, () => undefined);
    const { spans, calls } = agentLoop();
    const r = store.insertSpans(spans);
    expect(r).toMatchObject({ inserted: spans.length, nextOffset: spans.length });
    const tid = spans[0]!.traceId;

    // Not vacuous: the capped read leaves most model calls out.
    const loaded = store.traceGenAiSpans(tid)!;
    expect(loaded.truncated).toBe(true);
    const loadedCalls = loaded.spans.filter((s) => s.span.attributes['gen_ai.operation.name'] === 'chat').length;
    expect(loadedCalls).toBeLessThan(CALLS);
    expect(spans.length).toBeGreaterThan(MAX_CONVERSATION_SPANS);

    // Expected: every call, priced by the library.
    const priced = calls.map(libraryPrice);
    const known = calls.filter((_, i) => priced[i] !== undefined);
    expect(known.length).toBe(90);
    const costUsd = roundUsd(priced.reduce<number>((sum, p) => sum + (p ?? 0), 0));
    const input = calls.reduce((sum, c) => sum + c.input, 0);
    const output = calls.reduce((sum, c) => sum + c.output, 0);

    const summary = store.traceSummary(tid)!;
    expect(summary.usage).toMatchObject({ modelCalls: CALLS, tokens: { input, output, total: input + output } });
    expect(summary.usage!.cost.costUsd).toBeCloseTo(costUsd, 10);

    const report = (await service.handlers.usageReport({ scope: { kind: 'trace', traceId: tid } }))!;
    const m = report.metrics;
    expect(m.modelCalls).toBe(CALLS);
    expect(m.tokens).toEqual(summary.usage!.tokens);
    expect(m.cost).toEqual(summary.usage!.cost);
    expect(m.cost).toMatchObject({ pricedCount: 90, unpricedCount: 9, isLowerBound: true, unpricedModels: [`openai/${UNKNOWN_MODEL}`] });
    expect(m.cost.costUsd).toBeCloseTo(costUsd, 10);
    expect(m).toMatchObject({ agentIterations: CALLS, toolCalls: CALLS * TOOLS_PER_CALL, toolErrors: CALLS });
    expect(m.modelLatency!.count).toBe(CALLS);
    // Per model: every call, labelled and grouped as the loaded ones are (response model, provider).
    expect(m.models.map((x) => ({ model: x.model, provider: x.provider, calls: x.calls }))).toEqual([
      { model: RESPONSE_MODEL, provider: 'openai', calls: 90 },
      { model: UNKNOWN_MODEL, provider: 'openai', calls: 9 },
    ]);
    expect(m.models[0]!.cost.costUsd).toBeCloseTo(costUsd, 10);
    expect(m.models[0]!.tokens.input).toBe(known.reduce((sum, c) => sum + c.input, 0));
    // One point per call, each with the library's price.
    expect(report.points.map((p) => p.spanId)).toEqual(calls.map((c) => c.spanId));
    for (const [i, p] of report.points.entries()) {
      const want = priced[i];
      if (want === undefined) expect(p.costUsd, p.spanId).toBeNull();
      else expect(p.costUsd, p.spanId).toBeCloseTo(want, 12);
    }
    // The session-less "all" scope agrees too.
    const all = (await service.handlers.usageReport({ scope: { kind: 'all' } }))!;
    expect(all.metrics.cost).toEqual(summary.usage!.cost);
    expect(all.metrics.modelCalls).toBe(CALLS);

    // The diagnostics' run: every iteration and model call.
    const run = storedRunInput(store, service.usage, tid)!;
    const analysis = analyzeRun(run);
    expect(analysis.metrics.agentIterations).toBe(CALLS);
    expect(analysis.modelCalls).toHaveLength(CALLS);
    expect(analysis.toolCalls).toHaveLength(CALLS * TOOLS_PER_CALL);
    expect(analysis.metrics.cost).toEqual(summary.usage!.cost);
  });
});
