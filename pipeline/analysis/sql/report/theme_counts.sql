-- Improvement points per theme of each scheme (national_framework; national_framework_printed, Ofsted's own
-- tags alone; ces) by year and region, the points with any theme of the scheme (the share's
-- denominator: theme '*') and all points (scheme 'all'), for the themes figures.
WITH tagged AS (
    -- every point with each theme it carries, in both schemes
    SELECT p.doc_id, p.item_kind, p.item_no, p.year, p.region, 'national_framework' AS scheme, t.theme
    FROM improvement_points p, unnest(p.framework_themes) AS t(theme)
    UNION ALL
    -- the same, for the themes Ofsted printed itself (since 2024) only
    SELECT p.doc_id, p.item_kind, p.item_no, p.year, p.region, 'national_framework_printed', t.theme
    FROM improvement_points p, unnest(p.framework_themes) AS t(theme)
    WHERE p.framework_source = 'printed'
    UNION ALL
    SELECT p.doc_id, p.item_kind, p.item_no, p.year, p.region, 'ces', t.theme
    FROM improvement_points p, unnest(p.ces_themes) AS t(theme)
),
counted AS (
    -- points per scheme, theme, year and region
    SELECT scheme, theme, year, region, count(DISTINCT (doc_id, item_kind, item_no)) AS n
    FROM tagged
    GROUP BY scheme, theme, year, region
),
themed AS (
    -- points with any theme of the scheme, per year and region
    SELECT scheme, '*' AS theme, year, region, count(DISTINCT (doc_id, item_kind, item_no)) AS n
    FROM tagged
    GROUP BY scheme, year, region
),
totals AS (
    -- every point, themed or not, per year and region
    SELECT 'all' AS scheme, '*' AS theme, year, region, count(*) AS n
    FROM improvement_points
    GROUP BY year, region
)
SELECT * FROM counted
UNION ALL SELECT * FROM themed
UNION ALL SELECT * FROM totals
ORDER BY scheme, theme, year, region;
