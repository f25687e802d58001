-- description: Each region's councils by their latest grade for a judgement (overall effectiveness by default): how many are outstanding, good, requires improvement or inadequate, the share good or better, and how many improved or declined at their latest inspection.
-- param: judgement (text, default 'overall_effectiveness'): standard judgement
WITH regional AS (
    -- every council of each region (inspected or not) with its latest grade for the judgement
    SELECT c.region, c.council_code, l.grade_rank, l.change
    FROM councils c
    LEFT JOIN latest_grades l ON l.council_code = c.council_code AND l.judgement = $judgement
    WHERE c.status = 'current'
)
SELECT region,
       count(*) AS n_councils,
       count(grade_rank) AS n_graded,
       count(*) FILTER (WHERE grade_rank = 1) AS n_outstanding,
       count(*) FILTER (WHERE grade_rank = 2) AS n_good,
       count(*) FILTER (WHERE grade_rank = 3) AS n_requires_improvement,
       count(*) FILTER (WHERE grade_rank = 4) AS n_inadequate,
       round(count(*) FILTER (WHERE grade_rank <= 2) / nullif(count(grade_rank), 0), 3) AS share_good_or_better,
       count(*) FILTER (WHERE change = 'improved') AS n_improved,
       count(*) FILTER (WHERE change = 'declined') AS n_declined
FROM regional
GROUP BY region
ORDER BY region;
