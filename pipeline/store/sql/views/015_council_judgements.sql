-- Every graded judgement of a council document under its standard judgement (judgement_areas): one
-- row per document and standard judgement, with the subject as printed, the grade and its rank, and
-- where it was read. Focused visits and area SEND reports carry no grades (SEND: send_outcome).
CREATE OR REPLACE VIEW council_judgements AS
WITH graded AS (
    -- judgements of council documents with the grade's rank (1 outstanding .. 4 inadequate)
    SELECT j.doc_id, j.judgement_no, j.subject, j.grade, j.is_overall, j.kind, j.page, j.rule, g.grade_rank,
           d.label, d.council_code, d.council, d.region, d.la_type, d.framework, d.inspection_kind, d.category,
           d.date, d.year
    FROM judgements j
    JOIN council_documents d USING (doc_id)
    LEFT JOIN grade_scale g ON g.grade = j.grade
),
standard AS (
    -- the standard judgement(s) each printed subject stands for; an overall judgement stated in prose
    -- ('Overall effectiveness' added by the extractor) is overall effectiveness too
    SELECT g.*, a.judgement, a.judgement_label, a.judgement_order
    FROM graded g
    JOIN judgement_areas a
        ON lower(g.subject) LIKE a.subject_pattern
        OR (g.is_overall AND g.kind = 'effectiveness' AND a.judgement = 'overall_effectiveness')
),
first_per_judgement AS (
    -- one row per document and standard judgement: the first the document prints
    SELECT DISTINCT ON (doc_id, judgement) *
    FROM standard
    ORDER BY doc_id, judgement, judgement_no
)
SELECT doc_id, judgement_no, label, council_code, council, region, la_type, framework, inspection_kind, category,
       date, year, judgement, judgement_label, judgement_order, subject, grade, grade_rank, page, rule
FROM first_per_judgement;
