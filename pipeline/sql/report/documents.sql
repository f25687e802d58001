-- Every document, for the report's sources table.
SELECT doc_id, document, doc_type, date, provider, service_area, page_count, source_path,
       review_page(document, doc_id) AS review
FROM document_facts
ORDER BY document, doc_id;
