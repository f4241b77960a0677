-- Trace Lens store schema. Executed once by TraceStore.open() on a fresh sql.js database.
-- Every table lives in the attached in-memory database `store`, not in sql.js's `main`:
-- `main` is a MEMFS file that grows by realloc-and-copy (x1.125 above 1 MiB), which stalled
-- single 512-span batches for 0.35-3.9 s in the project's pilot; an attached :memory: database
-- allocates pages one by one (max batch 272 ms at 1M spans, half the peak RSS).
--
-- Conventions
-- * STRICT tables: a value of the wrong type is an error instead of being stored silently.
-- * Times are INTEGER nanoseconds since the Unix epoch (*_ns). The span and trace writes bind
--   them as two numbers, whole seconds and the nanosecond remainder, joined in exact int64
--   arithmetic (queries/insertSpan.sql; codec.ts splitNanos); other queries bind decimal strings,
--   which a STRICT INTEGER column converts exactly (int64, up to year 2262). Reads use
--   CAST(... AS TEXT), so times round-trip exactly; sql.js would read INTEGER as a lossy double.
-- * Ids are lowercase hex TEXT (trace 32 chars, span 16), validated before insert.
-- * Enumerations are OTLP numbers: kind 0-5 (SpanKind), status_code 0 unset / 1 ok / 2 error.

-- Pilot pragmas. The rollback journal stays in memory (ROLLBACK must keep working: a failed
-- slice is rolled back), nothing is ever synced (nothing is on disk), temp b-trees in memory.
PRAGMA temp_store = MEMORY;
PRAGMA journal_mode = MEMORY;

ATTACH DATABASE ':memory:' AS store;

PRAGMA store.journal_mode = MEMORY;
PRAGMA store.synchronous = OFF;

-- Version of this schema, checked when a snapshot is restored (TraceStore STORE_SCHEMA_VERSION):
-- a snapshot written by another schema version is not restored, except versions 1 and 2, which
-- are migrated (queries/migrateV1.sql adds what version 2 added: trace_genai, spans_errors,
-- spans_exceptions; queries/migrateV2.sql what version 3 added: the cost columns of spans and
-- traces, filled in again in the background: usageRefresh.ts).
PRAGMA store.user_version = 3;

-- 4 KiB (the default, stated for clarity). 8 and 16 KiB pages measured no faster on the pilot
-- workloads, and 16 KiB pages cost +30% bytes per agent span (overflow-page slack).
PRAGMA store.page_size = 4096;

-- Deduplicated OTLP resources: thousands of spans share one. `json` is the ResourceInfo as JSON
-- (at most MAX_RESOURCE_JSON_CHARS characters: a larger one is stored cut), also the
-- deduplication key (kept in a JS map, so no index on it). The store counts in memory how many
-- spans and log records use each row (interning.ts) and deletes a row when its last user goes
-- (eviction, deleteTrace, the log cap): a new resource per process start, or per request from a
-- hostile exporter, lives as long as its data and is counted in maxMegabytes like it. A count
-- per row in SQL would cost an UPDATE per span; a sweep would need an index on spans.resource_id.
CREATE TABLE store.resources (
  id INTEGER PRIMARY KEY,
  service_name TEXT NOT NULL,
  json TEXT NOT NULL
) STRICT;

-- Deduplicated instrumentation scopes (ScopeInfo as JSON), like resources (same cap, same deletion).
CREATE TABLE store.scopes (
  id INTEGER PRIMARY KEY,
  json TEXT NOT NULL
) STRICT;

-- One row per span with only what the waterfall needs (the "skeleton"), clustered by
-- (trace_id, span_id): a trace's spans are contiguous, so traceSkeleton is one range scan over
-- small rows, and the key makes re-sent spans an upsert instead of a duplicate.
-- Why WITHOUT ROWID plus a separate span_details table, measured on the 2-core VM with the
-- same prototype code for all three (100k small spans in 512-span batches; 30k agent spans
-- where every 4th span carries ~10 KB of prompts):
--   one WITHOUT ROWID table with the detail inline: 667 B/span small, 3,731 B/span agent;
--   rowid table + UNIQUE(trace_id, span_id): 612 / 3,354 B, but the 10k-span skeleton
--     needed a rowid lookup per span and was ~1.5-2x slower;
--   this layout: 556 / 3,214 B, skeleton as fast as the inline table, and insert throughput
--     within noise of both (21-33k small spans/s, 7-10k agent spans/s; the VM was shared).
-- With the compact detail JSON of codec.ts the store now uses ~414 B per small span.
CREATE TABLE store.spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,                 -- NULL for a root span
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  status_code INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,        -- resources.id
  scope_id INTEGER NOT NULL,           -- scopes.id
  event_count INTEGER NOT NULL,
  has_exception INTEGER NOT NULL,      -- 1 when an event is named 'exception'
  detail_id INTEGER NOT NULL,          -- span_details.id
  genai INTEGER,                       -- GenAiBadge kind/names (codec.ts packBadge); NULL for non-GenAI spans
  genai_tokens INTEGER,                -- GenAiBadge token counts (codec.ts packBadge); NULL when none
  -- Cost facts (CallFacts, src/core/genai/callFacts.ts) of a span that is a model call or carries
  -- usage or a cost, priced at ingest; NULL for other spans (usageColumns.ts). They make a trace's
  -- cost and tokens one SQL sum (queries/traceUsage.sql) instead of a normalization of every span.
  -- 16 a call | 1 usage candidate (not an aggregate) | 2 model call | price status << 2 (0 unpriced,
  -- 1 priced, 2 reported); 32: a usage candidate is below this span (any span; the call counts
  -- only without it: "counted once"), kept up to date by usageMarks.ts as spans arrive.
  call INTEGER,
  cost_pico INTEGER,                   -- the call's priced or reported cost in 1e-12 USD (calls are priced to that, roundUsd); NULL when unpriced
  cost_label INTEGER,                  -- unpriced: genai_names id of its label (provider/model); NULL otherwise
  usage_input REAL,                    -- GenAiUsage.inputTokens (cache-inclusive); NULL when absent
  usage_output REAL,                   -- GenAiUsage.outputTokens; NULL when absent
  usage_more TEXT,                     -- the rest of GenAiUsage as JSON {t: total, r: cache read, w: cache write, z: reasoning}; NULL when none
  PRIMARY KEY (trace_id, span_id)
) STRICT, WITHOUT ROWID;

