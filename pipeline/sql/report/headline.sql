-- The report's headline figures: one row.
WITH docs AS (
    -- documents and their spread
    SELECT count(*) AS n_documents,
           count(DISTINCT provider) AS n_providers,
           count(DISTINCT service_unit) AS n_service_areas,
           min(date) AS first_date,
           max(date) AS last_date,
           count(*) FILTER (WHERE date IS NULL) AS n_undated
    FROM document_facts
),
areas AS (
    -- areas for improvement and how their progress was judged
    SELECT count(*) AS n_areas,
           count(judgement) AS n_areas_judged,
           count(*) FILTER (WHERE judgement = 'inadequate') AS n_areas_inadequate
    FROM area_details
),
others AS (
    -- judgements, recommendations, themes and lineage links
    SELECT (SELECT count(*) FROM judgements) AS n_judgements,
           (SELECT count(*) FROM recommendations) AS n_recommendations,
           (SELECT count(DISTINCT theme) FROM item_themes WHERE scheme = 'ces') AS n_themes,
           (SELECT count(*) FROM area_links) AS n_area_links
)
SELECT * FROM docs, areas, others;
