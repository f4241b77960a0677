-- Eviction candidates, oldest first: exactly the reverse of listTraces' order, so it is a
-- backwards scan of traces_by_start without a sort. Traces changed at or after :protected_seq
-- (the last write; retention.ts) are skipped: one row lookup each for the few it passes over.
SELECT trace_id
FROM store.traces
WHERE updated_seq < :protected_seq
ORDER BY start_ns ASC, trace_id DESC
LIMIT :limit
