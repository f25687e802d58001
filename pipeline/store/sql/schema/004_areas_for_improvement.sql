-- Areas for improvement / priority actions in document order. area_no is our 1-based ordinal;
-- area_ref is the number or reference as printed ("1", "A1"), NULL when unnumbered.
-- Provenance: page (NULL for DOCX), char_start/char_end into document_texts.text, the rule
-- that found the item and its confidence.
CREATE TABLE IF NOT EXISTS areas_for_improvement (
    doc_id     VARCHAR NOT NULL,
    area_no    INTEGER NOT NULL,
    area_ref   VARCHAR,
    text       VARCHAR NOT NULL,
    timescale  VARCHAR,  -- immediately | within_3_months | within_6_months | within_12_months
    judgement  VARCHAR,  -- grade vocabulary
    rag        VARCHAR,  -- red | amber | green
    kind       VARCHAR,  -- area_for_improvement | priority_action, where the document says
    framework_tag VARCHAR,  -- national framework cross-reference printed after the item: "outcome 3", "enabler 2"
    responsible_body VARCHAR,  -- the body a table names as responsible (area SEND)
    page       INTEGER,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    rule       VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    PRIMARY KEY (doc_id, area_no)
);
