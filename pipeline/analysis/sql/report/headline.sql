-- The report's headline figures: one row (documents, councils, their latest overall grades, items).
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
),
councils AS (
    -- councils with documents, and where they stand (latest overall effectiveness grade and its change)
    SELECT count(*) FILTER (WHERE n_documents > 0) AS n_councils,
           count(*) FILTER (WHERE status = 'current') AS n_councils_all,
           count(overall_grade) AS n_councils_graded,
           count(*) FILTER (WHERE overall_rank = 1) AS n_outstanding,
           count(*) FILTER (WHERE overall_rank = 2) AS n_good,
           count(*) FILTER (WHERE overall_rank = 3) AS n_requires_improvement,
           count(*) FILTER (WHERE overall_rank = 4) AS n_inadequate,
           count(*) FILTER (WHERE overall_change = 'improved') AS n_improved,
           count(*) FILTER (WHERE overall_change = 'declined') AS n_declined
    FROM councils
),
council_items AS (
    -- council documents and their improvement points
    SELECT (SELECT count(*) FROM council_documents) AS n_council_documents,
           (SELECT count(*) FROM council_documents WHERE category = 'inspection') AS n_inspections,
           (SELECT count(*) FROM council_documents WHERE category = 'focused_visit') AS n_focused_visits,
           (SELECT count(*) FROM improvement_points) AS n_points,
           (SELECT count(*) FROM improvement_points WHERE len(framework_themes) > 0) AS n_points_framework,
           (SELECT count(*) FROM improvement_points WHERE framework_source = 'printed') AS n_points_printed
)
SELECT * FROM docs, areas, others, councils, council_items;
