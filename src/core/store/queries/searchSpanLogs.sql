-- The log records of a span for its document, in spanLogs.sql's order (by time, then arrival).
SELECT event_name, detail
FROM store.logs
WHERE trace_id = :trace_id AND span_id = :span_id
ORDER BY CASE WHEN time_ns = 0 THEN observed_ns ELSE time_ns END, id
