-- Every council document in its council's timeline, with its grades side by side, for the council pages.
SELECT *, review_page(file_name, doc_id) AS review
FROM council_timeline
ORDER BY council_code, event_no;
