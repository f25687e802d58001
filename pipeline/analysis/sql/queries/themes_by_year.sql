-- description: What inspectors keep asking councils to fix, and whether it is changing: improvement points per national framework outcome and enabler (or evaluation-schedule theme) by year, in England and in each region, as counts and as a share of the year's themed points.
-- param: scheme (text, default 'national_framework'): national_framework (outcomes and enablers) or ces (the common evaluation schedule)
-- param: region (text, default '%'): 'England' for all regions together, a region, or '%' for both
-- param: source (text, default '%'): national framework themes from 'printed' tags only (Ofsted's own, since 2024), 'classifier' ones only, or '%' for both
WITH tagged AS (
    -- every point with each theme of the chosen scheme it carries
    SELECT p.doc_id, p.item_kind, p.item_no, p.year, p.region, t.theme
    FROM improvement_points p,
         unnest(CASE WHEN $scheme = 'ces' THEN p.ces_themes ELSE p.framework_themes END) AS t(theme)
    WHERE p.year IS NOT NULL AND ($scheme = 'ces' OR p.framework_source ILIKE $source)
),
counted AS (
    -- points per year, region (NULL: all regions) and theme
    SELECT year, region, theme, count(DISTINCT (doc_id, item_kind, item_no)) AS n_points
    FROM tagged
    GROUP BY GROUPING SETS ((year, theme), (year, region, theme))
),
themed AS (
    -- points with any theme of the scheme, per year and region (the share's denominator)
    SELECT year, region, count(DISTINCT (doc_id, item_kind, item_no)) AS n_themed
    FROM tagged
    GROUP BY GROUPING SETS ((year), (year, region))
),
labels AS (
    -- theme wording: the national framework's outcomes and enablers, the schedule's labels
    SELECT theme, theme_short || ': ' || theme_label AS theme_label FROM framework_themes
    UNION ALL
    SELECT theme, min(theme_label) FROM item_themes WHERE scheme = 'ces' GROUP BY theme
)
SELECT c.year, coalesce(c.region, 'England') AS region, c.theme, l.theme_label, c.n_points, t.n_themed,
       round(c.n_points / t.n_themed, 3) AS share
FROM counted c
JOIN themed t ON t.year = c.year AND t.region IS NOT DISTINCT FROM c.region
LEFT JOIN labels l ON l.theme = c.theme
WHERE coalesce(c.region, 'England') ILIKE $region
ORDER BY c.year, c.region NULLS FIRST, c.n_points DESC, c.theme;
