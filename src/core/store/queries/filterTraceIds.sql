-- One page of the traces matching a filter (src/core/search/plan.ts builds the parameters), newest
-- first like listTraces.sql (traces_by_start, no sort), :limit from :offset.
--   :traces, :exclude      JSON arrays of trace ids (only these / none of these), or NULL
--   :services              JSON array of root service names (service: matched in JS), or NULL
--   :session_id            exact session id, or NULL
--   :min/max_duration_ns   inclusive bounds of max(end - start, 0), or NULL
--   :since_ns              earliest start (decimal string), or NULL (last:)
--   :trace_prefix(_end)    trace id range (codec.ts prefixUpperBound), or NULL (trace:)
--   :error                 1: an error span: error_count > 0, or an exception on a span whose status
--                          is not error (spans_exceptions)
--   :genai_keys            JSON array of trace_genai keys (model:, tool:, agent:, kind:), or NULL
--   :error_genai_keys      the same keys, on an error span (error together with a badge condition)
--   :has_genai             1: the trace has a GenAI span (cost>, tokens> need one)
-- Every condition is "NULL/0 or …", so one prepared statement serves every query: the plan walks
-- the traces (summary rows, never spans) and each IN (…) list is built once per execution; the
-- error list comes from the small spans_exceptions index. The badge conditions are EXISTS probes
-- (trace_genai_by_trace, spans_errors) of the traces walked: this page walk stops after :limit
-- matches, so a badge that most traces have costs a few probes instead of listing them all (22 ms
-- for 20,000 traces). filterTraceCount.sql and filterTraceIdsByScan.sql visit every trace and list
-- the badge's traces once instead (IN), the same conditions written the other way.
SELECT t.trace_id
FROM store.traces AS t
WHERE (:traces IS NULL OR t.trace_id IN (SELECT value FROM json_each(:traces)))
  AND (:exclude IS NULL OR t.trace_id NOT IN (SELECT value FROM json_each(:exclude)))
  AND (:services IS NULL OR t.root_service IN (SELECT value FROM json_each(:services)))
  AND (:session_id IS NULL OR t.session_id = :session_id)
  AND (:min_duration_ns IS NULL OR t.end_ns - t.start_ns >= :min_duration_ns)
  AND (:max_duration_ns IS NULL OR max(t.end_ns - t.start_ns, 0) <= :max_duration_ns)
  AND (:since_ns IS NULL OR t.start_ns >= CAST(:since_ns AS INTEGER))
  AND (:trace_prefix IS NULL OR (t.trace_id >= :trace_prefix AND t.trace_id < :trace_prefix_end))
  AND (:error = 0 OR t.error_count > 0
       OR t.trace_id IN (SELECT s.trace_id FROM store.spans AS s WHERE s.has_exception = 1 AND s.status_code <> 2))
  AND (:genai_keys IS NULL
       OR EXISTS (SELECT 1 FROM store.trace_genai AS g
                  WHERE g.trace_id = t.trace_id AND g.genai_key IN (SELECT value FROM json_each(:genai_keys))))
  AND (:error_genai_keys IS NULL
       OR EXISTS (SELECT 1 FROM store.spans AS s
                  WHERE s.trace_id = t.trace_id AND (s.status_code = 2 OR s.has_exception = 1)
                    AND s.genai / 2 IN (SELECT value FROM json_each(:error_genai_keys))))
  AND (:has_genai = 0 OR EXISTS (SELECT 1 FROM store.trace_genai AS g WHERE g.trace_id = t.trace_id))
ORDER BY t.start_ns DESC, t.trace_id ASC
LIMIT :limit OFFSET :offset
