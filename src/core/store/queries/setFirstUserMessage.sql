-- A trace's first user message, when the candidate is earlier than the stored one (or none is
-- stored). :first_user_ns is the start of the model call the text came from (or the time of the
-- gen_ai.user.message log record); 0 rows changed when the trace row does not exist yet (log
-- records may arrive before their spans: traceUserLogs.sql picks them up when the row is created).
UPDATE store.traces
SET first_user_message = :text,
    first_user_ns = :first_user_ns,
    updated_seq = :seq
WHERE trace_id = :trace_id
  AND (first_user_ns IS NULL OR first_user_ns > :first_user_ns)
