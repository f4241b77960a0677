-- How many traces have a span with one of the badge keys :genai_keys (JSON array; model:, tool:,
-- agent:, kind:), read from trace_genai alone, and how many traces are stored. TraceReads
-- .filterTraceCount answers a filter whose only condition is the badge with the first figure, and
-- drops a badge condition that every stored trace meets from filterTraceCount.sql: there, the
-- IN (…) list of a badge most traces have costs a temporary b-tree of their ids plus a probe per
-- trace (17-25 ms for 20,000 traces at 1M small spans), while one key is a count over its
-- primary-key range (~2 ms) and several keys one DISTINCT over their ranges (~7 ms).
-- trace_genai rows exist only for stored traces (deleted with them), so the figures are exact.
SELECT CASE json_array_length(:genai_keys)
         WHEN 1 THEN (SELECT count(*) FROM store.trace_genai WHERE genai_key = :genai_keys ->> 0)
         ELSE (SELECT count(DISTINCT trace_id) FROM store.trace_genai
               WHERE genai_key IN (SELECT value FROM json_each(:genai_keys)))
       END AS badge_traces,
       (SELECT count(*) FROM store.traces) AS traces
