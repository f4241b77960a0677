-- The labels (genai_names ids) of a trace's counted unpriced calls (call & 61 = 17: a call, a
-- candidate, nothing below, status unpriced), each once, in the order the calls start
-- (CostTotal.unpricedModels), at most 20 (MAX_UNPRICED_MODELS). Run only when traceUsage.sql found
-- unpriced calls.
SELECT cost_label
FROM store.spans
WHERE trace_id = :trace_id AND call & 61 = 17
GROUP BY cost_label
ORDER BY min(start_ns), min(span_id)
LIMIT 20
