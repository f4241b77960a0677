-- A span's cost columns (usageColumns.ts): after its correlated log records arrived, or priced again.
-- Its "candidate below" bit (32, usageMarks.ts) stays.
UPDATE store.spans
SET call = nullif(coalesce(:call, 0) | (coalesce(call, 0) & 32), 0),
    cost_pico = :cost_pico,
    cost_label = :cost_label,
    usage_input = :usage_input,
    usage_output = :usage_output,
    usage_more = :usage_more
WHERE trace_id = :trace_id AND span_id = :span_id
