-- description: Focused visits (and assurance visits): what inspectors looked at (the visit's focus as printed and its topics), the areas for priority action they flagged and the areas for improvement.
-- param: council (text, default '%'): council name, an ILIKE pattern
-- param: region (text, default '%'): region, an ILIKE pattern
-- param: topic (text, default '%'): a visit topic (care leavers, front door, children in care, ...), an ILIKE pattern
SELECT council, region, date, label AS document, visit_topics, n_priority_actions, n_areas, visit_focus, source_path
FROM council_documents
WHERE category = 'focused_visit' AND council ILIKE $council AND region ILIKE $region
  AND ($topic = '%' OR EXISTS (SELECT 1 FROM unnest(visit_topics) AS u(t) WHERE u.t ILIKE $topic))
ORDER BY date DESC, council;
