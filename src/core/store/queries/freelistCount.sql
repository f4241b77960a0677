-- Free pages in the store database: freed by deletes, reused by later inserts. Retention uses
-- (page_count - freelist_count) * page_size, because page_count never shrinks.
PRAGMA store.freelist_count
