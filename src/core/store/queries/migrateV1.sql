-- Brings a restored version-1 snapshot to version 2 (snapshot.ts): what schema.sql version 2 added
-- to the store database, with the badge keys of the stored spans (one scan of spans, once).
CREATE TABLE store.trace_genai (
  genai_key INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  PRIMARY KEY (genai_key, trace_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX store.trace_genai_by_trace ON trace_genai (trace_id);
CREATE INDEX store.spans_errors ON spans (trace_id, genai, status_code, has_exception)
WHERE status_code = 2 OR has_exception = 1;
CREATE INDEX store.spans_exceptions ON spans (trace_id, status_code, has_exception)
WHERE has_exception = 1 AND status_code <> 2;
INSERT INTO store.trace_genai (genai_key, trace_id)
SELECT DISTINCT genai / 2, trace_id FROM store.spans WHERE genai IS NOT NULL;
INSERT INTO store.trace_genai (genai_key, trace_id)
SELECT DISTINCT (genai / 2) % 16, trace_id FROM store.spans WHERE genai IS NOT NULL
ON CONFLICT DO NOTHING;
PRAGMA store.user_version = 2;
