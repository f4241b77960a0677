-- The GenAI spans of a trace with only their badge and cost columns (schema.sql: `genai`,
-- `genai_tokens`, `call`, `cost_pico`, `usage_*`): no span details, so no attributes, prompts or
-- completions are read. Input of the run metrics of a trace with more GenAI spans than
-- traceGenAiSpans.sql loads (src/core/usage/columnViews.ts). One row of JSON arrays in primary-key
-- order, as traceSkeleton.sql and for the same reason (sql.js reads each result value with its own
-- WASM calls). A range scan of the trace's spans.
SELECT json_group_array(span_id) AS span_ids,
       json_group_array(genai) AS genai,
       json_group_array(genai_tokens) AS genai_tokens,
       json_group_array(call) AS calls,
       json_group_array(cost_pico) AS costs_pico,
       json_group_array(usage_input) AS usage_input,
       json_group_array(usage_output) AS usage_output,
       json_group_array(json(usage_more)) AS usage_more
FROM store.spans
WHERE trace_id = :trace_id AND genai IS NOT NULL
