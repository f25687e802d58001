-- description: Where each council stands now: its latest grade for a judgement (overall effectiveness by default), from which inspection, the grade before it and whether it improved, declined or stayed the same.
-- param: judgement (text, default 'overall_effectiveness'): overall_effectiveness, leaders, help_and_protection, children_in_care, care_leavers, adoption, lscb, or '%' for all
-- param: council (text, default '%'): council name, an ILIKE pattern
-- param: region (text, default '%'): region, an ILIKE pattern
-- param: grade (text, default '%'): latest grade, an ILIKE pattern (inadequate, requires_improvement, good, outstanding)
-- param: change (text, default '%'): improved, declined, unchanged, first, or '%' for all
SELECT council, region, judgement, grade, date, label AS document, framework, previous_grade, previous_date, change,
       n_judged
FROM latest_grades
WHERE judgement ILIKE $judgement AND council ILIKE $council AND region ILIKE $region AND grade ILIKE $grade
  AND change ILIKE $change
ORDER BY judgement_order, grade_rank DESC, council;
