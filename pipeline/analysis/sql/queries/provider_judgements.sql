-- description: Every graded judgement for a provider over time, with the document and page it was read from (and its review page: inspections review).
-- param: provider (text, default '%'): provider name, an ILIKE pattern
-- param: subject (text, default '%'): judgement subject, an ILIKE pattern (e.g. '%overall%')
SELECT d.date, d.service_unit AS service_area, j.subject, j.grade, g.grade_rank, j.is_overall,
       d.document, j.page, j.rule,
       review_page(d.document, d.doc_id) || '#j' || j.judgement_no AS review_page
FROM judgements j
JOIN document_facts d USING (doc_id)
LEFT JOIN grade_scale g ON g.grade = j.grade
WHERE coalesce(d.provider, '') ILIKE $provider AND j.subject ILIKE $subject
ORDER BY d.date NULLS LAST, d.service_unit, d.document, j.judgement_no;
