-- Removes every row (SQLite's truncate optimization: no per-row work). The schema stays. The
-- full-text slots are reset by resetSearchSlot0-3.sql (contentless FTS4 cannot be emptied by DELETE).
DELETE FROM store.span_details;
DELETE FROM store.spans;
DELETE FROM store.traces;
DELETE FROM store.logs;
DELETE FROM store.resources;
DELETE FROM store.scopes;
DELETE FROM store.genai_names;
DELETE FROM store.trace_genai;
DELETE FROM store.trace_usage;
DELETE FROM search.search_docs;
