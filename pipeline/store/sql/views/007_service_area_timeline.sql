-- Per service unit, its dated documents in date order with their outcomes: overall grade (and
-- rank), number of areas and how their progress was judged. visit_no numbers the dates (renditions
-- of one document on the same date share a visit).
CREATE OR REPLACE VIEW service_area_timeline AS
WITH dated AS (
    -- documents that name a provider and carry a date
    SELECT *
    FROM document_facts
    WHERE provider IS NOT NULL AND date IS NOT NULL
),
area_outcomes AS (
    -- each document's areas counted by progress judgement
    SELECT doc_id,
           count(judgement) AS n_areas_judged,
           count(*) FILTER (WHERE judgement_rank <= 2) AS n_areas_good_or_better,
           count(*) FILTER (WHERE judgement = 'inadequate') AS n_areas_inadequate
    FROM area_details
    GROUP BY doc_id
),
ordered AS (
    -- the visit number of each document within its service unit
    SELECT d.service_unit, d.provider, d.service_area, d.date, d.year,
           dense_rank() OVER (PARTITION BY d.service_unit ORDER BY d.date) AS visit_no,
           d.doc_id, d.document, d.doc_type, d.overall_grade, d.overall_kind, d.overall_rank, d.n_areas,
           coalesce(o.n_areas_judged, 0) AS n_areas_judged,
           coalesce(o.n_areas_good_or_better, 0) AS n_areas_good_or_better,
           coalesce(o.n_areas_inadequate, 0) AS n_areas_inadequate
    FROM dated d
    LEFT JOIN area_outcomes o USING (doc_id)
)
SELECT *
FROM ordered;
