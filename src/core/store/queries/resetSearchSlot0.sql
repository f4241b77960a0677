-- Creates full-text slot 0 empty (searchIndex.ts), dropping it first: contentless FTS4 tables
-- cannot delete rows, so a slot whose documents are all gone is reset whole. Run as a script.
-- unicode61 with remove_diacritics=2: case- and accent-insensitive words (src/core/search/textTokens.ts
-- mirrors it). automerge: segments are merged a little after each write transaction instead of in
-- one long merge when a level fills up.
DROP TABLE IF EXISTS search.search_fts_0;
CREATE VIRTUAL TABLE search.search_fts_0 USING fts4(content="", body, tokenize=unicode61 "remove_diacritics=2");
INSERT INTO search.search_fts_0 (search_fts_0) VALUES ('automerge=8');
