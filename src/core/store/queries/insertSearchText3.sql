-- One document of full-text slot 3: a span's text (searchText.ts) under its docid (search_docs).
-- :body arrives as UTF-8 bytes (see insertSpanDetail.sql).
INSERT INTO search.search_fts_3 (docid, body)
VALUES (:docid, CAST(:body AS TEXT))
