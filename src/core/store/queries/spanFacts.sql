-- What span-level conditions test on one span (src/core/search): status, exception, GenAI badge,
-- resource (service), start offset in its trace and duration (exact int64 ns).
SELECT s.status_code, s.has_exception, s.genai, s.genai_tokens, s.resource_id,
       s.start_ns - t.start_ns AS start_offset_ns, max(s.end_ns - s.start_ns, 0) AS duration_ns
FROM store.spans AS s
JOIN store.traces AS t ON t.trace_id = s.trace_id
WHERE s.trace_id = :trace_id AND s.span_id = :span_id
