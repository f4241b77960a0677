-- Log retention: the :limit oldest log records by arrival.
DELETE FROM store.logs
WHERE id IN (SELECT id FROM store.logs ORDER BY id LIMIT :limit)
