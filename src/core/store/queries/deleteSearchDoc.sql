-- A span's document is superseded (re-indexed) or moved: its postings stay in their slot, unreachable.
DELETE FROM search.search_docs
WHERE docid = :docid
