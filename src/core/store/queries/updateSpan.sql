-- A re-sent span replaces the stored skeleton row (last write wins); detail_id is kept.
-- Times as in insertSpan.sql (whole seconds and nanosecond remainder).
UPDATE store.spans
SET parent_span_id = :parent_span_id,
    name = :name,
    kind = :kind,
    status_code = :status_code,
    start_ns = CAST(:start_sec AS INTEGER) * 1000000000 + CAST(:start_nsec AS INTEGER),
    end_ns = CAST(:end_sec AS INTEGER) * 1000000000 + CAST(:end_nsec AS INTEGER),
    resource_id = :resource_id,
    scope_id = :scope_id,
    event_count = :event_count,
    has_exception = :has_exception,
    genai = :genai,
    genai_tokens = :genai_tokens,
    call = nullif(coalesce(:call, 0) | (coalesce(call, 0) & 32), 0),
    cost_pico = :cost_pico,
    cost_label = :cost_label,
    usage_input = :usage_input,
    usage_output = :usage_output,
    usage_more = :usage_more
WHERE trace_id = :trace_id AND span_id = :span_id
