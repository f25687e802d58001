-- One row per service unit: visits, dates, latest overall grade and its change, areas and outcomes.
WITH visits AS (
    -- the unit's dated documents summed
    SELECT service_unit, count(DISTINCT date) AS n_visits, count(*) AS n_documents,
           min(date) AS first_date, max(date) AS last_date,
           sum(n_areas) AS n_areas, sum(n_areas_judged) AS n_areas_judged,
           sum(n_areas_inadequate) AS n_areas_inadequate,
           list(DISTINCT doc_id) AS doc_ids
    FROM service_area_timeline
    GROUP BY service_unit
),
latest AS (
    -- the unit's latest overall grade and how it compares with the previous one of its kind
    SELECT service_unit, arg_max(grade, date) AS latest_grade, arg_max(overall_kind, date) AS latest_kind,
           arg_max(change, date) AS change, arg_max(previous_grade, date) AS previous_grade
    FROM grade_changes
    GROUP BY service_unit
)
SELECT v.*, l.latest_grade, l.latest_kind, l.change, l.previous_grade
FROM visits v
LEFT JOIN latest l USING (service_unit)
ORDER BY v.service_unit;
