-- Folds one write slice's spans of one trace into its summary row (one execution per trace per
-- slice, not per span).
--   :span_delta   spans new to the store (re-sent spans add 0)
--   :error_delta  change in error spans (a re-sent span may turn an error into ok: -1)
--   :root_*       the slice's best root candidate: a span without a parent, else the earliest
--   :has_root     1 when that candidate has no parent
--   :session_id   a session id seen in the slice, or NULL (the first one stored stays)
--   :agent_name, :agent_start_*  the slice's earliest agent span, or NULL: the earliest wins
-- Times come as whole seconds and nanosecond remainder (:x_sec, :x_nsec), joined in exact int64
-- arithmetic as in insertSpan.sql (NULL stays NULL).
-- The candidate replaces the stored root when it is a root and the stored one is not, or when
-- both are equally rooted and the candidate starts earlier. In DO UPDATE, bare column names are
-- the stored values and excluded.* the candidate's.
-- RETURNING span_count: equals :span_delta (> 0) exactly when the row was just created, because
-- a stored row always has span_count >= 1 (the store's trace-count bookkeeping relies on it).
-- RETURNING first_user_ns: the stored first-user-message time (NULL: none yet), so the store
-- extracts user text only from model calls that start earlier.
INSERT INTO store.traces (
  trace_id, start_ns, end_ns, span_count, error_count,
  root_name, root_service, root_start_ns, has_root, updated_seq,
  session_id, agent_name, agent_start_ns
) VALUES (
  :trace_id,
  CAST(:start_sec AS INTEGER) * 1000000000 + CAST(:start_nsec AS INTEGER),
  CAST(:end_sec AS INTEGER) * 1000000000 + CAST(:end_nsec AS INTEGER),
  :span_delta, :error_delta, :root_name, :root_service,
  CAST(:root_start_sec AS INTEGER) * 1000000000 + CAST(:root_start_nsec AS INTEGER),
  :has_root, :seq, :session_id, :agent_name,
  CAST(:agent_start_sec AS INTEGER) * 1000000000 + CAST(:agent_start_nsec AS INTEGER)
)
ON CONFLICT (trace_id) DO UPDATE SET
  start_ns = min(start_ns, excluded.start_ns),
  end_ns = max(end_ns, excluded.end_ns),
  span_count = span_count + excluded.span_count,
  error_count = error_count + excluded.error_count,
  root_name = CASE
    WHEN excluded.has_root > has_root
      OR (excluded.has_root = has_root AND excluded.root_start_ns < root_start_ns)
    THEN excluded.root_name ELSE root_name END,
  root_service = CASE
    WHEN excluded.has_root > has_root
      OR (excluded.has_root = has_root AND excluded.root_start_ns < root_start_ns)
    THEN excluded.root_service ELSE root_service END,
  root_start_ns = CASE
    WHEN excluded.has_root > has_root
      OR (excluded.has_root = has_root AND excluded.root_start_ns < root_start_ns)
    THEN excluded.root_start_ns ELSE root_start_ns END,
  has_root = max(has_root, excluded.has_root),
  updated_seq = excluded.updated_seq,
  session_id = coalesce(session_id, excluded.session_id),
  agent_name = CASE
    WHEN excluded.agent_name IS NOT NULL AND (agent_name IS NULL OR excluded.agent_start_ns < agent_start_ns)
    THEN excluded.agent_name ELSE agent_name END,
  agent_start_ns = CASE
    WHEN excluded.agent_name IS NOT NULL AND (agent_name IS NULL OR excluded.agent_start_ns < agent_start_ns)
    THEN excluded.agent_start_ns ELSE agent_start_ns END
RETURNING span_count, CAST(first_user_ns AS TEXT) AS first_user_ns
