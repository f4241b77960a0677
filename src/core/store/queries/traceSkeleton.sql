-- A trace's spans without attributes, unordered (see below). `genai`, `genai_tokens`: the span's GenAI
-- badge (codec.ts packBadge) or NULL; `call`, `cost_pico`: its cost columns (schema.sql), from which
-- the store adds each row's cost (skeletonRows.ts). Offsets and durations are
-- computed in exact int64 nanoseconds and only then divided into (double) milliseconds.
-- kind, status_code, has_exception and event_count are packed into one integer `bits`
--   (kind | status_code << 3 | has_exception << 5 | event_count << 6)
-- because sql.js reads every result column with separate WASM calls: 7 columns instead of 10
-- measured 10-15% faster for a 10k-span trace (~20 vs ~23 ms on the 2-core VM). The service
-- name is resolved from resource_id in memory (the store caches resources).
-- No ORDER BY: rows come in primary-key order (span_id) and the store sorts them by
-- (start_offset_ms, span_id) in JS. SQLite's sorter cost 6-9 ms for 10k rows in WASM, the JS
-- sort of the built objects ~3 ms: whole skeleton 19-21 ms vs 21-28 ms (min of 40 interleaved
-- runs, 10k-span trace in a 10k- and a 110k-span store, 2-core VM).
-- The order is exact: ns -> ms division is monotonic, and distinct ns stay distinct doubles
-- for offsets below ~50 days.
SELECT s.span_id, s.parent_span_id, s.name,
       s.kind | (s.status_code << 3) | (s.has_exception << 5) | (s.event_count << 6) AS bits,
       s.resource_id,
       (s.start_ns - t.start_ns) / 1e6 AS start_offset_ms,
       max(s.end_ns - s.start_ns, 0) / 1e6 AS duration_ms,
       s.genai, s.genai_tokens, s.call, s.cost_pico
FROM store.traces AS t
JOIN store.spans AS s ON s.trace_id = t.trace_id
WHERE t.trace_id = :trace_id
