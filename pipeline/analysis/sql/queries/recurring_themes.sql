-- description: Themes that recur across documents, service areas and years, most widespread first, with the share of judged areas judged inadequate.
-- param: provider (text, default '%'): provider name, an ILIKE pattern ('%' for all)
-- param: min_documents (integer, default 2): leave out themes found in fewer documents
-- param: scheme (text, default '%'): 'ces' (the common evaluation schedule) or 'national_framework' (its outcomes and enablers), an ILIKE pattern ('%' for both)
WITH tagged AS (
    -- tagged areas and recommendations of the chosen providers and scheme, with an area's judgement
    SELECT t.scheme, t.theme, t.theme_label, t.item_kind, t.doc_id, d.service_unit, d.year, a.judgement
    FROM item_themes t
    JOIN document_facts d USING (doc_id)
    LEFT JOIN areas_for_improvement a ON t.item_kind = 'area' AND a.doc_id = t.doc_id AND a.area_no = t.item_no
    WHERE coalesce(d.provider, '') ILIKE $provider AND t.scheme ILIKE $scheme
)
SELECT scheme, theme, min(theme_label) AS theme_label,
       count(DISTINCT doc_id) AS n_documents,
       count(DISTINCT service_unit) AS n_service_areas,
       count(DISTINCT year) AS n_years,
       count(*) FILTER (WHERE item_kind = 'area') AS n_areas,
       count(*) FILTER (WHERE item_kind = 'recommendation') AS n_recommendations,
       round(count(*) FILTER (WHERE judgement = 'inadequate') / nullif(count(judgement), 0), 3) AS share_inadequate
FROM tagged
GROUP BY scheme, theme
HAVING count(DISTINCT doc_id) >= $min_documents
ORDER BY scheme, n_documents DESC, n_service_areas DESC, theme;
