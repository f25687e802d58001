-- What a document says about the inspection it reports (extractors/metadata.py; docs/metadata.md):
-- the local authority resolved against extractors/rules/local_authorities.json, the inspection's
-- dates and lead inspector, its framework and kind, a focused visit's focus and an area SEND
-- outcome. Added to databases made before them; NULL where the document does not say (and in rows
-- stored by an older extractor until `ingest --reprocess`).
ALTER TABLE documents ADD COLUMN IF NOT EXISTS provider_as_printed VARCHAR;  -- the provider's name as printed
ALTER TABLE documents ADD COLUMN IF NOT EXISTS la_name VARCHAR;              -- canonical short name (= provider when resolved)
ALTER TABLE documents ADD COLUMN IF NOT EXISTS ons_code VARCHAR;             -- ONS code of that authority
ALTER TABLE documents ADD COLUMN IF NOT EXISTS la_code VARCHAR;              -- DfE LA number
ALTER TABLE documents ADD COLUMN IF NOT EXISTS region VARCHAR;               -- English region
ALTER TABLE documents ADD COLUMN IF NOT EXISTS predecessor VARCHAR;          -- reorganised council named, reported as its successor
ALTER TABLE documents ADD COLUMN IF NOT EXISTS operator VARCHAR;             -- children's services trust named instead of its council
ALTER TABLE documents ADD COLUMN IF NOT EXISTS inspection_start DATE;        -- first day of the inspection or visit
ALTER TABLE documents ADD COLUMN IF NOT EXISTS inspection_end DATE;          -- last day
ALTER TABLE documents ADD COLUMN IF NOT EXISTS lead_inspector VARCHAR;       -- name only
ALTER TABLE documents ADD COLUMN IF NOT EXISTS framework VARCHAR;            -- sif | ilacs | ilacs_2026 | focused_visit | area_send | lscb_review | ...
ALTER TABLE documents ADD COLUMN IF NOT EXISTS inspection_kind VARCHAR;      -- standard | short | full | re-inspection | assurance_visit | ...
ALTER TABLE documents ADD COLUMN IF NOT EXISTS visit_focus VARCHAR;          -- focused visits: what inspectors looked at, as printed
ALTER TABLE documents ADD COLUMN IF NOT EXISTS visit_topics VARCHAR[];       -- that focus as topics of rules/metadata.json
ALTER TABLE documents ADD COLUMN IF NOT EXISTS send_outcome VARCHAR;         -- positive | inconsistent | widespread_failings
-- Where each metadata field was read: field name, page, span in document_texts.text, rule.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS metadata_provenance
    STRUCT(field VARCHAR, page INTEGER, char_start INTEGER, char_end INTEGER, rule VARCHAR, confidence DOUBLE)[];
