-- Step 6 of deleting a trace: its badge keys (trace_genai_by_trace).
DELETE FROM store.trace_genai
WHERE trace_id = :trace_id
