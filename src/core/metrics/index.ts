/** Run metrics per trace and per session (pure; runs in the ingest worker). See ./README.md. */
export { computeRunMetrics, mergeRunMetrics, emptyRunMetrics, emptyTokenTotals, type MetricsSpan } from './runMetrics';
export { computeTraceUsage, unixNanoToMs, type TraceUsageDetail, type UsageSpanInput } from './traceUsage';
export { percentileNearestRank, latencyStats, mergeLatencyStats, thinSorted } from './percentiles';
