-- Every stored trace: after a snapshot is restored, all of them wait to be indexed (the full-text
-- index is not part of snapshots).
SELECT trace_id FROM store.traces
