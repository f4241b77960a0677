-- Stores a trace's cost and tokens (traceUsage.sql summed; usage: TraceUsage JSON or NULL). A
-- change of usage is a change of the trace: updated_seq moves to :seq (views and caches reload).
-- :usage_marks: usageMarks.ts's marks of missing spans (JSON list or NULL).
-- :pending 1 marks calls written before the store had a pricer (priced once it gets one).
UPDATE store.traces
SET call_count = :call_count,
    updated_seq = CASE WHEN usage IS NOT :usage THEN :seq ELSE updated_seq END,
    usage = :usage,
    usage_marks = :usage_marks,
    usage_pending = max(usage_pending, :pending)
WHERE trace_id = :trace_id
