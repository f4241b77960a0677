-- Log records of a trace that may carry the user's text (gen_ai.user.message and the v1.37+
-- inference details event), earliest first: read once when the trace's summary row is created,
-- for records that arrived before any of its spans. A range scan of logs_by_span (trace_id prefix).
SELECT CAST(time_ns AS TEXT) AS time_unix_nano, CAST(observed_ns AS TEXT) AS observed_unix_nano,
       event_name, detail
FROM store.logs
WHERE trace_id = :trace_id
  AND event_name IN ('gen_ai.user.message', 'gen_ai.client.inference.operation.details')
ORDER BY CASE WHEN time_ns = 0 THEN observed_ns ELSE time_ns END, id
LIMIT 16
