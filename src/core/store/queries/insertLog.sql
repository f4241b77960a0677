-- One log record; id is assigned by SQLite in arrival order. :detail arrives as UTF-8 bytes
-- (see insertSpanDetail.sql).
INSERT INTO store.logs (
  trace_id, span_id, time_ns, observed_ns, severity_number, severity_text, event_name, flags,
  resource_id, scope_id, detail
) VALUES (
  :trace_id, :span_id, :time_ns, :observed_ns, :severity_number, :severity_text, :event_name,
  :flags, :resource_id, :scope_id, CAST(:detail AS TEXT)
)
