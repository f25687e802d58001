-- One row per council: every current authority of the reference table (153, inspected or not) and
-- any other authority the documents count for (a predecessor with two successors), with its reference
-- data, the predecessors whose documents count for it, its documents and where it stands now (its
-- latest overall effectiveness grade and the change from the one before).
CREATE OR REPLACE VIEW councils AS
WITH documented AS (
    -- the councils the documents count for, with their documents summed
    SELECT council_code,
           count(*) AS n_documents,
           count(*) FILTER (WHERE category = 'inspection') AS n_inspections,
           count(*) FILTER (WHERE category = 'focused_visit') AS n_focused_visits,
           count(*) FILTER (WHERE category = 'monitoring_visit') AS n_monitoring_visits,
           count(*) FILTER (WHERE category = 'send') AS n_send_inspections,
           sum(n_points)::BIGINT AS n_points,
           sum(n_priority_actions)::BIGINT AS n_priority_actions,
           min(date) AS first_date,
           max(date) AS last_date,
           arg_max(label, date) AS latest_document,
           arg_max(label, date) FILTER (WHERE category = 'inspection') AS latest_inspection,
           max(date) FILTER (WHERE category = 'inspection') AS latest_inspection_date
    FROM council_documents
    GROUP BY council_code
),
units AS (
    -- current authorities and any other council with documents
    SELECT a.*
    FROM local_authorities a
    WHERE a.status = 'current' OR a.ons_code IN (SELECT council_code FROM documented)
),
predecessors AS (
    -- the predecessors counted under each council
    SELECT council_code, list(authority ORDER BY authority) AS predecessors
    FROM la_units
    WHERE ons_code <> council_code
    GROUP BY council_code
),
overall AS (
    -- the latest overall effectiveness grade
    SELECT council_code, grade AS overall_grade, grade_rank AS overall_rank, date AS overall_date,
           label AS overall_document, doc_id AS overall_doc_id, previous_grade AS overall_previous_grade, change AS overall_change
    FROM latest_grades
    WHERE judgement = 'overall_effectiveness'
)
SELECT u.ons_code AS council_code, u.name AS council, u.la_code, u.region, u.la_type, u.status, u.urn,
       u.stat_neighbours, u.operators, coalesce(p.predecessors, []::VARCHAR[]) AS predecessors,
       coalesce(d.n_documents, 0) AS n_documents, coalesce(d.n_inspections, 0) AS n_inspections,
       coalesce(d.n_focused_visits, 0) AS n_focused_visits, coalesce(d.n_monitoring_visits, 0) AS n_monitoring_visits,
       coalesce(d.n_send_inspections, 0) AS n_send_inspections, coalesce(d.n_points, 0) AS n_points,
       coalesce(d.n_priority_actions, 0) AS n_priority_actions, d.first_date, d.last_date, d.latest_document,
       d.latest_inspection, d.latest_inspection_date,
       o.overall_grade, o.overall_rank, o.overall_date, o.overall_document, o.overall_doc_id, o.overall_previous_grade,
       o.overall_change
FROM units u
LEFT JOIN documented d ON d.council_code = u.ons_code
LEFT JOIN predecessors p ON p.council_code = u.ons_code
LEFT JOIN overall o ON o.council_code = u.ons_code;
