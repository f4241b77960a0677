-- The store's counters and next ids after a snapshot is restored (one row; run once, at start).
SELECT (SELECT count(*) FROM store.traces) AS trace_count,
       (SELECT count(*) FROM store.spans) AS span_count,
       (SELECT count(*) FROM store.logs) AS log_count,
       (SELECT coalesce(max(id), 0) FROM store.span_details) AS max_detail_id,
       (SELECT coalesce(max(updated_seq), 0) FROM store.traces) AS max_seq
