-- Themes of the common evaluation schedule by how many documents they recur in, for the theme chart and table.
SELECT theme, theme_label, n_documents, n_service_areas, n_years, first_year, last_year, n_areas,
       n_recommendations, n_areas_judged, n_inadequate, share_inadequate
FROM theme_recurrence
WHERE scheme = 'ces'
ORDER BY n_documents DESC, n_service_areas DESC, theme;
