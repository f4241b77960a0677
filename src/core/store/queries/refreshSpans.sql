-- Spans of one trace after :after (span id order), at most :limit, with everything spanFromRow
-- reads (spanDetail.sql's columns): only the calls (call & 16) when :calls_only is 1 (new
-- prices), every span when 0 (cost facts to read, usageRefresh.ts).
SELECT s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.status_code,
       CAST(s.start_ns AS TEXT) AS start_unix_nano, CAST(s.end_ns AS TEXT) AS end_unix_nano,
       d.detail, r.json AS resource_json, sc.json AS scope_json
FROM store.spans AS s
JOIN store.span_details AS d ON d.id = s.detail_id
JOIN store.resources AS r ON r.id = s.resource_id
JOIN store.scopes AS sc ON sc.id = s.scope_id
WHERE s.trace_id = :trace_id AND s.span_id > :after AND (:calls_only = 0 OR s.call & 16 = 16)
ORDER BY s.span_id
LIMIT :limit
