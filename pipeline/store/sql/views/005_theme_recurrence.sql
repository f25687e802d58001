-- How widely each theme of each scheme (ces, national_framework) recurs: in how many items,
-- documents, service units and years it appears, and of the areas tagged with it that carry a
-- progress judgement, the share judged inadequate.
CREATE OR REPLACE VIEW theme_recurrence AS
WITH tagged AS (
    -- every tagged item (area or recommendation) with its document's unit and year, and for an
    -- area its progress judgement
    SELECT t.scheme, t.theme, t.theme_label, t.parent_theme, t.item_kind, t.doc_id, d.service_unit, d.year, a.judgement
    FROM item_themes t
    JOIN document_facts d USING (doc_id)
    LEFT JOIN areas_for_improvement a
        ON t.item_kind = 'area' AND a.doc_id = t.doc_id AND a.area_no = t.item_no
),
recurrence AS (
    -- one row per scheme and theme: counts of items and of the distinct places it recurs in
    SELECT scheme, theme,
           min(theme_label) AS theme_label,
           min(parent_theme) AS parent_theme,
           count(*) AS n_items,
           count(*) FILTER (WHERE item_kind = 'area') AS n_areas,
           count(*) FILTER (WHERE item_kind = 'recommendation') AS n_recommendations,
           count(DISTINCT doc_id) AS n_documents,
           count(DISTINCT service_unit) AS n_service_areas,
           count(DISTINCT year) AS n_years,
           min(year) AS first_year,
           max(year) AS last_year,
           count(judgement) AS n_areas_judged,
           count(*) FILTER (WHERE judgement = 'inadequate') AS n_inadequate
    FROM tagged
    GROUP BY scheme, theme
)
SELECT *,
       -- share of the judged areas judged inadequate; NULL when no area of the theme was judged
       round(n_inadequate / nullif(n_areas_judged, 0), 3) AS share_inadequate
FROM recurrence;
