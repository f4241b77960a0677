-- Step 1 of deleting a trace: its spans' detail rows (needs the spans, so it runs first).
DELETE FROM store.span_details
WHERE id IN (SELECT detail_id FROM store.spans WHERE trace_id = :trace_id)
