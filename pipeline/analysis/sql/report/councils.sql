-- Every council (the 153 with children's services, and any other the documents count for) with where it
-- stands: its latest grade for each standard judgement and the change in overall effectiveness; the
-- national table, the map and the council pages.
SELECT c.*, g.leaders, g.help_and_protection, g.children_in_care, g.care_leavers
FROM councils c
LEFT JOIN latest_grades_wide g USING (council_code)
ORDER BY c.council;
