-- traceRefs.sql for a trace whose spans or log records use more than one resource or scope (a
-- distributed trace: one resource per service): each pair and how many rows use it.
SELECT resource_id, scope_id, count(*) AS n
FROM store.spans
WHERE trace_id = :trace_id
GROUP BY resource_id, scope_id
UNION ALL
SELECT resource_id, scope_id, count(*) AS n
FROM store.logs
WHERE trace_id = :trace_id
GROUP BY resource_id, scope_id
