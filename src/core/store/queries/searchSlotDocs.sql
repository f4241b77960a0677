-- Live documents of one slot (docids :first…:last), to move them into the current slot before the
-- old one is reset (searchIndex.ts compaction).
SELECT docid, trace_id, span_id
FROM search.search_docs
WHERE docid BETWEEN :first AND :last
LIMIT :limit
