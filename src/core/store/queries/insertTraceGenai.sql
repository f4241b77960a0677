-- One (badge key, trace) pair of a write transaction (schema.sql trace_genai); already known: nothing.
INSERT INTO store.trace_genai (genai_key, trace_id)
VALUES (:genai_key, :trace_id)
ON CONFLICT DO NOTHING
