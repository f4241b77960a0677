-- An instrumentation scope no span or log record uses any more (like deleteResource.sql).
DELETE FROM store.scopes
WHERE id = :id
