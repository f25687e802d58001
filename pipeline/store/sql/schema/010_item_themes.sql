-- Themes assigned to each area for improvement and recommendation, in two schemes: 'ces', the
-- common evaluation schedule (a rule lexicon, many per item; matched_terms are the lexicon terms
-- that fired: the provenance), and 'national_framework', the outcomes and enablers of the Children's
-- Social Care National Framework (one per item, two where Ofsted printed two; rule says whether the
-- printed tag or the classifier gave it, confidence is the classifier's probability, 1.0 for a tag).
-- item_kind says which table item_no points into: 'area' -> areas_for_improvement.area_no,
-- 'recommendation' -> recommendations.rec_no.
CREATE TABLE IF NOT EXISTS item_themes (
    doc_id        VARCHAR NOT NULL,
    item_kind     VARCHAR NOT NULL,  -- area | recommendation
    item_no       INTEGER NOT NULL,
    scheme        VARCHAR NOT NULL DEFAULT 'ces',  -- ces | national_framework
    theme         VARCHAR NOT NULL,  -- e.g. leadership_management.partnerships (ces), outcome_3 (national_framework)
    theme_label   VARCHAR NOT NULL,
    parent_theme  VARCHAR,           -- NULL for a top-level theme
    matched_terms VARCHAR[] NOT NULL,
    rule          VARCHAR NOT NULL,
    confidence    DOUBLE NOT NULL,
    PRIMARY KEY (doc_id, item_kind, item_no, scheme, theme)
);
