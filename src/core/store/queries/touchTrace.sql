-- A trace changed without a write of its spans (its cost after log records or new prices): its
-- updated_seq moves (views and caches reload); :pending 1 marks calls written before the store had
-- a pricer (priced once it gets one, usageRefresh.ts).
UPDATE store.traces
SET updated_seq = max(updated_seq, :seq),
    usage_pending = max(usage_pending, :pending)
WHERE trace_id = :trace_id
