-- The detail JSON of a newly inserted span; :id is the span's detail_id (increasing).
-- :detail arrives as UTF-8 bytes (a BLOB) and is stored as TEXT: sql.js copies a Uint8Array
-- into WASM memory with one native copy, but encodes a JS string with a per-character JS loop,
-- which cost ~12% of insert time for small spans and more for 10 KB prompts.
INSERT INTO store.span_details (id, detail)
VALUES (:id, CAST(:detail AS TEXT))
