-- What inspectors asked councils to fix: every area for improvement, area for priority action and
-- recommendation of a council document, with its council, region, year and document, its national
-- framework themes (the outcome or enabler Ofsted printed after it, else the classifier's; where they
-- came from) and its common evaluation schedule themes, and where it was read (page and span in the
-- stored text).
CREATE OR REPLACE VIEW improvement_points AS
WITH points AS (
    -- areas (and priority actions) and recommendations as one list of items
    SELECT doc_id, 'area' AS item_kind, area_no AS item_no, area_ref AS item_ref,
           CASE WHEN kind = 'priority_action' THEN 'priority action' ELSE 'area for improvement' END AS point_kind,
           text, timescale, judgement, responsible_body, framework_tag, page, char_start, char_end, rule, confidence
    FROM areas_for_improvement
    UNION ALL
    SELECT doc_id, 'recommendation', rec_no, rec_ref, 'recommendation', text, NULL, NULL, NULL, framework_tag, page,
           char_start, char_end, rule, confidence
    FROM recommendations
),
framework_tagged AS (
    -- national framework themes (item_themes, scheme national_framework): the outcome or enabler Ofsted
    -- printed after the point (framework_tag; rule national_framework.printed_tag), else the classifier's
    -- class with its probability; where they came from, and the confidence
    SELECT i.doc_id, i.item_kind, i.item_no,
           list(t.theme ORDER BY t.theme_order) AS framework_themes,
           list(t.theme_short ORDER BY t.theme_order) AS framework_theme_names,
           CASE WHEN bool_and(i.rule = 'national_framework.printed_tag') THEN 'printed' ELSE 'classifier' END
               AS framework_source,
           min(i.confidence) AS framework_confidence
    FROM item_themes i
    JOIN framework_themes t USING (theme)
    WHERE i.scheme = 'national_framework'
    GROUP BY i.doc_id, i.item_kind, i.item_no
),
schedule_tagged AS (
    -- themes of the common evaluation schedule (scheme ces: the rule lexicon), as sorted lists
    SELECT doc_id, item_kind, item_no,
           list(theme ORDER BY theme) AS ces_themes,
           list(theme_label ORDER BY theme) AS ces_theme_labels
    FROM item_themes
    WHERE scheme = 'ces'
    GROUP BY doc_id, item_kind, item_no
)
SELECT d.council_code, d.council, d.region, d.la_type, d.date, d.year, d.category, d.kind_label, d.framework,
       d.label, p.doc_id, p.item_kind, p.item_no, p.item_ref, p.point_kind, p.text, p.timescale, p.judgement,
       p.responsible_body, p.framework_tag,
       coalesce(f.framework_themes, []::VARCHAR[]) AS framework_themes,
       coalesce(f.framework_theme_names, []::VARCHAR[]) AS framework_theme_names, f.framework_source,
       f.framework_confidence,
       coalesce(s.ces_themes, []::VARCHAR[]) AS ces_themes,
       coalesce(s.ces_theme_labels, []::VARCHAR[]) AS ces_theme_labels,
       p.page, p.char_start, p.char_end, p.rule, p.confidence, d.source_path, d.file_name, d.format
FROM points p
JOIN council_documents d USING (doc_id)
LEFT JOIN framework_tagged f USING (doc_id, item_kind, item_no)
LEFT JOIN schedule_tagged s USING (doc_id, item_kind, item_no);
