-- Every improvement point of a council document, for the points page and the council pages.
SELECT council_code, council, region, year, date, label, category, doc_id, item_kind, item_no, item_ref, point_kind,
       text, framework_themes, framework_theme_names, framework_source, framework_confidence, ces_themes,
       ces_theme_labels, page, source_path, format, file_name, review_page(file_name, doc_id) AS review
FROM improvement_points
ORDER BY council, date, label, item_kind, item_no;
