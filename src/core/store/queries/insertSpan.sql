-- A span's skeleton row. A span already stored under (trace_id, span_id) is left alone here
-- (0 rows changed); the store then takes the update path (existingSpan + updateSpan), so a
-- re-sent span never counts twice. Only the uniqueness conflict is absorbed: any other
-- constraint error still raises.
-- Times come as whole seconds and nanosecond remainder (numbers: codec.ts NanosParts), joined in
-- exact int64 arithmetic; the CASTs keep it INTEGER (seconds beyond int32 are bound as REALs).
INSERT INTO store.spans (
  trace_id, span_id, parent_span_id, name, kind, status_code, start_ns, end_ns,
  resource_id, scope_id, event_count, has_exception, detail_id, genai, genai_tokens,
  call, cost_pico, cost_label, usage_input, usage_output, usage_more
) VALUES (
  :trace_id, :span_id, :parent_span_id, :name, :kind, :status_code,
  CAST(:start_sec AS INTEGER) * 1000000000 + CAST(:start_nsec AS INTEGER),
  CAST(:end_sec AS INTEGER) * 1000000000 + CAST(:end_nsec AS INTEGER),
  :resource_id, :scope_id, :event_count, :has_exception, :detail_id, :genai, :genai_tokens,
  :call, :cost_pico, :cost_label, :usage_input, :usage_output, :usage_more
)
ON CONFLICT (trace_id, span_id) DO NOTHING
