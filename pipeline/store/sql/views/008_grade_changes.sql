-- Improved / declined since the previous visit, per service unit: each overall grade compared
-- with the previous overall grade of the same kind (effectiveness with effectiveness, progress
-- with progress) on the ordered scale. change is 'first' where there is no earlier one.
CREATE OR REPLACE VIEW grade_changes AS
WITH graded AS (
    -- one overall grade per service unit, kind and date: renditions of one document collapse
    -- (where they disagree the worse grade is kept)
    SELECT service_unit, provider, service_area, overall_kind, date,
           max(overall_rank) AS grade_rank,
           arg_max(overall_grade, overall_rank) AS grade,
           list(DISTINCT document ORDER BY document) AS documents
    FROM service_area_timeline
    WHERE overall_rank IS NOT NULL
    GROUP BY service_unit, provider, service_area, overall_kind, date
),
compared AS (
    -- the previous grade of the same kind in the same unit
    SELECT *,
           lag(grade) OVER w AS previous_grade,
           lag(grade_rank) OVER w AS previous_rank,
           lag(date) OVER w AS previous_date
    FROM graded
    WINDOW w AS (PARTITION BY service_unit, overall_kind ORDER BY date)
)
SELECT service_unit, provider, service_area, overall_kind, date, grade, grade_rank,
       previous_date, previous_grade, previous_rank,
       CASE
           WHEN previous_rank IS NULL THEN 'first'
           WHEN grade_rank < previous_rank THEN 'improved'
           WHEN grade_rank > previous_rank THEN 'declined'
           ELSE 'unchanged'
       END AS change,
       documents
FROM compared;
