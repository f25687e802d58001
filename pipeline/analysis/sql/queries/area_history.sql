-- description: Follow areas across visits: each followed area's steps with date, document, page, judgement and wording similarity.
-- param: provider (text, default '%'): provider name, an ILIKE pattern
-- param: text (text, default '%'): words of the area, an ILIKE pattern (e.g. '%safeguarding%')
WITH chosen AS (
    -- chains with at least one step whose wording matches
    SELECT DISTINCT root_doc_id, root_area_no
    FROM area_history
    WHERE text ILIKE $text AND coalesce(provider, '') ILIKE $provider
)
SELECT h.service_unit AS service_area, h.root_area_no AS first_area_no, h.step, h.date, h.document, h.page,
       h.area_no, h.judgement, h.similarity, h.text,
       review_page(h.document, h.doc_id) || '#a' || h.area_no AS review_page
FROM area_history h
JOIN chosen USING (root_doc_id, root_area_no)
ORDER BY h.service_unit, h.root_doc_id, h.root_area_no, h.step, h.document;
