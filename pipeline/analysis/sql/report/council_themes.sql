-- Improvement points per council and theme in each scheme (and '*': the council's themed points), for
-- the council pages' comparison with statistical neighbours.
WITH tagged AS (
    -- every point with each theme it carries, in both schemes
    SELECT p.council_code, p.doc_id, p.item_kind, p.item_no, 'national_framework' AS scheme, t.theme
    FROM improvement_points p, unnest(p.framework_themes) AS t(theme)
    UNION ALL
    SELECT p.council_code, p.doc_id, p.item_kind, p.item_no, 'ces', t.theme
    FROM improvement_points p, unnest(p.ces_themes) AS t(theme)
)
SELECT council_code, scheme, theme, count(DISTINCT (doc_id, item_kind, item_no)) AS n
FROM tagged
GROUP BY council_code, scheme, theme
UNION ALL
SELECT council_code, scheme, '*', count(DISTINCT (doc_id, item_kind, item_no))
FROM tagged
GROUP BY council_code, scheme
ORDER BY council_code, scheme, theme;
