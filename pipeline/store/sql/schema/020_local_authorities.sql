-- The local-authority reference table shipped in extractors/rules/local_authorities.json (built by
-- scripts/build_la_table.py from DfE and ONS reference data), one row per authority with children's
-- services and per predecessor of a reorganised one. Reloaded whole by every schema application
-- (pipeline/reference.py gives the rows; the JSON is part of the schema digest, so a changed table
-- reloads). Documents join on ons_code; view la_units maps a predecessor to its one successor.
CREATE TABLE IF NOT EXISTS local_authorities (
    ons_code        VARCHAR PRIMARY KEY,  -- ONS code (E06/E08/E09/E10...)
    name            VARCHAR NOT NULL,     -- canonical short name ('Oldham', 'Bournemouth, Christchurch and Poole')
    la_code         VARCHAR,              -- DfE LA number ('353'); NULL for a district that never ran children's services
    region          VARCHAR NOT NULL,     -- English region
    la_type         VARCHAR NOT NULL,     -- County | Unitary Authority | Metropolitan District | London Borough | ...
    urn             VARCHAR,              -- Ofsted URN of its children's services
    status          VARCHAR NOT NULL,     -- current | predecessor
    successors      VARCHAR[] NOT NULL,   -- a predecessor's successors' ONS codes (empty for a current authority)
    until           DATE,                 -- the day a predecessor ended
    stat_neighbours VARCHAR[] NOT NULL,   -- DfE statistical neighbours as ONS codes, nearest first
    names           VARCHAR[] NOT NULL,   -- names it is printed under
    operators       VARCHAR[] NOT NULL    -- trusts or companies that run (or ran) its children's services
);
