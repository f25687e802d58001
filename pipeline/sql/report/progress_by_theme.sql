-- Judged areas per theme and judgement rank, for the progress-by-theme chart.
SELECT theme_label, judgement_rank AS grade_rank, count(*) AS n
FROM area_details, unnest(theme_labels) AS t(theme_label)
WHERE judgement_rank IS NOT NULL
GROUP BY theme_label, judgement_rank
ORDER BY theme_label, judgement_rank;
