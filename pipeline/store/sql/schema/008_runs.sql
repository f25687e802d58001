-- One row per ingest run. status: running | completed | failed. Counts are of distinct
-- documents (content), except n_failed and n_skipped, which count files.
CREATE TABLE IF NOT EXISTS runs (
    run_id            VARCHAR PRIMARY KEY,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    paths             VARCHAR[] NOT NULL,  -- the PATH arguments as given
    n_files           INTEGER,
    n_new             INTEGER,
    n_updated         INTEGER,             -- stored before, re-extracted by a new extractor_version
    n_unchanged       INTEGER,
    n_failed          INTEGER,
    n_skipped         INTEGER,             -- files with an extension outside the ingest set
    status            VARCHAR NOT NULL,
    message           VARCHAR,             -- why a failed run failed
    extractor_version VARCHAR NOT NULL
);
