-- Every rise or fall in a council's overall effectiveness grade, the rows behind the movement table.
SELECT g.council_code, g.council, g.region, g.year, g.date, g.grade, g.grade_rank, g.previous_grade, g.previous_date,
       g.change, g.label, g.doc_id, g.previous_label, d.source_path, d.file_name,
       review_page(d.file_name, g.doc_id) AS review
FROM council_grades g
JOIN council_documents d USING (doc_id)
WHERE g.judgement = 'overall_effectiveness' AND g.change IN ('improved', 'declined')
ORDER BY g.date DESC, g.council;
