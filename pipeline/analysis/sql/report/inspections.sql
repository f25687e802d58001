-- Every graded inspection of a council with its overall effectiveness change: the rows behind the
-- grade-distribution and region charts.
WITH overall AS (
    -- the overall grade's change from the council's previous one
    SELECT doc_id, change AS overall_change, previous_grade AS overall_previous
    FROM council_grades
    WHERE judgement = 'overall_effectiveness'
)
SELECT t.council_code, t.council, t.region, t.year, t.date, t.framework, t.kind_label, t.label, t.doc_id,
       t.source_path, t.overall_effectiveness, g.grade_rank AS overall_rank, o.overall_change, o.overall_previous,
       t.leaders, t.help_and_protection, t.children_in_care, t.care_leavers, t.adoption, t.lscb, t.file_name,
       review_page(t.file_name, t.doc_id) AS review
FROM council_timeline t
LEFT JOIN overall o USING (doc_id)
LEFT JOIN grade_scale g ON g.grade = t.overall_effectiveness
WHERE t.n_grades > 0
ORDER BY t.date DESC, t.council;
