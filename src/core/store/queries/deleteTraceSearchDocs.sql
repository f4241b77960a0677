-- Step 5 of deleting a trace: its spans' documents (search_docs_by_span prefix). RETURNING the
-- docids so the index knows which slots lost documents.
DELETE FROM search.search_docs
WHERE trace_id = :trace_id
RETURNING docid
