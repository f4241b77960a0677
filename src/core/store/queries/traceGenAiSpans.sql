-- The GenAI spans of a trace with everything normalizeSpan needs (the Conversation tab), earliest
-- first, at most :limit. Offsets/durations as in traceSkeleton.sql. The sort is over one trace's
-- GenAI spans only (a primary-key range scan, filtered on genai).
SELECT s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.status_code,
       CAST(s.start_ns AS TEXT) AS start_unix_nano, CAST(s.end_ns AS TEXT) AS end_unix_nano,
       d.detail, r.json AS resource_json, sc.json AS scope_json,
       (s.start_ns - t.start_ns) / 1e6 AS start_offset_ms,
       max(s.end_ns - s.start_ns, 0) / 1e6 AS duration_ms
FROM store.traces AS t
JOIN store.spans AS s ON s.trace_id = t.trace_id
JOIN store.span_details AS d ON d.id = s.detail_id
JOIN store.resources AS r ON r.id = s.resource_id
JOIN store.scopes AS sc ON sc.id = s.scope_id
WHERE t.trace_id = :trace_id AND s.genai IS NOT NULL
ORDER BY s.start_ns, s.span_id
LIMIT :limit
