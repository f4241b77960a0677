-- Removes every row (SQLite's truncate optimization: no per-row work). The schema stays.
DELETE FROM store.span_details;
DELETE FROM store.spans;
DELETE FROM store.traces;
DELETE FROM store.logs;
DELETE FROM store.resources;
DELETE FROM store.scopes;
DELETE FROM store.genai_names;
