-- A trace's cost columns are refreshed (usageRefresh.ts).
UPDATE store.traces SET usage_pending = 0 WHERE trace_id = :trace_id
