-- Each council's latest grade for the four judgements besides overall effectiveness, one column each:
-- what the report's council table and statistical-neighbour tables show side by side.
CREATE OR REPLACE VIEW latest_grades_wide AS
WITH wide AS (
    -- latest grade per judgement (latest_grades), pivoted to one row per council
    SELECT council_code,
           any_value(grade) FILTER (WHERE judgement = 'leaders') AS leaders,
           any_value(grade) FILTER (WHERE judgement = 'help_and_protection') AS help_and_protection,
           any_value(grade) FILTER (WHERE judgement = 'children_in_care') AS children_in_care,
           any_value(grade) FILTER (WHERE judgement = 'care_leavers') AS care_leavers
    FROM latest_grades
    GROUP BY council_code
)
SELECT council_code, leaders, help_and_protection, children_in_care, care_leavers
FROM wide;
