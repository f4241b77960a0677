-- The GenAI badge name dictionary of a restored snapshot.
SELECT id, key FROM store.genai_names ORDER BY id
