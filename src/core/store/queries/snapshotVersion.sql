-- The schema version of a snapshot about to be restored (schema.sql sets it on the store).
PRAGMA user_version
