-- What a re-sent span replaces: its old status (to correct error_count) and detail row.
SELECT status_code, detail_id
FROM store.spans
WHERE trace_id = :trace_id AND span_id = :span_id
