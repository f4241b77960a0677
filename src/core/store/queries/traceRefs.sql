-- Before a trace is deleted: which resources and scopes its spans (first row) and correlated log
-- records (second row) use, and how many, so the store can release them (Interning.release) and
-- delete those nothing uses any more. Aggregates without GROUP BY (no temporary b-tree): when
-- min = max the rows all use one resource and one scope, the usual case, and this is the whole
-- answer; otherwise traceRefsGrouped.sql gives the pairs. One range scan of the trace's spans
-- (primary key prefix) and of its log records (logs_by_span prefix), rows the deletes read next.
SELECT min(resource_id) AS resource_id, min(scope_id) AS scope_id, count(*) AS n,
       max(resource_id) AS max_resource_id, max(scope_id) AS max_scope_id
FROM store.spans
WHERE trace_id = :trace_id
UNION ALL
SELECT min(resource_id), min(scope_id), count(*), max(resource_id), max(scope_id)
FROM store.logs
WHERE trace_id = :trace_id
