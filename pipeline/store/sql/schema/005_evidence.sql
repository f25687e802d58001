-- Evidence bullets attached to an area for improvement: (doc_id, area_no) is the area's key.
CREATE TABLE IF NOT EXISTS evidence (
    doc_id      VARCHAR NOT NULL,
    area_no     INTEGER NOT NULL,
    evidence_no INTEGER NOT NULL,  -- 1-based within the area
    source      VARCHAR,           -- provider | inspectors | NULL
    text        VARCHAR NOT NULL,
    page        INTEGER,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    rule        VARCHAR NOT NULL,
    confidence  DOUBLE NOT NULL,
    PRIMARY KEY (doc_id, area_no, evidence_no)
);
