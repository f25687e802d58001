-- File size and modification time per path, the cheap check before hashing: a path whose size
-- and mtime are unchanged since the last run is taken to hold the same content (no re-hash).
ALTER TABLE document_paths ADD COLUMN IF NOT EXISTS size_bytes BIGINT;
ALTER TABLE document_paths ADD COLUMN IF NOT EXISTS mtime_ns BIGINT;
