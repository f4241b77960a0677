/** The trace panel's answers to its webview (src/extension/traces/traceViewRequests.ts): one back end query per span detail, typed skeleton columns. */
import { describe, expect, it } from 'vitest';
import { TraceViewRequestHandlers, type TraceQuery } from '../../../src/extension/traces/traceViewRequests';
import { packSkeleton, unpackSkeleton } from '../../../src/model/skeletonCodec';
import type { SpanDetail, TraceSkeleton } from '../../../src/model/trace';

const TRACE = 'ab'.repeat(16);

function detailOf(spanId: string): SpanDetail {
  return { span: { spanId, name: `span ${spanId}` } as unknown as SpanDetail['span'], logs: [], genai: null };
}

/** A back end that answers from memory and counts its queries by method. */
function backEnd(options: { failFirstDetail?: boolean } = {}) {
  const calls: string[] = [];
  let failed = false;
  const skeleton: TraceSkeleton = {
    traceId: TRACE,
    startTimeUnixNano: '1763700000000000000',
    durationMs: 10,
    spans: [
      { spanId: 'a'.repeat(16), parentSpanId: null, name: 'root', kind: 'server', statusCode: 'unset', serviceName: 'svc', startOffsetMs: 0, durationMs: 10, eventCount: 0, hasException: false, genai: { kind: 'llm', model: 'm', inputTokens: 5 }, cost: 0.25 },
      { spanId: 'b'.repeat(16), parentSpanId: 'a'.repeat(16), name: 'child', kind: 'client', statusCode: 'error', serviceName: 'svc', startOffsetMs: 1, durationMs: 2, eventCount: 1, hasException: true },
    ],
  };
  const query = (async (method: string, params: { spanId?: string }) => {
    calls.push(method);
    switch (method) {
      case 'spanDetail':
        if (options.failFirstDetail && !failed) {
          failed = true;
          throw new Error('worker restarting');
        }
        return detailOf(params.spanId!);
      case 'packedTraceSkeleton':
        return packSkeleton(skeleton);
      case 'traceSummary':
        return { traceId: TRACE, rootName: 'root' };
      case 'listFindings':
        return [];
      default:
        throw new Error(`unexpected ${method}`);
    }
  }) as unknown as TraceQuery;
  return { calls, query, skeleton };
}

const noSource = {
  sourceInfo: async (_t: string, spanId: string, detail: SpanDetail | null) => (detail ? { location: null, stacks: [], spanId } : null),
  goToSpan: async () => ({ opened: false as const, reason: 'noLocation' as const, message: '' }),
};

describe('TraceViewRequestHandlers', () => {
  it('a span detail and then its source info cost one back end query; another span asks again', async () => {
    const b = backEnd();
    const h = new TraceViewRequestHandlers(TRACE, b.query, noSource as never);
    expect(await h.handlers.spanDetail({ traceId: TRACE, spanId: 'a'.repeat(16) })).toEqual(detailOf('a'.repeat(16)));
    expect(await h.handlers.sourceInfo({ spanId: 'a'.repeat(16) })).toMatchObject({ spanId: 'a'.repeat(16) });
    expect(b.calls.filter((c) => c === 'spanDetail')).toHaveLength(1);
    await h.handlers.sourceInfo({ spanId: 'b'.repeat(16) });
    expect(b.calls.filter((c) => c === 'spanDetail')).toHaveLength(2);
  });

  it('a failed query is not kept; sending the trace again forgets the cached details', async () => {
    const b = backEnd({ failFirstDetail: true });
    const h = new TraceViewRequestHandlers(TRACE, b.query, noSource as never);
    await expect(h.handlers.spanDetail({ traceId: TRACE, spanId: 'a'.repeat(16) })).rejects.toThrow('worker restarting');
    await h.handlers.spanDetail({ traceId: TRACE, spanId: 'a'.repeat(16) });
    await h.handlers.spanDetail({ traceId: TRACE, spanId: 'a'.repeat(16) });
    expect(b.calls.filter((c) => c === 'spanDetail')).toHaveLength(2);
    await h.traceLoaded(null);
    await h.handlers.spanDetail({ traceId: TRACE, spanId: 'a'.repeat(16) });
    expect(b.calls.filter((c) => c === 'spanDetail')).toHaveLength(3);
  });

  it('traceLoaded: the skeleton with typed-array columns that unpack to the stored spans; null when the trace is gone', async () => {
    const b = backEnd();
    const h = new TraceViewRequestHandlers(TRACE, b.query, noSource as never);
    const message = await h.traceLoaded('b'.repeat(16));
    expect(message?.selectSpanId).toBe('b'.repeat(16));
    expect(ArrayBuffer.isView(message?.trace.parents)).toBe(true);
    expect(message?.trace.starts).toBeInstanceOf(Uint32Array);
    expect(unpackSkeleton(message!.trace).spans).toEqual(b.skeleton.spans);
    const gone = new TraceViewRequestHandlers(TRACE, (async () => null) as unknown as TraceQuery, noSource as never);
    expect(await gone.traceLoaded(null)).toBeNull();
  });

  it('showTrace (a preview panel showing another trace): the same handlers answer for the new trace, nothing cached is reused', async () => {
    const other = 'cd'.repeat(16);
    const asked: [string, unknown][] = [];
    const query = (async (method: string, params: { traceId?: string; spanId?: string }) => {
      asked.push([method, params.traceId]);
      if (method === 'spanDetail') return detailOf(`${params.traceId!.slice(0, 2)}${params.spanId!.slice(2)}`);
      return method === 'traceGraph' ? { traceId: params.traceId } : null;
    }) as unknown as TraceQuery;
    const h = new TraceViewRequestHandlers(TRACE, query, noSource as never);
    const { spanDetail, traceGraph } = h.handlers; // what the panel's channel holds
    const spanId = 'a'.repeat(16);
    expect((await spanDetail({ traceId: TRACE, spanId }))?.span.spanId).toBe(`ab${spanId.slice(2)}`);
    h.showTrace(other);
    expect((await spanDetail({ traceId: TRACE, spanId }))?.span.spanId).toBe(`cd${spanId.slice(2)}`);
    expect(await traceGraph({})).toEqual({ traceId: other });
    expect(asked).toEqual([
      ['spanDetail', TRACE],
      ['spanDetail', other],
      ['traceGraph', other],
    ]);
  });

  it('rejects requests without a span id (params come from the webview)', async () => {
    const h = new TraceViewRequestHandlers(TRACE, backEnd().query, noSource as never);
    expect(() => h.handlers.spanDetail({ traceId: TRACE, spanId: 42 as never })).toThrow(/spanId/);
    await expect(h.handlers.sourceInfo({ spanId: undefined as never })).rejects.toThrow(/spanId/);
  });
});
