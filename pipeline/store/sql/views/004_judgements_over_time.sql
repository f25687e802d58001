-- Graded judgements counted by year, service unit, subject and grade: how judgements of each
-- subject moved over time. Documents without a date have year NULL.
CREATE OR REPLACE VIEW judgements_over_time AS
WITH graded AS (
    -- every judgement with its document's year and service unit and the grade's rank
    SELECT j.doc_id, j.subject, j.grade, j.is_overall, g.grade_rank,
           d.date, d.year, d.provider, d.service_area, d.service_unit
    FROM judgements j
    JOIN document_facts d USING (doc_id)
    LEFT JOIN grade_scale g ON g.grade = j.grade
),
counted AS (
    -- one row per year, service unit, subject and grade
    SELECT year, provider, service_area, service_unit, subject, grade, grade_rank,
           bool_or(is_overall) AS is_overall,
           count(*) AS n_judgements,
           count(DISTINCT doc_id) AS n_documents,
           min(date) AS first_date,
           max(date) AS last_date
    FROM graded
    GROUP BY year, provider, service_area, service_unit, subject, grade, grade_rank
)
SELECT *
FROM counted;
