-- Eviction candidates, oldest first: exactly the reverse of listTraces' order, so it is a
-- backwards scan of traces_by_start without a sort.
SELECT trace_id
FROM store.traces
ORDER BY start_ns ASC, trace_id DESC
LIMIT :limit
