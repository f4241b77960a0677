-- The traces with a document matching an FTS4 query (searchMatches.sql explains the slots and the
-- join order), optionally only among :traces (JSON array, or NULL), at most :limit. Distinct in
-- SQL: a common word matches tens of thousands of documents but only the traces cross into JS
-- (measured over 51,200 agent spans: 8 ms for 1,024 traces vs 28 ms for 13,312 document rows).
SELECT DISTINCT d.trace_id
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
LIMIT :limit
