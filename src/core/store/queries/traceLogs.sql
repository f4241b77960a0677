-- The log records correlated with a trace's spans, by span then time (as spanLogs.sql), at most
-- :limit: the Conversation tab reads them for the GenAI spans' message events. A range scan of
-- logs_by_span.
SELECT l.trace_id, l.span_id,
       CAST(l.time_ns AS TEXT) AS time_unix_nano, CAST(l.observed_ns AS TEXT) AS observed_unix_nano,
       l.severity_number, l.severity_text, l.event_name, l.flags, l.detail,
       r.json AS resource_json, sc.json AS scope_json
FROM store.logs AS l
JOIN store.resources AS r ON r.id = l.resource_id
JOIN store.scopes AS sc ON sc.id = l.scope_id
WHERE l.trace_id = :trace_id AND l.span_id IS NOT NULL
ORDER BY l.span_id, CASE WHEN l.time_ns = 0 THEN l.observed_ns ELSE l.time_ns END, l.id
LIMIT :limit
