-- Each council's documents in date order, one row per document: inspections with every standard
-- judgement's grade side by side, focused visits with what they looked at, monitoring visits, area SEND
-- inspections with their outcome, LSCB reviews; with its improvement points counted.
CREATE OR REPLACE VIEW council_timeline AS
WITH grades AS (
    -- one column per standard judgement (judgement_areas), NULL where the document does not grade it
    SELECT doc_id,
           any_value(grade) FILTER (WHERE judgement = 'overall_effectiveness') AS overall_effectiveness,
           any_value(grade) FILTER (WHERE judgement = 'leaders') AS leaders,
           any_value(grade) FILTER (WHERE judgement = 'help_and_protection') AS help_and_protection,
           any_value(grade) FILTER (WHERE judgement = 'children_in_care') AS children_in_care,
           any_value(grade) FILTER (WHERE judgement = 'care_leavers') AS care_leavers,
           any_value(grade) FILTER (WHERE judgement = 'adoption') AS adoption,
           any_value(grade) FILTER (WHERE judgement = 'lscb') AS lscb,
           count(*) AS n_grades
    FROM council_judgements
    GROUP BY doc_id
),
ordered AS (
    -- the document's place in its council's timeline
    SELECT d.*,
           row_number() OVER (PARTITION BY d.council_code ORDER BY d.date, d.label, d.doc_id) AS event_no
    FROM council_documents d
)
SELECT o.council_code, o.council, o.region, o.event_no, o.date, o.year, o.inspection_start, o.inspection_end,
       o.issue_date, o.category, o.kind_label, o.framework, o.inspection_kind, o.label,
       g.overall_effectiveness, g.leaders, g.help_and_protection, g.children_in_care, g.care_leavers, g.adoption,
       g.lscb, coalesce(g.n_grades, 0) AS n_grades, o.send_outcome, o.visit_focus, o.visit_topics,
       o.n_priority_actions, o.n_areas, o.n_recommendations, o.n_points, o.lead_inspector, o.authority,
       o.predecessor, o.operator, o.doc_id, o.source_path, o.file_name, o.format, o.page_count
FROM ordered o
LEFT JOIN grades g USING (doc_id);
