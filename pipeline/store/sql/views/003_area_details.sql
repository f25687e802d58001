-- One row per area for improvement with everything a reader needs beside it: its document,
-- provider, service area, date and year, timescale, progress judgement (and its rank), RAG status
-- and themes (the common evaluation schedule's, and the national framework's outcomes and enablers),
-- plus its provenance (page, rule, confidence).
CREATE OR REPLACE VIEW area_details AS
WITH areas AS (
    -- every stored area with its provenance
    SELECT doc_id, area_no, area_ref, text, timescale, judgement, rag, page, rule, confidence
    FROM areas_for_improvement
),
themes AS (
    -- the themes tagged on each area (item_themes rows of kind 'area'), as sorted lists per scheme
    SELECT doc_id, item_no AS area_no,
           list(theme ORDER BY theme) FILTER (WHERE scheme = 'ces') AS themes,
           list(theme_label ORDER BY theme) FILTER (WHERE scheme = 'ces') AS theme_labels,
           list(theme ORDER BY theme) FILTER (WHERE scheme = 'national_framework') AS framework_themes
    FROM item_themes
    WHERE item_kind = 'area'
    GROUP BY doc_id, item_no
),
joined AS (
    -- the area with its document's keys, its judgement's rank and its themes (empty list if none)
    SELECT a.doc_id, a.area_no, a.area_ref, d.document, d.doc_type, d.provider, d.service_area, d.service_unit,
           d.date, d.year, a.timescale, a.judgement, g.grade_rank AS judgement_rank, a.rag,
           coalesce(t.themes, []::VARCHAR[]) AS themes,
           coalesce(t.theme_labels, []::VARCHAR[]) AS theme_labels,
           coalesce(t.framework_themes, []::VARCHAR[]) AS framework_themes,
           a.text, a.page, a.rule, a.confidence
    FROM areas a
    JOIN document_facts d USING (doc_id)
    LEFT JOIN grade_scale g ON g.grade = a.judgement
    LEFT JOIN themes t USING (doc_id, area_no)
)
SELECT *
FROM joined;
