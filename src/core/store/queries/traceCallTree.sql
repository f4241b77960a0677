-- Every span of a trace with its parent and cost bits, to set the "candidate below" bits of the
-- whole trace again (usageMarks.ts, after a re-sent span or new facts). A range scan of the primary key.
SELECT span_id, parent_span_id, call
FROM store.spans
WHERE trace_id = :trace_id
