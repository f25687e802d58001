-- Every council's latest grade for every standard judgement, with its document's file, for the council pages.
SELECT l.council_code, l.judgement, l.judgement_label, l.judgement_order, l.grade, l.grade_rank, l.date, l.framework,
       l.label, l.doc_id, l.page, l.previous_grade, l.previous_date, l.previous_label, l.change, l.n_judged,
       d.source_path, d.file_name, review_page(d.file_name, l.doc_id) AS review, l.judgement_no
FROM latest_grades l
JOIN council_documents d USING (doc_id)
ORDER BY l.council_code, l.judgement_order;
