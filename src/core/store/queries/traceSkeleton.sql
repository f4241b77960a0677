-- A trace's spans without attributes, as one row of columns: each column a JSON array over the
-- trace's spans (primary-key order; the store sorts them, skeletonRows.ts). One row instead of one
-- per span: sql.js reads every result value with its own WASM calls (11 per span), while
-- json_group_array builds each column in C and JSON.parse reads it at once (10k-span trace: ~25 ms
-- of row reading before, measured on the 2-core VM).
-- `bits` packs kind | status_code << 3 | has_exception << 5 | event_count << 6. Offsets and
-- durations are exact int64 nanoseconds (JSON integers; below 2^53 for any trace shorter than 104
-- days) that the store divides into milliseconds as SQLite would. The service name is resolved
-- from resource_id in memory (the store caches resources). `genai`, `genai_tokens`: the GenAI badge
-- (codec.ts packBadge) or null; `call`, `cost_pico`: the cost columns (schema.sql).
SELECT json_group_array(s.span_id) AS span_ids,
       json_group_array(s.parent_span_id) AS parent_span_ids,
       json_group_array(s.name) AS names,
       json_group_array(s.kind | (s.status_code << 3) | (s.has_exception << 5) | (s.event_count << 6)) AS bits,
       json_group_array(s.resource_id) AS resource_ids,
       json_group_array(s.start_ns - t.start_ns) AS start_offsets_ns,
       json_group_array(max(s.end_ns - s.start_ns, 0)) AS durations_ns,
       json_group_array(s.genai) AS genai,
       json_group_array(s.genai_tokens) AS genai_tokens,
       json_group_array(s.call) AS calls,
       json_group_array(s.cost_pico) AS costs_pico
FROM store.traces AS t
JOIN store.spans AS s ON s.trace_id = t.trace_id
WHERE t.trace_id = :trace_id
