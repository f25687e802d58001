-- description: Councils whose grade for a judgement fell or rose between one inspection and the next, newest first: from which grade to which, when, and the two inspections.
-- param: change (text, default '%'): declined, improved, or '%' for both
-- param: judgement (text, default 'overall_effectiveness'): standard judgement, or '%' for all
-- param: region (text, default '%'): region, an ILIKE pattern
-- param: since (date, default '1900-01-01'): only changes found at inspections on or after this date
SELECT council, region, judgement, change, previous_grade, grade, previous_date, date, previous_label AS previous_document,
       label AS document
FROM council_grades
WHERE change IN ('improved', 'declined') AND change ILIKE $change AND judgement ILIKE $judgement
  AND region ILIKE $region AND date >= $since
ORDER BY date DESC, council, judgement_order;
