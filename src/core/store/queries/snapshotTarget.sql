-- Pragmas of the scratch database a snapshot is copied into (TraceStore.exportSnapshot): it is
-- exported once and discarded, so no journal and no syncs.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
