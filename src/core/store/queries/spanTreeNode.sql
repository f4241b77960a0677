-- One span's parent, cost bits and cost columns, for the walk up to its ancestors (usageMarks.ts:
-- a call that stops counting is taken out of its trace's sums, usageSums.ts).
SELECT parent_span_id, call, cost_pico, usage_input, usage_output, usage_more
FROM store.spans
WHERE trace_id = :trace_id AND span_id = :span_id
