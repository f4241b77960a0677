-- Rows of the deduplicated resources and scopes (TraceStore.internedCounts: diagnostics, tests).
SELECT (SELECT count(*) FROM store.resources) AS resource_rows,
       (SELECT count(*) FROM store.scopes) AS scope_rows
