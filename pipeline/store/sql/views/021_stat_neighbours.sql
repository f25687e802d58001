-- Each council beside its DfE statistical neighbours (the ten councils most like it, nearest first,
-- from the reference table), with each neighbour's latest overall effectiveness grade, its latest
-- inspection and its improvement points. rank 0 is the council itself, so one query shows the group.
CREATE OR REPLACE VIEW stat_neighbours AS
WITH pairs AS (
    -- the council itself (rank 0) and its neighbours in the reference table's order
    SELECT ons_code AS council_code, ons_code AS neighbour_code, 0 AS rank
    FROM local_authorities
    UNION ALL
    SELECT a.ons_code, n.code, n.rank
    FROM local_authorities a, unnest(a.stat_neighbours) WITH ORDINALITY AS n(code, rank)
)
SELECT p.council_code, c.council, p.rank, p.neighbour_code, n.council AS neighbour, n.region, n.la_type,
       n.n_documents, n.n_inspections, n.latest_inspection, n.latest_inspection_date, n.overall_grade, n.overall_rank,
       n.overall_date, n.overall_document, n.overall_change, n.n_points, n.n_priority_actions
FROM pairs p
JOIN councils c ON c.council_code = p.council_code
JOIN councils n ON n.council_code = p.neighbour_code;
