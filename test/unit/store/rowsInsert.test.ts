import { describe, expect, it } from 'vitest';
import { multiRowSql } from '../../../src/core/store/rowsInsert';
import { parameterNames } from '../../../src/core/store/statement';

describe('multiRowSql', () => {
  const sql = `-- a comment with VALUES (:not_a_parameter)
INSERT INTO t (a, b) VALUES (:a, CAST(:b AS TEXT))
ON CONFLICT DO NOTHING`;

  it('repeats the VALUES tuple with the parameters renamed per row', () => {
    expect(multiRowSql(sql, 2)).toBe(`-- a comment with VALUES (:not_a_parameter)
INSERT INTO t (a, b) VALUES (:r0_a, CAST(:r0_b AS TEXT)),
(:r1_a, CAST(:r1_b AS TEXT))
ON CONFLICT DO NOTHING`);
    expect(parameterNames(multiRowSql(sql, 3))).toEqual(['r0_a', 'r0_b', 'r1_a', 'r1_b', 'r2_a', 'r2_b']);
  });

  it('refuses SQL without a VALUES tuple, unbalanced tuples and no rows', () => {
    expect(() => multiRowSql('DELETE FROM t', 2)).toThrow('no VALUES');
    expect(() => multiRowSql('INSERT INTO t VALUES (:a, (:b)', 2)).toThrow('unbalanced');
    expect(() => multiRowSql(sql, 0)).toThrow(RangeError);
  });
});
