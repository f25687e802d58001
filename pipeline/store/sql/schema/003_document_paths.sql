-- Every path a document's content was found at: the same bytes under two names keep both.
CREATE TABLE IF NOT EXISTS document_paths (
    doc_id         VARCHAR NOT NULL,
    path           VARCHAR NOT NULL,  -- absolute path
    name           VARCHAR NOT NULL,  -- file name part of path
    first_seen_run VARCHAR NOT NULL,
    last_seen_run  VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, path)
);
