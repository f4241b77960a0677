-- The detail JSON of a newly inserted span; :id is the span's detail_id (increasing).
INSERT INTO store.span_details (id, detail)
VALUES (:id, :detail)
