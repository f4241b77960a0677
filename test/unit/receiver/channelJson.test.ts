/** The window channel's JSON (src/core/receiver/channelJson.ts): typed arrays survive it, anything else is plain JSON. */
import { describe, expect, it } from 'vitest';
import { fromChannelJson, toChannelJson } from '../../../src/core/receiver/channelJson';
import { packSkeleton } from '../../../src/model/skeletonCodec';

describe('channel JSON', () => {
  it('keeps every typed array type and its values, views into larger buffers included', () => {
    const big = new Float64Array([1.5, -2, Number.MAX_SAFE_INTEGER, 4]);
    const value = {
      a: new Uint8Array([0, 255]),
      b: new Uint16Array([1, 65535]),
      c: new Uint32Array([7, 4294967295]),
      d: new Int32Array([-5, 5]),
      e: big.subarray(1, 3),
      odd: new Uint16Array(new Uint8Array([9, 1, 2, 3, 4]).buffer.slice(1, 5)),
      plain: { n: 1, s: 'x', list: [1, 2] },
    };
    const back = fromChannelJson(toChannelJson(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.e).toBeInstanceOf(Float64Array);
    expect([...back.e]).toEqual([-2, Number.MAX_SAFE_INTEGER]);
    // Plain values are plain JSON.
    expect(toChannelJson({ n: 1, s: 'x' })).toBe(JSON.stringify({ n: 1, s: 'x' }));
  });

  it('a packed trace skeleton arrives equal, columns of the same types', () => {
    const packed = packSkeleton({
      traceId: 'ab'.repeat(16),
      startTimeUnixNano: '1763700000000000000',
      durationMs: 10,
      spans: [
        { spanId: 'a'.repeat(16), parentSpanId: null, name: 'root', kind: 'server', statusCode: 'unset', serviceName: 'svc', startOffsetMs: 0, durationMs: 10, eventCount: 0, hasException: false, genai: { kind: 'llm', model: 'm', inputTokens: 300 }, cost: 0.25 },
        { spanId: 'b'.repeat(16), parentSpanId: 'a'.repeat(16), name: 'child', kind: 'client', statusCode: 'error', serviceName: 'svc', startOffsetMs: 1, durationMs: 2, eventCount: 1, hasException: true },
      ],
    });
    expect(fromChannelJson(toChannelJson(packed))).toEqual(packed);
  });

  it('refuses typed arrays it does not carry, and a byte length that is not whole elements', () => {
    expect(() => toChannelJson({ f: new Float32Array(1) })).toThrow(/Float32Array/);
    expect(() => fromChannelJson('{"x":{"$typedArray":"Float32Array","base64":"AAAAAA=="}}')).toThrow(/Float32Array/);
    expect(() => fromChannelJson('{"x":{"$typedArray":"Uint32Array","base64":"AAA="}}')).toThrow(/Uint32Array of 2 bytes/);
  });
});
