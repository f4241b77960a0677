-- One trace's cost and tokens, each call counted once (src/core/usage/README.md "Counted once"),
-- from the spans' cost columns (schema.sql; usageColumns.ts): a call (call & 16) counts when it is
-- a usage candidate (& 1) with no candidate below it (& 32 unset, kept by usageMarks.ts). One range
-- scan of the trace's spans (~15 µs for 50 spans, ~3 ms for 10,000 in sql.js).
-- Price status (call >> 2 & 3): 0 unpriced, 1 priced, 2 reported. Token total per call: input +
-- output when either is known, else the call's own total (runMetrics.ts addUsage).
SELECT count(*) FILTER (WHERE call & 16) AS calls,
       count(*) FILTER (WHERE call & 49 = 17) AS counted,
       count(*) FILTER (WHERE call & 51 = 19) AS model_calls,
       total(usage_input) FILTER (WHERE call & 49 = 17) AS input,
       total(usage_output) FILTER (WHERE call & 49 = 17) AS output,
       total(usage_more ->> '$.r') FILTER (WHERE call & 49 = 17) AS cache_read,
       total(usage_more ->> '$.w') FILTER (WHERE call & 49 = 17) AS cache_write,
       total(usage_more ->> '$.z') FILTER (WHERE call & 49 = 17) AS reasoning,
       total(CASE WHEN usage_input IS NOT NULL OR usage_output IS NOT NULL
                  THEN coalesce(usage_input, 0) + coalesce(usage_output, 0)
                  ELSE coalesce(usage_more ->> '$.t', 0) END) FILTER (WHERE call & 49 = 17) AS total,
       sum(cost_pico) FILTER (WHERE call & 49 = 17) AS cost_pico,
       count(*) FILTER (WHERE call & 61 = 21) AS priced,
       count(*) FILTER (WHERE call & 61 = 25) AS reported,
       count(*) FILTER (WHERE call & 61 = 17) AS unpriced
FROM store.spans
WHERE trace_id = :trace_id AND call IS NOT NULL
