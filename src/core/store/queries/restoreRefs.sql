-- After a snapshot is restored: how many spans and log records use each (resource, scope) pair,
-- to rebuild the reference counts of the deduplication maps (run once, at start; full scans).
SELECT resource_id, scope_id, count(*) AS n
FROM (SELECT resource_id, scope_id FROM store.spans
      UNION ALL
      SELECT resource_id, scope_id FROM store.logs)
GROUP BY resource_id, scope_id
