-- One document of full-text slot 0: a span's text (searchText.ts) under its docid (search_docs).
-- :body arrives as UTF-8 bytes (see insertSpanDetail.sql).
INSERT INTO search.search_fts_0 (docid, body)
VALUES (:docid, CAST(:body AS TEXT))
