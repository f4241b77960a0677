-- New prices: every trace with calls is priced again in the background (usageRefresh.ts); a trace
-- already waiting for its cost facts (2) keeps waiting for them.
UPDATE store.traces SET usage_pending = 1
WHERE usage_pending = 0 AND trace_id IN (SELECT trace_id FROM store.trace_usage WHERE call_count > 0)
