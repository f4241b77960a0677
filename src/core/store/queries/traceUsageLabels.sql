-- The labels (genai_names ids) of a trace's counted unpriced calls, each once, in the order the
-- calls start (CostTotal.unpricedModels), at most 20 (MAX_UNPRICED_MODELS). Counted: as in
-- traceUsage.sql. Run only when traceUsage.sql found unpriced calls.
WITH RECURSIVE below(span_id) AS (
  SELECT parent_span_id FROM store.spans
  WHERE trace_id = :trace_id AND call & 1 = 1 AND parent_span_id IS NOT NULL AND parent_span_id <> span_id
  UNION
  SELECT s.parent_span_id FROM below AS b
  JOIN store.spans AS s ON s.trace_id = :trace_id AND s.span_id = b.span_id
  WHERE s.parent_span_id IS NOT NULL AND s.parent_span_id <> s.span_id
)
SELECT cost_label
FROM store.spans
WHERE trace_id = :trace_id AND call & 13 = 1 AND span_id NOT IN below
GROUP BY cost_label
ORDER BY min(start_ns), min(span_id)
LIMIT 20
