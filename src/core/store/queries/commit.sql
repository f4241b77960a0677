-- Ends a write transaction.
COMMIT
