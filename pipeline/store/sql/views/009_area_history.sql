-- One area followed across visits: every area in a chain of area_links, from the root (the area
-- first raised, which follows up nothing) through each later area that follows it up, with its
-- judgement at each step. Areas in no link are left out.
CREATE OR REPLACE VIEW area_history AS
WITH RECURSIVE chain AS (
    -- roots: areas followed up later that follow up nothing themselves
    SELECT a.doc_id AS root_doc_id, a.area_no AS root_area_no, a.doc_id, a.area_no, 0 AS step,
           NULL::DOUBLE AS similarity
    FROM areas_for_improvement a
    WHERE EXISTS (SELECT 1 FROM area_links l WHERE l.prev_doc_id = a.doc_id AND l.prev_area_no = a.area_no)
      AND NOT EXISTS (SELECT 1 FROM area_links l WHERE l.doc_id = a.doc_id AND l.area_no = a.area_no)
    UNION ALL
    -- each later area that follows up the previous step, one step further on
    SELECT c.root_doc_id, c.root_area_no, l.doc_id, l.area_no, c.step + 1, l.similarity
    FROM chain c
    JOIN area_links l ON l.prev_doc_id = c.doc_id AND l.prev_area_no = c.area_no
),
detailed AS (
    -- each step with its area's document, date, judgement and text
    SELECT c.root_doc_id, c.root_area_no, c.step, c.similarity,
           a.doc_id, a.area_no, a.document, a.provider, a.service_area, a.service_unit, a.date, a.year,
           a.timescale, a.judgement, a.judgement_rank, a.rag, a.themes, a.text, a.page
    FROM chain c
    JOIN area_details a USING (doc_id, area_no)
)
SELECT *
FROM detailed;
