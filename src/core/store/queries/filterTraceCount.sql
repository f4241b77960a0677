-- How many traces match a filter (the same conditions as filterTraceIds.sql, which explains them).
SELECT count(*) AS total
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
       OR t.trace_id IN (SELECT g.trace_id FROM store.trace_genai AS g WHERE g.genai_key IN (SELECT value FROM json_each(:genai_keys))))
  AND (:error_genai_keys IS NULL
       OR t.trace_id IN (SELECT s.trace_id FROM store.spans AS s
                         WHERE (s.status_code = 2 OR s.has_exception = 1)
                           AND s.genai / 2 IN (SELECT value FROM json_each(:error_genai_keys))))
  AND (:has_genai = 0 OR EXISTS (SELECT 1 FROM store.trace_genai AS g WHERE g.trace_id = t.trace_id))
