-- Spans that may carry a source location (code.* attributes) or an exception, with spanDetail.sql's
-- columns: the in-memory code index is rebuilt from them after a snapshot is restored. The test on
-- the detail JSON is a superset (it may match a value); the index applies the exact rules.
SELECT s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.status_code,
       CAST(s.start_ns AS TEXT) AS start_unix_nano, CAST(s.end_ns AS TEXT) AS end_unix_nano,
       d.detail, r.json AS resource_json, sc.json AS scope_json
FROM store.spans AS s
JOIN store.span_details AS d ON d.id = s.detail_id
JOIN store.resources AS r ON r.id = s.resource_id
JOIN store.scopes AS sc ON sc.id = s.scope_id
WHERE s.has_exception = 1 OR instr(d.detail, '"code.') > 0
