-- spanFacts.sql for every span of a trace (a primary-key range scan), with the span id first.
SELECT s.span_id, s.status_code, s.has_exception, s.genai, s.genai_tokens, s.resource_id,
       s.start_ns - t.start_ns AS start_offset_ns, max(s.end_ns - s.start_ns, 0) AS duration_ns
FROM store.traces AS t
JOIN store.spans AS s ON s.trace_id = t.trace_id
WHERE t.trace_id = :trace_id
