-- Sets or clears the "candidate below" bit (32) of some spans of a trace (usageMarks.ts): the ids
-- are a JSON list, one statement per trace and write instead of one per span. :below 1 sets, 0 clears
-- (a span left with no bit at all goes back to NULL).
UPDATE store.spans
SET call = CASE WHEN :below = 1 THEN coalesce(call, 0) | 32 ELSE nullif(coalesce(call, 0) & ~32, 0) END
WHERE trace_id = :trace_id AND span_id IN (SELECT value FROM json_each(:span_ids))
