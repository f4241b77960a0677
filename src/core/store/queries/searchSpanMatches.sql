-- searchMatches.sql for spans that must also satisfy span-level conditions (src/core/search/plan.ts):
-- :error 1 = error status or an exception event; :genai_keys a JSON array of badge keys (genai / 2)
-- or NULL. Checked in SQL on each matching span (a primary-key lookup), not row by row in JS.
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
CROSS JOIN store.spans AS s ON s.trace_id = d.trace_id AND s.span_id = d.span_id
WHERE (:traces IS NULL OR d.trace_id IN (SELECT value FROM json_each(:traces)))
  AND (:error = 0 OR s.status_code = 2 OR s.has_exception = 1)
  AND (:genai_keys IS NULL OR s.genai / 2 IN (SELECT value FROM json_each(:genai_keys)))
ORDER BY m.docid DESC
LIMIT :limit
