-- description: Grades for a judgement counted by year, by region, by framework and by year and region (column grouped_by says which): how many inspections were outstanding, good, requires improvement or inadequate; with latest_only, each council's latest grade only.
-- param: judgement (text, default 'overall_effectiveness'): standard judgement (overall_effectiveness, leaders, help_and_protection, children_in_care, care_leavers, adoption, lscb)
-- param: latest_only (boolean, default false): true counts only each council's latest grade
WITH chosen AS (
    -- the grades counted: every inspection's, or each council's latest
    SELECT g.council_code, g.region, g.framework, g.year, g.grade_rank
    FROM council_grades g
    WHERE g.judgement = $judgement
      AND (NOT $latest_only OR (g.council_code, g.date) IN (
          SELECT (l.council_code, l.date) FROM latest_grades l WHERE l.judgement = $judgement))
)
SELECT CASE
           WHEN grouping(year) = 0 AND grouping(region) = 0 THEN 'year and region'
           WHEN grouping(year) = 0 THEN 'year'
           WHEN grouping(region) = 0 THEN 'region'
           ELSE 'framework'
       END AS grouped_by,
       year, region, framework,
       count(*) FILTER (WHERE grade_rank = 1) AS n_outstanding,
       count(*) FILTER (WHERE grade_rank = 2) AS n_good,
       count(*) FILTER (WHERE grade_rank = 3) AS n_requires_improvement,
       count(*) FILTER (WHERE grade_rank = 4) AS n_inadequate,
       count(*) AS n_graded,
       count(DISTINCT council_code) AS n_councils,
       round(count(*) FILTER (WHERE grade_rank <= 2) / count(*), 3) AS share_good_or_better
FROM chosen
GROUP BY GROUPING SETS ((year), (region), (framework), (year, region))
ORDER BY grouped_by, year NULLS FIRST, region NULLS FIRST, framework NULLS FIRST;
