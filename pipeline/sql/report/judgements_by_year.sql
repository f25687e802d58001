-- Judgements per year and grade rank (dated documents only), for the judgements-over-time chart.
SELECT year, grade_rank, sum(n_judgements) AS n
FROM judgements_over_time
WHERE year IS NOT NULL AND grade_rank IS NOT NULL
GROUP BY year, grade_rank
ORDER BY year, grade_rank;
