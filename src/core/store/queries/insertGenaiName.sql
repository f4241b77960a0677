-- One entry of the GenAI badge name dictionary, written before a snapshot (ids are stable).
INSERT OR REPLACE INTO store.genai_names (id, key) VALUES (:id, :key)
