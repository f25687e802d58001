-- One row per document of a local authority, with the council it counts for (la_units: a predecessor
-- with one successor counts for the successor; the authority it names is kept), the council's
-- reference data, what kind of document it is, when it happened and a name people recognise
-- ("Oldham focused visit 21 Aug 2025"). `date` is the inspection's or visit's last day (every
-- inspection prints its dates; ILACS and area SEND reports print no issue date), else the issue date;
-- the name's date is the issue date where printed (as the documents' own file names are), else that day.
CREATE OR REPLACE VIEW council_documents AS
WITH docs AS (
    -- documents whose provider resolved to an authority of the reference table
    SELECT doc_id, name AS file_name, source_path, format, page_count, doc_type, title, provider,
           la_name AS authority, ons_code, provider_as_printed, predecessor, operator, framework, inspection_kind,
           date AS issue_date, inspection_start, inspection_end, lead_inspector, visit_focus, visit_topics,
           send_outcome, overall_grade, n_areas, n_recommendations, n_judgements
    FROM documents
    WHERE ons_code IS NOT NULL
),
councils AS (
    -- the council each counts for, with its DfE number, region and type
    SELECT d.*, u.council_code, u.council, u.la_code, u.region, u.la_type
    FROM docs d
    JOIN la_units u ON u.ons_code = d.ons_code
),
kinds AS (
    -- the document's kind in words and its category: the framework's row for its inspection kind,
    -- else the framework's '*' row, else its document type
    SELECT c.*,
           coalesce(k.kind_label, f.kind_label, replace(c.doc_type, '_', ' ')) AS kind_label,
           coalesce(k.category, f.category, 'other') AS category
    FROM councils c
    LEFT JOIN document_kinds k ON k.framework = c.framework AND k.inspection_kind = c.inspection_kind
    LEFT JOIN document_kinds f ON f.framework = c.framework AND f.inspection_kind = '*'
),
priority AS (
    -- each document's priority actions (areas of kind priority_action)
    SELECT doc_id, count(*) AS n_priority_actions
    FROM areas_for_improvement
    WHERE kind = 'priority_action'
    GROUP BY doc_id
),
dated AS (
    -- when it happened, its year and the name it is shown under
    SELECT k.*,
           coalesce(k.inspection_end, k.issue_date) AS date,
           year(coalesce(k.inspection_end, k.issue_date)) AS year,
           k.council || ' ' || k.kind_label
               || coalesce(' ' || strftime(coalesce(k.issue_date, k.inspection_end), '%-d %b %Y'), '') AS label,
           coalesce(p.n_priority_actions, 0) AS n_priority_actions
    FROM kinds k
    LEFT JOIN priority p USING (doc_id)
)
SELECT doc_id, label, council_code, council, la_code, region, la_type, authority, ons_code, predecessor, operator,
       provider_as_printed, category, kind_label, framework, inspection_kind, doc_type, title, date, year, issue_date,
       inspection_start, inspection_end, lead_inspector, overall_grade, send_outcome, visit_focus, visit_topics,
       n_priority_actions, n_areas, n_recommendations, n_areas + n_recommendations AS n_points, n_judgements,
       file_name, source_path, format, page_count
FROM dated;
