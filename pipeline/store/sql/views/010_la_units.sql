-- Every authority of the reference table (local_authorities) with the council its documents are
-- analysed under: itself, or for a predecessor with one successor that successor (Poole -> Bournemouth,
-- Christchurch and Poole; Somerset County Council -> Somerset). A predecessor with two successors
-- (Northamptonshire, Cumbria) stays a council of its own: its documents cannot be given to either.
CREATE OR REPLACE VIEW la_units AS
WITH authorities AS (
    -- the reference table as loaded from extractors/rules/local_authorities.json
    SELECT *
    FROM local_authorities
),
mapped AS (
    -- the ONS code of the council each authority's documents count for
    SELECT ons_code, name, status,
           CASE WHEN status = 'predecessor' AND len(successors) = 1 THEN successors[1] ELSE ons_code END AS council_code
    FROM authorities
)
SELECT m.ons_code, m.name AS authority, m.status AS authority_status,
       c.ons_code AS council_code, c.name AS council, c.la_code, c.region, c.la_type, c.status AS council_status
FROM mapped m
JOIN authorities c ON c.ons_code = m.council_code;
