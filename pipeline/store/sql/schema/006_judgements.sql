-- Every graded judgement a document states. The overall judgement is flagged is_overall with
-- its kind (progress | effectiveness): either the listed judgement it was taken from, or an
-- added row (subject 'Overall progress' / 'Overall effectiveness') when it was stated in prose.
CREATE TABLE IF NOT EXISTS judgements (
    doc_id       VARCHAR NOT NULL,
    judgement_no INTEGER NOT NULL,
    subject      VARCHAR NOT NULL,
    grade        VARCHAR NOT NULL,
    is_overall   BOOLEAN NOT NULL,
    kind         VARCHAR,
    page         INTEGER,
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    rule         VARCHAR NOT NULL,
    confidence   DOUBLE NOT NULL,
    PRIMARY KEY (doc_id, judgement_no)
);
