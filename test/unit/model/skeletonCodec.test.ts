/** The packed skeleton of the trace webview's `traceLoaded` message: lossless but for time rounding, and small. */
import { describe, expect, it } from 'vitest';
import { packSkeleton, skeletonBuffers, unpackSkeleton } from '../../../src/model/skeletonCodec';
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

/** The message as VS Code's `serializeWebviewMessage` sends it: typed arrays as binary buffers, the rest JSON (bench/traceViewHost.ts). */
function webviewWire(value: unknown): { json: string; binaryBytes: number; jsonValues: number } {
  let binaryBytes = 0;
  const json = JSON.stringify(value, (_k, v: unknown) => {
    if (!ArrayBuffer.isView(v)) return v;
    binaryBytes += v.byteLength;
    return { ref: 0 };
  });
  let jsonValues = 0;
  JSON.parse(json, (_k, v: unknown) => (jsonValues++, v));
  return { json, binaryBytes, jsonValues };
}

describe('packed skeleton', () => {
  it('round-trips every field (times to 0.1 µs), GenAI badges and costs, roots and missing parents, after a structured clone', () => {
    const trace = bigTrace(2_000);
    trace.spans[7]!.parentSpanId = 'feedfeedfeedfeed'; // its parent never arrived
    trace.spans[9]!.genai = { kind: 'agent', agentName: 'planner', inputTokens: 5, outputTokens: 6, usageIsAggregate: true };
    trace.spans[13]!.genai = { kind: 'tool', toolName: 'search' }; // no tokens
    trace.spans[13]!.cost = 0.5;
    trace.spans[13]!.costIsSum = true;
    trace.spans[15]!.cost = 0.25; // a cost without a badge
    trace.spans[17]!.genai = { kind: 'llm', model: 'm', inputTokens: 3_000_000_000 }; // beyond 32 bits
    trace.spans[19]!.genai = { kind: 'future-kind' as never }; // a kind this version does not know
    const packed = packSkeleton(trace);
    const back = unpackSkeleton(structuredClone(packed));
    expect(back.spans).toHaveLength(trace.spans.length);
    back.spans.forEach((s, i) => {
      const want = { ...trace.spans[i]!, startOffsetMs: 0, durationMs: 0 };
      if (i === 19) want.genai = { kind: 'other' };
      expect({ ...s, startOffsetMs: 0, durationMs: 0 }).toEqual(want);
      expect(Math.abs(s.startOffsetMs - trace.spans[i]!.startOffsetMs)).toBeLessThanOrEqual(0.00005);
      expect(Math.abs(s.durationMs - trace.spans[i]!.durationMs)).toBeLessThanOrEqual(0.00005);
    });
    expect(back.spans[7]!.parentSpanId).toBe('feedfeedfeedfeed');
    expect(back.spans[17]!.genai?.inputTokens).toBe(3_000_000_000);
    expect(back.spans[3]!.cost).toBeUndefined();
    expect(back.spans[6]!.cost).toBeNull();
    expect({ ...back, spans: [] }).toEqual({ ...trace, spans: [] });
  });

  it('times: 0.1 µs ticks in 32 bits while they fit, milliseconds beyond (a trace over ~7 minutes); both round alike', () => {
    const trace = bigTrace(10);
    trace.spans[3]!.startOffsetMs = 12.345678;
    const short = packSkeleton(trace);
    expect(short.starts).toBeInstanceOf(Uint32Array);
    trace.spans[4]!.startOffsetMs = 500_000.123456; // 8.3 minutes
    const long = packSkeleton(trace);
    expect(long.starts).toBeInstanceOf(Float64Array);
    expect(long.durations).toBeInstanceOf(Uint32Array);
    expect(unpackSkeleton(short).spans[3]!.startOffsetMs).toBe(12.3457);
    expect(unpackSkeleton(long).spans[3]!.startOffsetMs).toBe(12.3457);
    expect(unpackSkeleton(long).spans[4]!.startOffsetMs).toBe(500_000.1235);
  });

  it('index columns take the narrowest type: span ids padded when their lengths differ, strings joined once', () => {
    const trace = bigTrace(300);
    trace.spans[5]!.spanId = 'short';
    trace.spans[6]!.parentSpanId = 'short';
    expect(packSkeleton(trace).parents).toBeInstanceOf(Uint8Array); // parents up to span 74, + 2
    trace.spans[299]!.parentSpanId = trace.spans[298]!.spanId;
    const packed = packSkeleton(trace);
    expect(packed.parents).toBeInstanceOf(Uint16Array); // 298 + 2
    expect(packed.services).toBeInstanceOf(Uint8Array);
    expect(typeof packed.strings).toBe('string');
    const back = unpackSkeleton(packed);
    expect(back.spans[5]!.spanId).toBe('short');
    expect(back.spans[6]!.parentSpanId).toBe('short');
    expect(back.spans.map((s) => s.serviceName)).toEqual(trace.spans.map((s) => s.serviceName));
  });

  it('a 10,000-span trace: at most 0.6 MB on the webview wire, ~100 JSON values (what VS Code parses with a reviver); the plain form is 4 times that', () => {
    const trace = bigTrace();
    const wire = webviewWire(packSkeleton(trace));
    const bytes = Buffer.byteLength(wire.json) + wire.binaryBytes;
    expect(bytes).toBeLessThanOrEqual(600_000);
    expect(wire.jsonValues).toBeLessThan(100);
    expect(Buffer.byteLength(JSON.stringify(trace))).toBeGreaterThan(4 * bytes);
  });

  it('skeletonBuffers: the buffer of every column, once each (the transfer list of the worker)', () => {
    const packed = packSkeleton(bigTrace(50));
    const buffers = skeletonBuffers(packed);
    const columns = Object.values(packed).filter((v) => ArrayBuffer.isView(v));
    expect(columns.length).toBe(14);
    expect(new Set(buffers).size).toBe(buffers.length);
    for (const c of columns) expect(buffers).toContain(c.buffer);
  });

  it('rejects a plain skeleton and a message whose columns disagree', () => {
    expect(() => unpackSkeleton(bigTrace(10) as never)).toThrow(/not a packed skeleton/);
    const packed = packSkeleton(bigTrace(10));
    packed.names = packed.names.subarray(1);
    expect(() => unpackSkeleton(packed)).toThrow(/columns/);
    const badges = packSkeleton(bigTrace(10));
    badges.badgeTools = badges.badgeTools.subarray(1);
    expect(() => unpackSkeleton(badges)).toThrow(/badge columns/);
  });
});
