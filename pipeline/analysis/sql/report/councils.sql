-- Every council (the 153 with children's services, and any other the documents count for) with where it
-- stands: its latest grade for each standard judgement and the change in overall effectiveness; the
-- national table, the map and the council pages.
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
SELECT c.*, g.leaders, g.help_and_protection, g.children_in_care, g.care_leavers
FROM councils c
LEFT JOIN grades g USING (council_code)
ORDER BY c.council;
