import { describe, expect, it } from 'vitest';
import {
  describeCost,
  formatCostUsd,
  formatRatio,
  formatUsd,
  mergeCostTotals,
  roundUsd,
  sumCosts,
  type CallCost,
} from '../../../src/model/cost';

const reported: CallCost = { status: 'reported', costUsd: 0.01 };
const priced: CallCost = {
  status: 'priced',
  costUsd: 0.0023,
  breakdown: { inputUsd: 0.002, cacheReadUsd: 0, cacheWriteUsd: 0, outputUsd: 0.0003, reasoningUsd: 0, otherUsd: 0 },
  rates: { inputPerMTok: 1, cacheReadPerMTok: 1, cacheWritePerMTok: 1, outputPerMTok: 3, reasoningPerMTok: 3 },
  model: 'm',
  source: 'genai-prices',
  pricedAs: 'openai/m',
};
const local: CallCost = { status: 'unpriced', reason: 'local-provider', detail: 'd', model: 'llama3.2', provider: 'ollama' };
const noModel: CallCost = { status: 'unpriced', reason: 'no-model', detail: 'd' };

describe('cost formatting', () => {
  it('formats amounts with three significant digits below $1', () => {
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.0002016)).toBe('$0.000202');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.12345)).toBe('$0.123');
    expect(formatUsd(0.009999)).toBe('$0.01');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(4e-8)).toBe('< $0.000001');
  });

  it('formats calls and totals: exact, lower bound, unknown', () => {
    expect(formatCostUsd(priced)).toBe('$0.0023');
    expect(formatCostUsd(local)).toBe('—');
    expect(formatCostUsd(undefined)).toBe('—');
    expect(formatCostUsd(sumCosts([reported, priced]))).toBe('$0.0123');
    expect(formatCostUsd(sumCosts([reported, priced, local]))).toBe('≥ $0.0123');
    expect(formatCostUsd(sumCosts([local]))).toBe('—');
    expect(formatCostUsd(sumCosts([]))).toBe('—');
  });

  it('sums exactly and lists the unpriced models once', () => {
    const t = sumCosts([reported, priced, local, local, noModel]);
    expect(t).toEqual({
      costUsd: 0.0123,
      isLowerBound: true,
      unpricedModels: ['ollama/llama3.2', '(no model)'],
      reportedCount: 1,
      pricedCount: 1,
      unpricedCount: 3,
    });
    expect(describeCost(t)).toBe('At least $0.0123: 2 of 5 model calls priced; no price for ollama/llama3.2, (no model).');
    // Nothing priced: the value shows "—", and so does its hover (never "At least $0.00").
    const none = sumCosts([local, noModel]);
    expect(formatCostUsd(none)).toBe('—');
    expect(describeCost(none)).toBe('Unknown: no price for ollama/llama3.2, (no model); add them to the traceLens.pricing.models setting.');
    const merged = mergeCostTotals([t, sumCosts([priced])]);
    expect(merged).toMatchObject({ costUsd: 0.0146, isLowerBound: true, pricedCount: 2, unpricedCount: 3 });
    expect(mergeCostTotals([sumCosts([priced]), sumCosts([reported])]).isLowerBound).toBe(false);
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
  });

  it('describes how a call was priced', () => {
    expect(describeCost(priced)).toBe('$0.0023 priced as openai/m: input $0.002, output $0.0003.');
    expect(describeCost(reported)).toBe('$0.01 reported by the instrumentation.');
    expect(formatRatio(2 / 3)).toBe('66.7%');
    expect(formatRatio(null)).toBe('—');
  });
});
