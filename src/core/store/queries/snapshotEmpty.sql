-- Makes an empty scratch database a valid one-page database file with the store's page size: the
-- image a snapshot's pre-sized scratch file starts from (TraceStore.exportSnapshot).
PRAGMA page_size = 4096;
PRAGMA user_version = 0;