-- The rest of each span (attributes, events, links, status message, trace state, flags, dropped
-- counts) as compact JSON (see codec.ts StoredSpanDetail). Ids are assigned in increasing order
-- by the store, so inserts append to the b-tree; large prompt attributes go to overflow pages
-- here instead of bloating the skeleton rows.
CREATE TABLE store.span_details (
  id INTEGER PRIMARY KEY,
  detail TEXT NOT NULL
) STRICT;

-- One row per trace, maintained on every span insert (never GROUP BY over spans on a UI path:
-- 370-514 ms at 1M spans in the pilot, vs 0.1-0.8 ms from this table).
-- root_*: the span without a parent, or the earliest span while no root has arrived.
-- Invariant: a row exists only while the trace has spans, so span_count >= 1.
CREATE TABLE store.traces (
  trace_id TEXT PRIMARY KEY,
  start_ns INTEGER NOT NULL,           -- min(spans.start_ns)
  end_ns INTEGER NOT NULL,             -- max(spans.end_ns)
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,        -- spans with status_code = 2
  root_name TEXT NOT NULL,
  root_service TEXT NOT NULL,          -- service.name of the root (or earliest) span
  root_start_ns INTEGER NOT NULL,      -- start of the span root_name came from
  has_root INTEGER NOT NULL,           -- 1 once a span without a parent arrived
  updated_seq INTEGER NOT NULL,        -- store sequence of the last change
  -- GenAI facts (src/core/genai/badge.ts, via the store's IngestAnnotator); NULL when unknown.
  session_id TEXT,                     -- first session/conversation id seen on any span
  agent_name TEXT,                     -- name of the earliest-starting agent span (the outermost)
  agent_start_ns INTEGER,              -- start of that agent span
  first_user_message TEXT,             -- first user text of the earliest model call (<= 120 chars)
  first_user_ns INTEGER,               -- start of that model call (or time of the user-message log record)
  usage_pending INTEGER NOT NULL DEFAULT 0 -- trace_usage to refresh (usageRefresh.ts): 1 price again (new prices), 2 read the cost facts (a migrated snapshot)
) STRICT, WITHOUT ROWID;

-- Cost and tokens of the traces with calls (src/core/usage/README.md "Counted once"), kept by every
-- write that touches such a trace (usageColumns.ts, usageMarks.ts). A table of its own so that the
-- filters' scans of `traces` keep reading small rows (a TraceUsage is ~250 bytes of JSON; inline,
-- the slowest filter at 1M spans went from 18.8 to 21.6 ms). Deleted with the trace.
CREATE TABLE store.trace_usage (
  trace_id TEXT PRIMARY KEY,
  call_count INTEGER NOT NULL,         -- spans with cost facts (spans.call & 16)
  usage TEXT,                          -- TraceUsage as JSON (rows show it when it has calls, tokens or a cost); NULL without calls
  usage_marks TEXT                     -- JSON list of span ids not stored yet that have a usage candidate below (usageMarks.ts); NULL when none
) STRICT, WITHOUT ROWID;

-- Newest-first trace list and oldest-first eviction. In a WITHOUT ROWID table the index also
-- carries the primary key, so ORDER BY start_ns DESC, trace_id needs no sort step.
CREATE INDEX store.traces_by_start ON traces (start_ns DESC, trace_id);

-- Traces whose cost columns are being refreshed (usageRefresh.ts), newest first. Partial: empty
-- except after a price change or a migrated snapshot.
CREATE INDEX store.traces_usage_pending ON traces (start_ns DESC, trace_id) WHERE usage_pending > 0;

