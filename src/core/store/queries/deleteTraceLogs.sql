-- Step 3 of deleting a trace: log records correlated with it (changed-row count = logs removed).
DELETE FROM store.logs
WHERE trace_id = :trace_id
