-- What a re-sent span replaces: its old status (to correct error_count), detail row, and the
-- resource and scope it used (released when the new version uses others).
SELECT status_code, detail_id, resource_id, scope_id
FROM store.spans
WHERE trace_id = :trace_id AND span_id = :span_id
