-- description: Areas whose progress was judged inadequate (or another grade), counted by theme and service area, with the documents they come from.
-- param: grade (text, default 'inadequate'): progress judgement to count (inadequate, requires_improvement, satisfactory, ...)
-- param: provider (text, default '%'): provider name, an ILIKE pattern
WITH judged AS (
    -- areas with the chosen judgement, one row per theme they carry ('(no theme)' when none)
    SELECT coalesce(theme, '(no theme)') AS theme, service_unit, document, page, year
    FROM area_details
    LEFT JOIN LATERAL unnest(CASE WHEN len(themes) = 0 THEN [NULL::VARCHAR] ELSE themes END) AS t(theme) ON true
    WHERE judgement = $grade AND coalesce(provider, '') ILIKE $provider
)
SELECT theme, service_unit AS service_area,
       count(*) AS n_areas,
       min(year) AS first_year,
       max(year) AS last_year,
       list(DISTINCT document || coalesce(' p.' || page, '') ORDER BY document || coalesce(' p.' || page, '')) AS sources
FROM judged
GROUP BY theme, service_unit
ORDER BY n_areas DESC, theme, service_area;
