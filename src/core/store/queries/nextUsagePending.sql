-- The newest trace whose cost columns are to be refreshed (usageRefresh.ts), and how.
SELECT trace_id, usage_pending
FROM store.traces INDEXED BY traces_usage_pending
WHERE usage_pending > 0
ORDER BY start_ns DESC, trace_id
LIMIT 1
