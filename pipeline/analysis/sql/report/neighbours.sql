-- Every council's statistical neighbours with their latest grades, for the council pages.
SELECT n.*, g.leaders, g.help_and_protection, g.children_in_care, g.care_leavers
FROM stat_neighbours n
LEFT JOIN latest_grades_wide g ON g.council_code = n.neighbour_code
WHERE n.council_code IN (SELECT council_code FROM council_documents)
ORDER BY n.council_code, n.rank;
