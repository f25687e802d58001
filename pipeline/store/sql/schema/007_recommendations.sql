-- Recommendations that are not areas for improvement; rec_ref is the printed number or NULL.
CREATE TABLE IF NOT EXISTS recommendations (
    doc_id     VARCHAR NOT NULL,
    rec_no     INTEGER NOT NULL,
    rec_ref    VARCHAR,
    text       VARCHAR NOT NULL,
    framework_tag VARCHAR,  -- national framework cross-reference printed after the item
    page       INTEGER,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    rule       VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    PRIMARY KEY (doc_id, rec_no)
);
