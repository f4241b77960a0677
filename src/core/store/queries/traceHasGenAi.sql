-- 1 when the trace has at least one GenAI span (a badge at ingest), else no row. A primary-key
-- range scan over one trace's spans that stops at the first match: the usage index asks this
-- before loading and normalizing a trace's GenAI spans (src/core/usage/usageIndex.ts).
SELECT 1 AS has_genai
FROM store.spans
WHERE trace_id = :trace_id AND genai IS NOT NULL
LIMIT 1
