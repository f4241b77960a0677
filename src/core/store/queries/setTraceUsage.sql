-- Stores a trace's cost bookkeeping (usageColumns.ts): its calls, its TraceUsage (JSON or NULL)
-- and its marks of missing spans (usageMarks.ts; JSON list or NULL).
INSERT INTO store.trace_usage (trace_id, call_count, usage, usage_marks)
VALUES (:trace_id, :call_count, :usage, :usage_marks)
ON CONFLICT (trace_id) DO UPDATE SET
  call_count = excluded.call_count,
  usage = excluded.usage,
  usage_marks = excluded.usage_marks
