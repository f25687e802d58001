-- Every judgement the chart counts, with where it was read.
SELECT d.doc_id, d.document, j.page, d.year, j.subject, j.grade, j.rule,
       review_page(d.document, d.doc_id) || '#j' || j.judgement_no AS review
FROM judgements j
JOIN document_facts d USING (doc_id)
WHERE d.year IS NOT NULL
ORDER BY d.year, d.document, j.judgement_no;
