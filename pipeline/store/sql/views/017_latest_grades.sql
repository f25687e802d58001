-- Where each council stands now: its latest grade for each standard judgement, the inspection it
-- comes from, the grade before it and the change (improved / declined / unchanged / first), and how
-- many times it has been judged.
CREATE OR REPLACE VIEW latest_grades AS
WITH numbered AS (
    -- each council's grades for a judgement, newest first
    SELECT *,
           row_number() OVER (PARTITION BY council_code, judgement ORDER BY date DESC) AS recency,
           count(*) OVER (PARTITION BY council_code, judgement) AS n_judged
    FROM council_grades
)
SELECT council_code, council, region, judgement, judgement_label, judgement_order, date, year, framework, grade,
       grade_rank, label, doc_id, judgement_no, page, previous_date, previous_grade, previous_rank, previous_label, change, n_judged
FROM numbered
WHERE recency = 1;
