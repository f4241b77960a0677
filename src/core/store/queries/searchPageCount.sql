-- Pages of the full-text index database (including free ones).
PRAGMA search.page_count
