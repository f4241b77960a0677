-- Step 4 of deleting a trace: its summary row (changed-row count 0 = no such trace).
DELETE FROM store.traces
WHERE trace_id = :trace_id
