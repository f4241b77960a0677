-- A new deduplicated instrumentation scope; the store assigns :id and keeps json -> id in memory.
INSERT INTO store.scopes (id, json)
VALUES (:id, :json)
