-- Every stored scope, to rebuild the store's deduplication map after a snapshot is restored.
SELECT id, json FROM store.scopes ORDER BY id
