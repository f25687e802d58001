-- description: A council beside its ten DfE statistical neighbours (rank 0 is the council itself): each one's latest grade for every judgement, its latest inspection, and its improvement points.
-- param: council (text, default '%'): council name, an ILIKE pattern ('Oldham'; '%': every council and its neighbours)
WITH grades AS (
    -- each council's latest grade per judgement, one column each
    SELECT council_code,
           any_value(grade) FILTER (WHERE judgement = 'overall_effectiveness') AS overall_effectiveness,
           any_value(grade) FILTER (WHERE judgement = 'leaders') AS leaders,
           any_value(grade) FILTER (WHERE judgement = 'help_and_protection') AS help_and_protection,
           any_value(grade) FILTER (WHERE judgement = 'children_in_care') AS children_in_care,
           any_value(grade) FILTER (WHERE judgement = 'care_leavers') AS care_leavers
    FROM latest_grades
    GROUP BY council_code
)
SELECT n.council, n.rank, n.neighbour, n.region, n.la_type, n.overall_date, g.overall_effectiveness, n.overall_change,
       g.leaders, g.help_and_protection, g.children_in_care, g.care_leavers, n.latest_inspection, n.n_documents,
       n.n_points, n.n_priority_actions
FROM stat_neighbours n
LEFT JOIN grades g ON g.council_code = n.neighbour_code
WHERE n.council ILIKE $council
ORDER BY n.council, n.rank;
