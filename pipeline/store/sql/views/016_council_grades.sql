-- Each council's grade for each standard judgement at each inspection, compared with its previous
-- grade for the same judgement: improved, declined, unchanged, or first (none before it). Renditions
-- of one inspection on one date count once (where they disagree, the worse grade is kept).
CREATE OR REPLACE VIEW council_grades AS
WITH per_inspection AS (
    -- one grade per council, judgement and date
    SELECT council_code, council, region, judgement, judgement_label, judgement_order, date,
           any_value(year) AS year,
           max(grade_rank) AS grade_rank,
           arg_max(grade, grade_rank) AS grade,
           arg_max(framework, grade_rank) AS framework,
           arg_max(label, grade_rank) AS label,
           arg_max(doc_id, grade_rank) AS doc_id,
           arg_max(page, grade_rank) AS page,
           arg_max(judgement_no, grade_rank) AS judgement_no
    FROM council_judgements
    WHERE grade_rank IS NOT NULL
    GROUP BY council_code, council, region, judgement, judgement_label, judgement_order, date
),
compared AS (
    -- the previous grade of the same judgement for the same council, and how many it had before
    SELECT *,
           lag(grade) OVER w AS previous_grade,
           lag(grade_rank) OVER w AS previous_rank,
           lag(date) OVER w AS previous_date,
           lag(label) OVER w AS previous_label,
           lag(doc_id) OVER w AS previous_doc_id,
           row_number() OVER w AS inspection_no
    FROM per_inspection
    WINDOW w AS (PARTITION BY council_code, judgement ORDER BY date)
)
SELECT council_code, council, region, judgement, judgement_label, judgement_order, date, year, framework, grade,
       grade_rank, label, doc_id, judgement_no, page, previous_date, previous_grade, previous_rank, previous_label, previous_doc_id,
       inspection_no,
       CASE
           WHEN previous_rank IS NULL THEN 'first'
           WHEN grade_rank < previous_rank THEN 'improved'
           WHEN grade_rank > previous_rank THEN 'declined'
           ELSE 'unchanged'
       END AS change
FROM compared;
