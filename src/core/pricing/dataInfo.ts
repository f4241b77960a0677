/**
 * Which price data is bundled: written by `scripts/refresh-prices.mjs`, shown by the UI
 * ("prices: genai-prices 0.1.8, 2026-09-23").
 */
import info from './dataInfo.json';

export interface PriceDataInfo {
  package: string;
  version: string;
  /** Publish date (YYYY-MM-DD) of that package version, when the registry was reachable. */
  publishedAt: string | null;
  providerCount: number;
  modelCount: number;
}

export const PRICE_DATA_INFO: PriceDataInfo = info;
