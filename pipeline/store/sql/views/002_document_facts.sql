-- One row per document with the keys the analysis views group by: its date and year, its service
-- unit and its overall grade on the ordered scale. `date` here is when the document reports on: its
-- issue date where it prints one (letters, SIF reports), else the last day of the inspection (ILACS
-- and area SEND reports print only their inspection dates); `issue_date` is the printed one alone.
CREATE OR REPLACE VIEW document_facts AS
WITH source AS (
    -- the extracted metadata of every stored document
    SELECT doc_id, name, doc_type, title, coalesce(date, inspection_end) AS date, date AS issue_date, provider,
           service_area, overall_grade, overall_kind, n_areas, n_recommendations, n_judgements, page_count, source_path
    FROM documents
),
units AS (
    -- the service unit: 'provider: service area', or the provider alone when the document names no
    -- service area (a local authority is its own unit); year of the document's date
    SELECT *,
           year(date) AS year,
           CASE WHEN service_area IS NULL THEN provider ELSE provider || ': ' || service_area END AS service_unit
    FROM source
),
graded AS (
    -- the overall grade's rank (1 best .. 4 worst), NULL when the document states none
    SELECT u.*, g.grade_rank AS overall_rank
    FROM units u
    LEFT JOIN grade_scale g ON g.grade = u.overall_grade
)
SELECT doc_id, name AS document, doc_type, title, date, issue_date, year, provider, service_area, service_unit,
       overall_grade, overall_kind, overall_rank, n_areas, n_recommendations, n_judgements, page_count, source_path
FROM graded;
