-- Where each page begins in the normalised text, so a reader (inspections review) can show a stored
-- document page by page: one entry per run of consecutive blocks on one page, in text order (a page
-- whose blocks are interrupted, e.g. by a footnote placed later, appears twice). The first entry
-- starts at 0; an entry runs to the next one's char_start (or the end of the text). NULL or empty
-- for unpaged formats (DOCX), and NULL in rows stored before the column until `ingest --reprocess`.
ALTER TABLE document_texts ADD COLUMN IF NOT EXISTS pages STRUCT(page INTEGER, char_start INTEGER)[];
