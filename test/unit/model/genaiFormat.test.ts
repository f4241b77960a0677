/** Token counts as the waterfall rows, the conversation and the trees show them. */
import { formatInteger } from '../../../src/model/format';
import { describe, expect, it } from 'vitest';
import { formatTokenCount } from '../../../src/model/genaiFormat';

describe('formatTokenCount', () => {
  it('writes counts below 10,000 as Intl en-US grouping does (whole, fractional, negative)', () => {
    const samples = [0, 7, 999, 1000, 1001, 1010, 1234, 5000, 9876, 9999, 12.5, 1234.5678, -1234, -3];
    for (let n = 0; n < 10_000; n += 37) samples.push(n);
    for (const n of samples) expect(formatTokenCount(n)).toBe(new Intl.NumberFormat('en-US').format(n));
  });

  it('abbreviates from 10,000 on (k, M) and gives ? for what is not a number', () => {
    expect(formatTokenCount(10_000)).toBe('10k');
    expect(formatTokenCount(12_345)).toBe('12.3k');
    expect(formatTokenCount(123_456)).toBe('123k');
    expect(formatTokenCount(1_234_567)).toBe('1.2M');
    expect(formatTokenCount(Number.NaN)).toBe('?');
    expect(formatTokenCount(Number.POSITIVE_INFINITY)).toBe('?');
  });
});

describe('formatInteger', () => {
  it('writes what toLocaleString("en-US") writes, without loading ICU for whole numbers', () => {
    const values = [0, 7, -7, 999, 1000, -1000, 1001, 9999, 12_345, 123_456, 1_234_567, -98_765_432, 2 ** 53 - 1, -(2 ** 53 - 1), 1234.5678, 0.5, -1e21, 1e21, Number.NaN, Number.POSITIVE_INFINITY];
    for (const n of values) expect(formatInteger(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
