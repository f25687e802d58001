-- Every document, named by council, kind and date where it is a council's (else by provider, type and
-- date, else its file name), with its file, for the report's documents table.
SELECT f.doc_id,
       coalesce(c.label,
                CASE WHEN f.provider IS NOT NULL
                     THEN concat_ws(' ', f.provider, replace(f.doc_type, '_', ' '), strftime(f.date, '%-d %b %Y')) END,
                f.document) AS label,
       f.document AS file_name, c.council, c.council_code, coalesce(c.kind_label, replace(f.doc_type, '_', ' ')) AS kind,
       coalesce(c.date, f.date) AS date, f.provider, f.service_area, f.page_count, f.source_path,
       review_page(f.document, f.doc_id) AS review
FROM document_facts f
LEFT JOIN council_documents c USING (doc_id)
ORDER BY label, f.doc_id;
