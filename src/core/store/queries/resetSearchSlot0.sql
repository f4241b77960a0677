-- Creates full-text slot 0 empty (searchIndex.ts), dropping it first: contentless FTS4 tables
-- cannot delete rows, so a slot whose documents are all gone is reset whole. Run as a script.
-- unicode61 with remove_diacritics=2: case- and accent-insensitive words (src/core/search/textTokens.ts
-- mirrors it). Segments are merged in small steps by mergeSearchSlot0.sql (searchIndex.ts), not by
-- FTS4's automerge, whose merges of a whole level inside one commit measured 40-250 ms.
DROP TABLE IF EXISTS search.search_fts_0;
CREATE VIRTUAL TABLE search.search_fts_0 USING fts4(content="", body, tokenize=unicode61 "remove_diacritics=2");
