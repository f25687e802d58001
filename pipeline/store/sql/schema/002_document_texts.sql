-- The normalised text every provenance span (char_start, char_end) points into, so a finding
-- can be quoted from SQL: substr(text, char_start + 1, char_end - char_start).
CREATE TABLE IF NOT EXISTS document_texts (
    doc_id VARCHAR PRIMARY KEY,
    text   VARCHAR NOT NULL
);
