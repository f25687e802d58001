-- Every council's statistical neighbours with their latest grades, for the council pages.
WITH grades AS (
    -- latest grade per judgement, one column each
    SELECT council_code,
           any_value(grade) FILTER (WHERE judgement = 'leaders') AS leaders,
           any_value(grade) FILTER (WHERE judgement = 'help_and_protection') AS help_and_protection,
           any_value(grade) FILTER (WHERE judgement = 'children_in_care') AS children_in_care,
           any_value(grade) FILTER (WHERE judgement = 'care_leavers') AS care_leavers
    FROM latest_grades
    GROUP BY council_code
)
SELECT n.*, g.leaders, g.help_and_protection, g.children_in_care, g.care_leavers
FROM stat_neighbours n
LEFT JOIN grades g ON g.council_code = n.neighbour_code
WHERE n.council_code IN (SELECT council_code FROM council_documents)
ORDER BY n.council_code, n.rank;
