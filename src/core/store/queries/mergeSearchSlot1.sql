-- One step of merging full-text slot 1's segments (FTS4 'merge=X,Y': at most X pages written,
-- merging Y segments of one level; searchIndex.ts MERGE_COMMAND). Keeps every level below the 16
-- segments at which FTS4 would merge the whole level inside one commit.
INSERT INTO search.search_fts_1 (search_fts_1) VALUES (:command)
