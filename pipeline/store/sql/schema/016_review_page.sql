-- review_page(name, doc_id): the file name `inspections review` gives a document's review page, the
-- same as pipeline/review.py's page_name (tests/test_review.py checks the two agree): the name without
-- its extension, each run of characters other than ASCII letters and digits as '-', lower case, trimmed
-- of '-', at most 48 characters ('document' if nothing is left), then '-' and the first 10 hex digits of
-- the sha256. Queries and the trends report link an item to '<page>#a3' (area 3), '#a3e1' (its first
-- evidence), '#r2' (recommendation 2) or '#j4' (judgement 4), the ids the review page gives its items.
CREATE OR REPLACE MACRO review_page(name, doc_id) AS
    coalesce(
        nullif(left(trim(lower(regexp_replace(regexp_replace(name, '\.[^./]*$', ''), '[^A-Za-z0-9]+', '-', 'g')), '-'), 48), ''),
        'document'
    ) || '-' || left(doc_id, 10) || '.html';
