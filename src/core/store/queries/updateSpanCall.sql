-- A span's cost columns (usageColumns.ts): after its correlated log records arrived, or priced again.
UPDATE store.spans
SET call = :call,
    cost_usd = :cost_usd,
    cost_label = :cost_label,
    usage_input = :usage_input,
    usage_output = :usage_output,
    usage_more = :usage_more
WHERE trace_id = :trace_id AND span_id = :span_id
