/** The packed skeleton of the trace webview's `traceLoaded` message: lossless but for time rounding, and small. */
import { describe, expect, it } from 'vitest';
import { packSkeleton, toTransferableSkeleton, unpackSkeleton } from '../../../src/model/skeletonCodec';
import type { SkeletonSpan, TraceSkeleton } from '../../../src/model/trace';

const id = (i: number) => i.toString(16).padStart(16, '0');

/** A 10,000-span agent-like trace: 20 services, repeated names, GenAI badges and costs on every 4th span. */
function bigTrace(n = 10_000): TraceSkeleton {
  const spans: SkeletonSpan[] = [];
  for (let i = 0; i < n; i++) {
    const span: SkeletonSpan = {
      spanId: id(i + 1),
      parentSpanId: i === 0 ? null : id(Math.floor(i / 4) + 1),
      name: `${['GET /api/items', 'SELECT items', 'chat gpt-4o-mini', 'execute_tool search'][i % 4]} ${i % 50}`,
      kind: (['server', 'client', 'internal', 'producer'] as const)[i % 4],
      statusCode: i % 97 === 0 ? 'error' : 'unset',
      serviceName: `service-${i % 20}`,
      startOffsetMs: i * 1.23456789,
      durationMs: 1000 / (1 + (i % 13)),
      eventCount: i % 3,
      hasException: i % 97 === 0,
    };
    if (i % 4 === 2) {
      span.genai = { kind: 'llm', model: 'gpt-4o-mini-2024-07-18', inputTokens: 1200 + i, outputTokens: 80 };
      span.cost = i % 8 === 2 ? 0.0002016 : null;
    }
    if (i % 4 === 3) span.genai = { kind: 'tool', toolName: 'search' };
    spans.push(span);
  }
  return { traceId: 'ab'.repeat(16), startTimeUnixNano: '1763700000000000000', durationMs: n * 1.3, spans };
}

describe('packed skeleton', () => {
  it('round-trips every field (times to 0.1 µs), GenAI badges and costs, roots and missing parents', () => {
    const trace = bigTrace(2_000);
    trace.spans[7]!.parentSpanId = 'feedfeedfeedfeed'; // its parent never arrived
    trace.spans[9]!.genai = { kind: 'agent', agentName: 'planner', inputTokens: 5, outputTokens: 6, usageIsAggregate: true };
    const packed = packSkeleton(trace);
    const back = unpackSkeleton(JSON.parse(JSON.stringify(packed)));
    expect(back.spans).toHaveLength(trace.spans.length);
    back.spans.forEach((s, i) => {
      const want = trace.spans[i]!;
      expect({ ...s, startOffsetMs: 0, durationMs: 0 }).toEqual({ ...want, startOffsetMs: 0, durationMs: 0 });
      expect(Math.abs(s.startOffsetMs - want.startOffsetMs)).toBeLessThanOrEqual(0.00005);
      expect(Math.abs(s.durationMs - want.durationMs)).toBeLessThanOrEqual(0.00005);
    });
    expect(back.spans[7]!.parentSpanId).toBe('feedfeedfeedfeed');
    expect({ ...back, spans: [] }).toEqual({ ...trace, spans: [] });
  });

  it('a 10,000-span trace serializes to at most 1 MB of JSON (the plain form is over twice that)', () => {
    const trace = bigTrace();
    const packedBytes = Buffer.byteLength(JSON.stringify(packSkeleton(trace)));
    const plainBytes = Buffer.byteLength(JSON.stringify(trace));
    expect(packedBytes).toBeLessThanOrEqual(1_000_000);
    expect(plainBytes).toBeGreaterThan(2 * packedBytes);
  });

  it('rejects a plain skeleton and a message whose columns disagree', () => {
    expect(() => unpackSkeleton(bigTrace(10) as never)).toThrow(/not a packed skeleton/);
    const packed = packSkeleton(bigTrace(10));
    packed.names.pop();
    expect(() => unpackSkeleton(packed)).toThrow(/columns/);
  });

  it('the transferable form (typed-array columns) unpacks to the same skeleton, also after a structured clone', () => {
    const trace = bigTrace(3_000);
    trace.spans[7]!.parentSpanId = 'feedfeedfeedfeed';
    trace.spans[9]!.genai = { kind: 'agent', agentName: 'planner', inputTokens: 5, outputTokens: 6, usageIsAggregate: true };
    trace.spans[13]!.genai = { kind: 'tool', toolName: 'search' }; // no tokens
    trace.spans[13]!.cost = 0.5;
    trace.spans[13]!.costIsSum = true;
    trace.spans[17]!.genai = { kind: 'llm', model: 'm', inputTokens: 3_000_000_000 }; // beyond 32 bits
    const packed = packSkeleton(trace);
    const want = unpackSkeleton(packed);
    const transferable = toTransferableSkeleton(packed);
    expect(transferable.parents).toBeInstanceOf(Int32Array);
    expect(transferable.starts).toBeInstanceOf(Float64Array);
    expect(unpackSkeleton(transferable)).toEqual(want);
    expect(unpackSkeleton(structuredClone(transferable))).toEqual(want);
    expect(want.spans[17]!.genai?.inputTokens).toBe(3_000_000_000);
    expect(want.spans[3]!.cost).toBeUndefined();
    expect(want.spans[6]!.cost).toBeNull();
  });

  it('10,000 spans: besides the typed arrays, a few JSON values stay (what VS Code parses with a reviver)', () => {
    const transferable = toTransferableSkeleton(packSkeleton(bigTrace()));
    // VS Code's serializeWebviewMessage takes typed arrays out as buffers; count what stays JSON.
    const json = JSON.stringify(transferable, (_k, v: unknown) => (ArrayBuffer.isView(v) ? { ref: 0 } : v));
    let values = 0;
    JSON.parse(json, (_k, v: unknown) => (values++, v));
    expect(values).toBeLessThan(500);
    expect(Buffer.byteLength(json)).toBeLessThan(200_000);
    const binary = Object.values(transferable).reduce((n: number, v) => n + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
    expect(Buffer.byteLength(json) + binary).toBeLessThanOrEqual(1_000_000);
  });
});
