-- A re-sent span replaces the stored detail JSON.
UPDATE store.span_details
SET detail = :detail
WHERE id = :id
