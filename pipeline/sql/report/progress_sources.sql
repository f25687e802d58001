-- Every judged area behind the progress-by-theme chart.
SELECT a.doc_id, a.document, a.page, a.area_no, a.judgement, array_to_string(a.theme_labels, '; ') AS themes, a.rule,
       review_page(a.document, a.doc_id) || '#a' || a.area_no AS review
FROM area_details a
WHERE a.judgement IS NOT NULL
ORDER BY a.document, a.area_no;
