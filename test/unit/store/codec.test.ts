import { describe, expect, it } from 'vitest';
import {
  decodeLogDetail,
  decodeSpanDetail,
  encodeLogDetail,
  encodeSpanDetail,
  isSpanId,
  isStorableNanos,
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
