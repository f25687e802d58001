-- description: What inspectors asked councils to fix: the areas for improvement, priority actions and recommendations of a council, a region or a span of years, with their national framework and evaluation-schedule themes and where each was read.
-- param: council (text, default '%'): council name, an ILIKE pattern
-- param: region (text, default '%'): region, an ILIKE pattern
-- param: year_from (integer, default 0): first year (of the inspection or visit)
-- param: year_to (integer, default 9999): last year
-- param: theme (text, default '%'): a national framework theme (outcome_1 .. outcome_4, enabler_1 .. enabler_3) or evaluation-schedule theme, an ILIKE pattern
-- param: kind (text, default '%'): area for improvement, priority action, recommendation (an ILIKE pattern)
-- param: text (text, default '%'): words of the point, an ILIKE pattern ('%supervision%')
SELECT council, region, year, label AS document, point_kind AS kind, item_ref AS ref, text, framework_theme_names,
       framework_source, framework_confidence, ces_theme_labels, page, source_path
FROM improvement_points
WHERE council ILIKE $council AND region ILIKE $region AND year BETWEEN $year_from AND $year_to
  AND point_kind ILIKE $kind AND text ILIKE $text
  AND ($theme = '%' OR EXISTS (SELECT 1 FROM unnest(framework_themes || ces_themes) AS u(t) WHERE u.t ILIKE $theme))
ORDER BY council, date, label, item_kind, item_no;
