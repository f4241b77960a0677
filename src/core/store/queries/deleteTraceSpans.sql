-- Step 2 of deleting a trace: its spans (changed-row count = spans removed).
DELETE FROM store.spans
WHERE trace_id = :trace_id
