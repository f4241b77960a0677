-- A re-sent span replaces the stored detail JSON (UTF-8 bytes, as in insertSpanDetail.sql).
UPDATE store.span_details
SET detail = CAST(:detail AS TEXT)
WHERE id = :id
