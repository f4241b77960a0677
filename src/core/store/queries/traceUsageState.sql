-- A trace's cost bookkeeping before a write inserts its spans (usageColumns.ts, usageMarks.ts):
-- its calls, sums and marks of missing spans; no row for a trace without calls.
SELECT call_count, usage, usage_marks FROM store.trace_usage WHERE trace_id = :trace_id
