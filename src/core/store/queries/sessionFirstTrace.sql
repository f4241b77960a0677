-- The label sources of a session's earliest trace: a backwards range scan of traces_by_session.
SELECT agent_name, first_user_message, root_name
FROM store.traces INDEXED BY traces_by_session
WHERE traces.session_id = :session_id
ORDER BY traces.start_ns ASC, traces.trace_id DESC
LIMIT 1
