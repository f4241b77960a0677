-- A new deduplicated resource; the store assigns :id and keeps json -> id in memory.
INSERT INTO store.resources (id, service_name, json)
VALUES (:id, :service_name, :json)
