/** Pricing of model calls (pure; runs in the ingest worker). See ./README.md. */
export { createPricer, needsPrice, priceCall, priceInputFromView, type PriceCallInput, type Pricer } from './priceCall';
export { parsePriceOverrides, compileOverrides, type CompiledOverride } from './overrides';
export { isLocalProvider, toPriceProviderId } from './providers';
export { modelNameCandidates } from './modelNames';
export { PRICE_DATA_INFO } from './dataInfo';
export { sumCosts, mergeCostTotals, formatCostUsd } from '../../model/cost';
