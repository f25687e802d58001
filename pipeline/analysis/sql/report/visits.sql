-- Every focused (and assurance) visit of a council: what it looked at and what it flagged.
SELECT council_code, council, region, year, date, label, doc_id, kind_label, visit_focus,
       coalesce(visit_topics, []::VARCHAR[]) AS visit_topics, n_priority_actions, n_areas, source_path, file_name,
       review_page(file_name, doc_id) AS review
FROM council_documents
WHERE category = 'focused_visit'
ORDER BY date DESC, council;
