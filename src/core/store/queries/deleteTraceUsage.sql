-- A trace's cost bookkeeping goes with the trace (retention.ts).
DELETE FROM store.trace_usage WHERE trace_id = :trace_id