-- Traces by GenAI badge (filters model:, tool:, agent:, kind:, src/core/search): one row per
-- distinct (badge names, kind) of a trace's spans, written once per write transaction and trace
-- (writePath.ts through searchIndex.ts), deleted with the trace. genai_key = spans.genai / 2 =
-- name id * 16 + kind code (codec.ts packBadge, without the aggregate bit), plus the kind alone
-- (name id 0: codec.ts kindOnlyKey) for `kind:` without a name condition. A trace has a few rows
-- (its distinct model/tool/agent names), not one per span: a badge condition reads the rows of the
-- matching keys (primary key) instead of scanning spans (measured at 1M small spans, where every
-- span has a badge: an EXISTS over each trace's spans took 170-200 ms, and a partial index on
-- spans.genai cost +13% bytes and +18% ingest CPU).
CREATE TABLE store.trace_genai (
  genai_key INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  PRIMARY KEY (genai_key, trace_id)
) STRICT, WITHOUT ROWID;

-- Deleting a trace's rows, and "has any GenAI span" (cost>, tokens> narrow to such traces).
CREATE INDEX store.trace_genai_by_trace ON trace_genai (trace_id);

-- Error spans (status error or an exception event), for `error` together with a badge condition
-- (filterTraceIds.sql). Partial: only error spans are in it (2% of spans in the benchmark); the
-- status, exception and badge columns make it covering (without them each entry cost a lookup of
-- its span row: 3.4 ms for 2,048 entries).
CREATE INDEX store.spans_errors ON spans (trace_id, genai, status_code, has_exception)
WHERE status_code = 2 OR has_exception = 1;

-- Spans with an exception event but no error status: the only error spans that traces.error_count
-- (status only) does not count, so `error` alone is `error_count > 0` or a row here. Rare.
CREATE INDEX store.spans_exceptions ON spans (trace_id, status_code, has_exception)
WHERE has_exception = 1 AND status_code <> 2;

-- Traces of one session newest first (listSessionTraces.sql), a session's earliest trace
-- (sessionFirstTrace.sql, backwards), and listSessions.sql's GROUP BY session_id, which walks this
-- index in order: one pass over the traces that have a session, no sort for the grouping.
-- end_ns and error_count make it covering for listSessions (no table lookup per trace: 4x faster,
-- measured 16 vs 71 ms best-of-15 for 20k traces on the loaded 2-core VM). Partial: traces
-- without a session cost nothing here.
CREATE INDEX store.traces_by_session ON traces (session_id, start_ns DESC, trace_id, end_ns, error_count)
WHERE session_id IS NOT NULL;

-- OTLP log records. GenAI content (prompts, completions) arrives as log records correlated to
-- a span by (trace_id, span_id); uncorrelated records have NULL ids. `detail` holds body,
-- attributes and dropped count as JSON (codec.ts StoredLogDetail). Logs are not deduplicated:
-- OTLP log records carry no identity.
CREATE TABLE store.logs (
  id INTEGER PRIMARY KEY,              -- arrival order; oldest are evicted first
  trace_id TEXT,
  span_id TEXT,
  time_ns INTEGER NOT NULL,            -- 0 when unset (then observed_ns orders it)
  observed_ns INTEGER NOT NULL,
  severity_number INTEGER NOT NULL,
  severity_text TEXT NOT NULL,
  event_name TEXT NOT NULL,
  flags INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  detail TEXT NOT NULL
) STRICT;

-- spanDetail's logs, and deleting a trace's logs (prefix trace_id).
CREATE INDEX store.logs_by_span ON logs (trace_id, span_id, time_ns);

-- The store's dictionary of GenAI badge names (codec.ts badgeNamesKey; spans.genai refers to ids).
-- Kept in memory while running; written here only before a snapshot (TraceStore.exportSnapshot),
-- so a restored store can read its badges' names back.
CREATE TABLE store.genai_names (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL
) STRICT;

-- The full-text index lives in a database of its own (src/core/store/searchIndex.ts), so that its
-- size is measured exactly (page_count - freelist_count of `search`; sql.js has no dbstat) and
-- counted against maxMegabytes with the store's. It is not part of snapshots: after a restore,
-- every span is indexed again in the background.
ATTACH DATABASE ':memory:' AS search;

PRAGMA search.journal_mode = MEMORY;
PRAGMA search.synchronous = OFF;
PRAGMA search.page_size = 4096;

-- One row per indexed span: its document id in the full-text slots. A span without a row is not
-- indexed yet (IndexStatus.pendingSpans); a document whose row is gone (span evicted, deleted or
-- re-indexed) is never returned, and its postings go when its slot is reset. Document ids are
-- assigned by the index in increasing order and never reused.
CREATE TABLE search.search_docs (
  docid INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL
) STRICT;

-- A trace's documents (eviction, Find) and one span's document (is it indexed?).
CREATE UNIQUE INDEX search.search_docs_by_span ON search_docs (trace_id, span_id);

-- The full-text slots search.search_fts_0 … search_fts_3 (contentless FTS4) are created by
-- queries/resetSearchSlot0.sql … resetSearchSlot3.sql, which TraceStore.open runs after this file.
