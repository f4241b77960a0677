-- What a span's document is built from (searchText.ts): its name and detail JSON.
SELECT s.name, d.detail
FROM store.spans AS s
JOIN store.span_details AS d ON d.id = s.detail_id
WHERE s.trace_id = :trace_id AND s.span_id = :span_id
