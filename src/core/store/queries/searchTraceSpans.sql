-- A trace's spans with their document id (NULL: not indexed yet): what the indexer has to index,
-- and which spans Find must scan directly. A primary-key range scan of the trace's spans, one
-- search_docs_by_span lookup each.
SELECT s.span_id, d.docid
FROM store.spans AS s
LEFT JOIN search.search_docs AS d ON d.trace_id = s.trace_id AND d.span_id = s.span_id
WHERE s.trace_id = :trace_id
