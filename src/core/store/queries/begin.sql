-- Starts a write transaction (one per write slice).
BEGIN
