-- Before deleteOldestLogs.sql with the same :limit (in the same transaction): the resources and
-- scopes of the log records it will delete, and how many records use each.
SELECT resource_id, scope_id, count(*) AS n
FROM (SELECT resource_id, scope_id FROM store.logs ORDER BY id LIMIT :limit)
GROUP BY resource_id, scope_id
