-- Every stored resource, to rebuild the store's deduplication map after a snapshot is restored.
SELECT id, service_name, json FROM store.resources ORDER BY id
