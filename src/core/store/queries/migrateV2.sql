-- Brings a restored version-2 snapshot to version 3 (snapshot.ts): the cost columns of spans, the
-- trace_usage table and traces.usage_pending (schema.sql). They start empty; every trace waits
-- for its cost facts (usage_pending 2), which usageRefresh.ts reads from the stored spans in the
-- background, newest traces first.
ALTER TABLE store.spans ADD COLUMN call INTEGER;
ALTER TABLE store.spans ADD COLUMN cost_pico INTEGER;
ALTER TABLE store.spans ADD COLUMN cost_label INTEGER;
ALTER TABLE store.spans ADD COLUMN usage_input REAL;
ALTER TABLE store.spans ADD COLUMN usage_output REAL;
ALTER TABLE store.spans ADD COLUMN usage_more TEXT;
ALTER TABLE store.traces ADD COLUMN usage_pending INTEGER NOT NULL DEFAULT 0;
CREATE TABLE store.trace_usage (
  trace_id TEXT PRIMARY KEY,
  call_count INTEGER NOT NULL,
  usage TEXT,
  usage_marks TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX store.traces_usage_pending ON traces (start_ns DESC, trace_id) WHERE usage_pending > 0;
UPDATE store.traces SET usage_pending = 2;
PRAGMA store.user_version = 3;
