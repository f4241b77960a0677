-- A trace's marks of missing spans (usageMarks.ts), read before a write inserts its spans.
SELECT usage_marks FROM store.traces WHERE trace_id = :trace_id
