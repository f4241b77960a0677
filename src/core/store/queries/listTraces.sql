-- One page of the trace list, newest first (index scan of traces_by_start, no sort).
-- Output aliases differ from column names on purpose: ORDER BY resolves a bare name to an
-- output alias first, which would sort by the CAST text and bypass the index.
SELECT trace_id, root_name, has_root, root_service,
       CAST(start_ns AS TEXT) AS start_unix_nano, CAST(end_ns AS TEXT) AS end_unix_nano,
       max(end_ns - start_ns, 0) / 1e6 AS duration_ms,
       span_count, error_count, updated_seq, session_id, agent_name, first_user_message,
       (SELECT u.usage FROM store.trace_usage AS u WHERE u.trace_id = traces.trace_id) AS usage
FROM store.traces
ORDER BY traces.start_ns DESC, traces.trace_id ASC
LIMIT :limit OFFSET :offset
