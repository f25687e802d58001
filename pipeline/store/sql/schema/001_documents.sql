-- One row per distinct document content: doc_id is the SHA-256 of the file's bytes, so the
-- same file ingested twice (or under two names) is one document. Re-extraction with a new
-- extractor_version replaces the row and all its child rows; first_seen_run is carried over.
CREATE TABLE IF NOT EXISTS documents (
    doc_id            VARCHAR PRIMARY KEY,  -- sha256 of the file's bytes
    name              VARCHAR NOT NULL,     -- file name the document was first ingested under
    source_path       VARCHAR NOT NULL,     -- absolute path it was first read from (all paths: document_paths)
    format            VARCHAR NOT NULL,     -- txt | pdf | docx | html, detected from the bytes
    encoding          VARCHAR,              -- text encoding for txt files
    page_count        INTEGER,              -- NULL for DOCX (no pages in the file)
    size_bytes        BIGINT NOT NULL,
    text_chars        INTEGER NOT NULL,     -- length of the normalised text (see document_texts)
    n_blocks          INTEGER NOT NULL,
    warnings          VARCHAR[],            -- reader/normaliser warnings
    doc_type          VARCHAR NOT NULL,
    title             VARCHAR,
    date              DATE,
    inspectorate      VARCHAR,
    provider          VARCHAR,
    service_area      VARCHAR,
    overall_grade     VARCHAR,              -- also a judgements row with is_overall = true
    overall_kind      VARCHAR,              -- progress | effectiveness
    n_areas           INTEGER NOT NULL,
    n_recommendations INTEGER NOT NULL,
    n_judgements      INTEGER NOT NULL,
    extractor_version VARCHAR NOT NULL,
    schema_version    VARCHAR NOT NULL,     -- ExtractionRecord schema version
    first_seen_run    VARCHAR NOT NULL,
    last_seen_run     VARCHAR NOT NULL
);
