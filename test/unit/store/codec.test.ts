import { describe, expect, it } from 'vitest';
import { compareNanos, isStorableNanos, splitNanos } from '../../../src/core/store/nanos';
import {
  decodeLogDetail,
  decodeSpanDetail,
  encodeLogDetail,
  encodeSpanDetail,
  isSpanId,
  isTraceId,
  kindCode,
  kindName,
  prefixUpperBound,
  statusName,
  statusNumber,
} from '../../../src/core/store/codec';
import { logRecord, spanEvent, spanLink, spanRecord } from '../../support/builders';

describe('codec', () => {
  it('validates ids', () => {
    expect(isTraceId('0123456789abcdef0123456789abcdef')).toBe(true);
    expect(isTraceId('0123456789ABCDEF0123456789abcdef')).toBe(false);
    expect(isTraceId('0'.repeat(32))).toBe(false);
    expect(isTraceId('abc')).toBe(false);
    expect(isSpanId('0123456789abcdef')).toBe(true);
    expect(isSpanId('0'.repeat(16))).toBe(false);
    expect(isSpanId(42)).toBe(false);
  });

  it('accepts exactly the nanosecond strings SQLite stores as exact int64', () => {
    for (const ok of ['0', '1732200000123456789', '9223372036854775807', '0009']) expect(isStorableNanos(ok), ok).toBe(true);
    for (const bad of ['', '-1', '1.5', '1e18', ' 1', '9223372036854775808', '18446744073709551615', '12345678901234567890'])
      expect(isStorableNanos(bad), bad).toBe(false);
    expect(isStorableNanos(1732200000123456789)).toBe(false);
  });

  it('splits storable times into exact seconds and nanoseconds in the same pass as the check', () => {
    const parts = { sec: -1, nsec: -1 };
    const cases: [string, number, number][] = [
      ['0', 0, 0],
      ['5', 0, 5],
      ['0009', 0, 9],
      ['999999999', 0, 999_999_999],
      ['1000000000', 1, 0],
      ['0000000000000000005', 0, 5],
      ['2147483648000000001', 2_147_483_648, 1],
      ['1732200000123456789', 1_732_200_000, 123_456_789],
      ['9223372036854775807', 9_223_372_036, 854_775_807],
      ['9223372035999999999', 9_223_372_035, 999_999_999],
    ];
    for (const [value, sec, nsec] of cases) {
      expect(splitNanos(value, parts), value).toBe(true);
      expect(parts, value).toEqual({ sec, nsec });
      expect(BigInt(parts.sec) * 1_000_000_000n + BigInt(parts.nsec), value).toBe(BigInt(value));
    }
    for (const bad of ['', '-1', '1.5', '1e18', ' 1', '1\n', '٣', '9223372036854775808', '9223372036999999999', '9223372037000000000', '12345678901234567890', 5, null]) {
      expect(splitNanos(bad, parts), String(bad)).toBe(false);
    }
    expect(compareNanos({ sec: 1, nsec: 0 }, { sec: 0, nsec: 999_999_999 })).toBeGreaterThan(0);
    expect(compareNanos({ sec: 7, nsec: 3 }, { sec: 7, nsec: 4 })).toBeLessThan(0);
    expect(compareNanos({ sec: 7, nsec: 4 }, { sec: 7, nsec: 4 })).toBe(0);
  });

  it('accepts exactly the strings of the rule "1–19 ASCII digits, at most 2^63-1" (generated cases)', () => {
    const reference = (v: string): boolean => /^[0-9]{1,19}$/.test(v) && BigInt(v) <= 9223372036854775807n;
    const digits = '0123456789';
    const samples: string[] = [];
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let i = 0; i < 5000; i++) {
      const len = 1 + rand(21);
      let v = '';
      for (let k = 0; k < len; k++) v += rand(50) === 0 ? 'x/:a '[rand(5)] : digits[rand(10)];
      samples.push(v);
      if (len === 19) samples.push('92233720368547758' + digits[rand(10)] + digits[rand(10)]);
    }
    const parts = { sec: 0, nsec: 0 };
    for (const v of samples) {
      expect(splitNanos(v, parts), v).toBe(reference(v));
      if (reference(v)) expect(BigInt(parts.sec) * 1_000_000_000n + BigInt(parts.nsec), v).toBe(BigInt(v));
    }
  });

  it('maps kinds and statuses to OTLP numbers and back', () => {
    expect(kindCode('server')).toBe(2);
    expect(kindName(5)).toBe('consumer');
    expect(kindName(99)).toBe('unspecified');
    expect(kindCode('toString' as never)).toBeUndefined();
    expect(statusNumber('error')).toBe(2);
    expect(statusName(1)).toBe('ok');
    expect(statusName(7)).toBe('unset');
  });

  it('round-trips span details and omits empty members', () => {
    const span = spanRecord({
      attributes: { a: 1 },
      events: [spanEvent()],
      links: [spanLink()],
      status: { code: 'error', message: 'm' },
      traceState: 't=1',
      flags: 3,
      droppedAttributesCount: 1,
      droppedEventsCount: 2,
      droppedLinksCount: 3,
    });
    const decoded = decodeSpanDetail(encodeSpanDetail(span));
    expect(decoded).toEqual({
      attributes: span.attributes,
      events: span.events,
      links: span.links,
      statusMessage: 'm',
      traceState: 't=1',
      flags: 3,
      droppedAttributesCount: 1,
      droppedEventsCount: 2,
      droppedLinksCount: 3,
    });
    expect(encodeSpanDetail(spanRecord({ attributes: {}, flags: 0 }))).toBe('{}');
  });

  it('round-trips log details', () => {
    const log = logRecord({ body: { nested: [1, null] }, attributes: { k: 'v' }, droppedAttributesCount: 4 });
    expect(decodeLogDetail(encodeLogDetail(log))).toEqual({ body: log.body, attributes: log.attributes, droppedAttributesCount: 4 });
    expect(decodeLogDetail(encodeLogDetail(logRecord({ body: null })))).toMatchObject({ body: null });
  });

  it('bounds prefixes above every id that starts with them', () => {
    const end = prefixUpperBound('ab');
    expect('abffffffffffffffffffffffffffffff' < end).toBe(true);
    expect('ac000000000000000000000000000000' < end).toBe(false);
  });
});
