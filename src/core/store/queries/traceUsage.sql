-- One trace's cost and tokens, each call counted once (src/core/usage/README.md "Counted once"),
-- from the spans' cost columns (schema.sql; usageColumns.ts). A usage candidate (call & 1: a
-- model call or a span with usage or a cost that is not an aggregate) counts unless a candidate
-- is below it: `below` holds every ancestor of a candidate (a span's own id never, also in a
-- parent cycle's first step); UNION stops at ids already reached, so the walk is linear in the
-- ancestors. One range scan of the trace's spans for the seeds, one primary-key lookup per
-- ancestor, one more range scan for the sums: ~0.1 ms for a 50-span trace.
-- Price status (call >> 2 & 3): 0 unpriced, 1 priced, 2 reported. Token total per call: input +
-- output when either is known, else the call's own total (runMetrics.ts addUsage).
WITH RECURSIVE below(span_id) AS (
  SELECT parent_span_id FROM store.spans
  WHERE trace_id = :trace_id AND call & 1 = 1 AND parent_span_id IS NOT NULL AND parent_span_id <> span_id
  UNION
  SELECT s.parent_span_id FROM below AS b
  JOIN store.spans AS s ON s.trace_id = :trace_id AND s.span_id = b.span_id
  WHERE s.parent_span_id IS NOT NULL AND s.parent_span_id <> s.span_id
)
SELECT count(*) AS calls,
       count(*) FILTER (WHERE c) AS counted,
       count(*) FILTER (WHERE c AND call & 2 = 2) AS model_calls,
       total(usage_input) FILTER (WHERE c) AS input,
       total(usage_output) FILTER (WHERE c) AS output,
       total(usage_more ->> '$.r') FILTER (WHERE c) AS cache_read,
       total(usage_more ->> '$.w') FILTER (WHERE c) AS cache_write,
       total(usage_more ->> '$.z') FILTER (WHERE c) AS reasoning,
       total(CASE WHEN usage_input IS NOT NULL OR usage_output IS NOT NULL
                  THEN coalesce(usage_input, 0) + coalesce(usage_output, 0)
                  ELSE coalesce(usage_more ->> '$.t', 0) END) FILTER (WHERE c) AS total,
       total(cost_usd) FILTER (WHERE c) AS cost_usd,
       count(*) FILTER (WHERE c AND (call >> 2) & 3 = 1) AS priced,
       count(*) FILTER (WHERE c AND (call >> 2) & 3 = 2) AS reported,
       count(*) FILTER (WHERE c AND (call >> 2) & 3 = 0) AS unpriced
FROM (
  SELECT call, usage_input, usage_output, usage_more, cost_usd,
         call & 1 = 1 AND span_id NOT IN below AS c
  FROM store.spans
  WHERE trace_id = :trace_id AND call IS NOT NULL
)
