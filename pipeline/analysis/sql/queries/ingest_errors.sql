-- description: Files that failed to ingest, newest run first, with the error code and what to do.
-- param: code (text, default '%'): error code, an ILIKE pattern (E1%, E200, ...)
SELECT e.run_id, r.started_at, e.error_code, e.error_type, e.path, e.message
FROM ingest_errors e
LEFT JOIN runs r USING (run_id)
WHERE e.error_code ILIKE $code
ORDER BY r.started_at DESC NULLS LAST, e.path;
