-- Area lineage: an area for improvement in a later document linked to the area it follows up in an
-- earlier document of the same provider and service area (a monitoring letter restating the areas
-- of the inspection before it). Derived data: pipeline/lineage.py computes it from the stored areas
-- at the end of every ingest run that loads documents, in the units they touched (Database.refresh_area_links).
CREATE TABLE IF NOT EXISTS area_links (
    doc_id       VARCHAR NOT NULL,  -- the later area: areas_for_improvement (doc_id, area_no)
    area_no      INTEGER NOT NULL,
    prev_doc_id  VARCHAR NOT NULL,  -- the earlier area it follows up
    prev_area_no INTEGER NOT NULL,
    similarity   DOUBLE NOT NULL,   -- 0..1, wording similarity of the two areas' texts
    method       VARCHAR NOT NULL,  -- how similarity was computed, versioned (token_jaccard.v1)
    PRIMARY KEY (doc_id, area_no)
);
