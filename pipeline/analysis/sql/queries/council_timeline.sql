-- description: Each council's documents in date order: inspections with every judgement's grade, focused visits with what they looked at, monitoring visits, area SEND outcomes, LSCB reviews, with their improvement points counted.
-- param: council (text, default '%'): council name, an ILIKE pattern ('Oldham', 'North%')
-- param: region (text, default '%'): region, an ILIKE pattern ('London', 'North West')
-- param: category (text, default '%'): inspection, focused_visit, monitoring_visit, send, lscb, jtai, or '%' for all
SELECT council, region, event_no, date, inspection_start, inspection_end, issue_date, kind_label AS kind, label AS document,
       overall_effectiveness, leaders, help_and_protection, children_in_care, care_leavers, adoption, lscb,
       send_outcome, visit_focus, n_priority_actions, n_areas, n_recommendations, source_path
FROM council_timeline
WHERE council ILIKE $council AND region ILIKE $region AND category ILIKE $category
ORDER BY council, event_no;
