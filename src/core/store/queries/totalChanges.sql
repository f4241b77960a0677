-- Rows changed since the connection opened: a full-text merge step did work when this grew by 2 or
-- more (the FTS4 documentation's test; sqlite3_changes() does not see the merge's own writes).
SELECT total_changes() AS total_changes
