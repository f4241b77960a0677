/**
 * Synthetic agent runs for the diagnostics tests: OTel GenAI span records (built with
 * test/support/builders.ts), normalized by the real `normalizeSpan` and priced by the real
 * `computeTraceUsage` + `createPricer` exactly as the back end thread does, assembled into a
 * `RunInput`.
 */
import { nanos, spanRecord, traceId as makeTraceId, spanId as makeSpanId, resourceInfo } from '../../support/builders';
import { normalizeSpan } from '../../../src/core/genai/normalize';
import { computeTraceUsage, type UsageSpanInput } from '../../../src/core/usage/traceUsage';
import { createPricer } from '../../../src/core/pricing/priceCall';
import type { RunInput, RunSpan } from '../../../src/core/diagnostics/analysis';
import type { Attributes, LogRecordInfo, SpanEvent, SpanRecord, StatusCode, TraceSkeleton } from '../../../src/model/trace';
import type { PriceOverride } from '../../../src/model/cost';

/** A span of a synthetic run: times in ms from the trace start. */
export interface SpanSpec {
  id: string;
  parent?: string | null;
  name?: string;
  start: number;
  dur: number;
  status?: StatusCode;
  statusMessage?: string;
  attributes?: Attributes;
  events?: SpanEvent[];
}

const ids = new Map<string, string>();
let nextId = 0x1000;
/** A stable 16-hex span id per readable name (`sid('t1')`). */
export function sid(name: string): string {
  let id = ids.get(name);
  if (!id) ids.set(name, (id = makeSpanId(nextId++)));
  return id;
}

export const chat = (o: {
  model?: string;
  input?: number;
  output?: number;
  outputMessages?: unknown[];
  inputMessages?: unknown[];
  tools?: string[];
  finish?: string[];
}): Attributes => {
  const a: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': o.model ?? 'gpt-4o-mini',
  };
  if (o.input !== undefined) a['gen_ai.usage.input_tokens'] = o.input;
  if (o.output !== undefined) a['gen_ai.usage.output_tokens'] = o.output;
  if (o.outputMessages) a['gen_ai.output.messages'] = JSON.stringify(o.outputMessages);
  if (o.inputMessages) a['gen_ai.input.messages'] = JSON.stringify(o.inputMessages);
  if (o.tools) a['gen_ai.tool.definitions'] = JSON.stringify(o.tools.map((name) => ({ type: 'function', name, parameters: { type: 'object' } })));
  if (o.finish) a['gen_ai.response.finish_reasons'] = o.finish;
  return a;
};

/** `gen_ai.output.messages` with one assistant message. */
export const answer = (text: string, finish = 'stop'): unknown[] => [{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finish }];
export const callsTool = (name: string, args: unknown, id?: string): unknown[] => [
  { role: 'assistant', parts: [{ type: 'tool_call', name, id, arguments: args }], finish_reason: 'tool_call' },
];

export const tool = (name: string, args?: unknown, result?: unknown, callId?: string): Attributes => {
  const a: Attributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name };
  if (callId !== undefined) a['gen_ai.tool.call.id'] = callId;
  if (args !== undefined) a['gen_ai.tool.call.arguments'] = typeof args === 'string' ? args : JSON.stringify(args);
  if (result !== undefined) a['gen_ai.tool.call.result'] = typeof result === 'string' ? result : JSON.stringify(result);
  return a;
};

export const agent = (name: string): Attributes => ({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name });

export interface RunOptions {
  traceId?: string;
  serviceName?: string;
  complete?: boolean;
  overrides?: PriceOverride[];
  sessionId?: string;
}

/** Span records of a synthetic trace (parents default to the first span). */
export function records(specs: readonly SpanSpec[], o: RunOptions = {}): SpanRecord[] {
  const tid = o.traceId ?? makeTraceId();
  const rootId = specs[0]!.id;
  return specs.map((s) =>
    spanRecord({
      traceId: tid,
      spanId: sid(s.id),
      parentSpanId: s.parent === null || s.id === rootId ? null : sid(s.parent ?? rootId),
      name: s.name ?? s.id,
      startTimeUnixNano: nanos(s.start),
      endTimeUnixNano: nanos(s.start + s.dur),
      attributes: s.attributes ?? {},
      events: s.events ?? [],
      status: { code: s.status ?? 'unset', message: s.statusMessage ?? '' },
      resource: resourceInfo({ serviceName: o.serviceName ?? 'agent-service' }),
    }),
  );
}

/**
 * A `RunInput` from span records, as the back end thread assembles it: views by `normalizeSpan`,
 * costs by `computeTraceUsage` with a real pricer, offsets from the earliest span.
 */
export function runFromRecords(recs: readonly SpanRecord[], o: RunOptions = {}, logs: readonly LogRecordInfo[] = []): RunInput {
  const start = recs.reduce((m, r) => (BigInt(r.startTimeUnixNano) < m ? BigInt(r.startTimeUnixNano) : m), BigInt(recs[0]!.startTimeUnixNano));
  const end = recs.reduce((m, r) => (BigInt(r.endTimeUnixNano) > m ? BigInt(r.endTimeUnixNano) : m), 0n);
  const ms = (ns: bigint): number => Number(ns - start) / 1e6;
  const views: UsageSpanInput[] = recs.map((r) => ({ spanId: r.spanId, view: normalizeSpan(r, logs.filter((l) => l.spanId === r.spanId && l.traceId === r.traceId)) }));
  const skeleton: TraceSkeleton = {
    traceId: recs[0]!.traceId,
    startTimeUnixNano: start.toString(),
    durationMs: ms(end),
    spans: recs.map((r) => ({
      spanId: r.spanId,
      parentSpanId: r.parentSpanId,
      name: r.name,
      kind: r.kind,
      statusCode: r.status.code,
      serviceName: String(r.resource.attributes['service.name'] ?? ''),
      startOffsetMs: ms(BigInt(r.startTimeUnixNano)),
      durationMs: Number(BigInt(r.endTimeUnixNano) - BigInt(r.startTimeUnixNano)) / 1e6,
      eventCount: r.events.length,
      hasException: r.events.some((e) => e.name === 'exception'),
    })),
  };
  const usage = computeTraceUsage(skeleton, views, createPricer(o.overrides ?? []));
  const spans: RunSpan[] = skeleton.spans.map((s, i) => {
    const r = recs[i]!;
    const span: RunSpan = {
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      startOffsetMs: s.startOffsetMs,
      durationMs: s.durationMs,
      statusCode: s.statusCode,
      events: r.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      view: views[i]!.view,
    };
    if (r.status.message) span.statusMessage = r.status.message;
    const cost = usage.spanCosts.get(s.spanId);
    if (cost) span.cost = cost;
    return span;
  });
  const roots = recs.filter((r) => r.parentSpanId === null);
  const root = roots[0] ?? recs[0]!;
  const run: RunInput = {
    traceId: recs[0]!.traceId,
    serviceName: String(root.resource.attributes['service.name'] ?? ''),
    rootName: root.name,
    durationMs: skeleton.durationMs,
    complete: o.complete ?? true,
    spans,
  };
  if (o.sessionId !== undefined) run.sessionId = o.sessionId;
  return run;
}

export function run(specs: readonly SpanSpec[], o: RunOptions = {}): RunInput {
  return runFromRecords(records(specs, o), o);
}
