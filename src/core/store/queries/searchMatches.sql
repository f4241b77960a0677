-- Spans whose document matches an FTS4 query (:match, built by src/core/search/textTokens.ts from
-- folded tokens only), over the four full-text slots; documents without a search_docs row (span
-- gone or re-indexed) are dropped by the join. Optionally only in the traces of :traces (a JSON
-- array of trace ids, or NULL for all). Newest documents first, at most :limit rows.
-- CROSS JOIN keeps the full-text lookup first: with a plain join SQLite may walk search_docs and
-- run the full-text query once per row (measured 0.3-1 s for one trace instead of milliseconds).
SELECT d.docid, d.trace_id, d.span_id
FROM (
  SELECT docid FROM search.search_fts_0 WHERE search_fts_0 MATCH :match
  UNION ALL
  SELECT docid FROM search.search_fts_1 WHERE search_fts_1 MATCH :match
  UNION ALL
  SELECT docid FROM search.search_fts_2 WHERE search_fts_2 MATCH :match
  UNION ALL
  SELECT docid FROM search.search_fts_3 WHERE search_fts_3 MATCH :match
) AS m
CROSS JOIN search.search_docs AS d ON d.docid = m.docid
WHERE :traces IS NULL OR d.trace_id IN (SELECT value FROM json_each(:traces))
ORDER BY m.docid DESC
LIMIT :limit
