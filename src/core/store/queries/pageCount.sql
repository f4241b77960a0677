-- Pages in the store database, including free ones (held memory = page_count * page_size).
PRAGMA store.page_count
