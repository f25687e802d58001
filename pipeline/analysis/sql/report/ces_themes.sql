-- The common evaluation schedule's themes with their labels, for the second scheme's figures.
SELECT theme, min(theme_label) AS theme_label, min(parent_theme) AS parent_theme
FROM item_themes
WHERE scheme = 'ces'
GROUP BY theme
ORDER BY theme;
