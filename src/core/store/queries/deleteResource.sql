-- A resource no span or log record uses any more (its reference count in Interning reached 0).
DELETE FROM store.resources
WHERE id = :id
