-- The spans of a trace that have correlated log records (whose GenAI events may add to a span's
-- cost facts): a range scan of logs_by_span.
SELECT DISTINCT span_id
FROM store.logs
WHERE trace_id = :trace_id AND span_id IS NOT NULL
