-- Every tagged item behind the theme figures (the common evaluation schedule's), with its page and the terms that matched.
SELECT t.doc_id, d.document, coalesce(a.page, r.page) AS page, t.item_kind, t.item_no, t.theme_label,
       array_to_string(t.matched_terms, ', ') AS matched_terms, t.rule,
       review_page(d.document, d.doc_id) || '#' || CASE t.item_kind WHEN 'area' THEN 'a' ELSE 'r' END || t.item_no AS review
FROM item_themes t
JOIN document_facts d USING (doc_id)
LEFT JOIN areas_for_improvement a ON t.item_kind = 'area' AND a.doc_id = t.doc_id AND a.area_no = t.item_no
LEFT JOIN recommendations r ON t.item_kind = 'recommendation' AND r.doc_id = t.doc_id AND r.rec_no = t.item_no
WHERE t.scheme = 'ces'
ORDER BY t.theme, d.document, t.item_kind, t.item_no;
