-- A span is indexed under :docid (its text is in the current full-text slot).
INSERT INTO search.search_docs (docid, trace_id, span_id)
VALUES (:docid, :trace_id, :span_id)
