-- Files that could not be ingested, one row per file per run: error_code is the project's
-- code (E1xx reading, E200 extraction bug), error_type the exception class.
CREATE TABLE IF NOT EXISTS ingest_errors (
    run_id      VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    sha256      VARCHAR,  -- NULL when the file could not even be read
    error_code  VARCHAR NOT NULL,
    error_type  VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
