-- Overall effectiveness grades by year, region and grade rank (every graded inspection), for the
-- national and regional charts.
SELECT year, region, grade_rank, count(*) AS n
FROM council_grades
WHERE judgement = 'overall_effectiveness'
GROUP BY year, region, grade_rank
ORDER BY year, region, grade_rank;
