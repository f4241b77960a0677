-- Free pages of the full-text index database: used bytes = (page_count - freelist_count) * page_size.
PRAGMA search.freelist_count
