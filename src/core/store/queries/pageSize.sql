-- Bytes per page of the store database (set in schema.sql).
PRAGMA store.page_size
