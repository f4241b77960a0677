-- Undoes a write transaction that failed part-way.
ROLLBACK
