-- Themes of the common evaluation schedule assigned to each area for improvement and recommendation
-- (many per item). item_kind says which table item_no points into: 'area' -> areas_for_improvement.area_no,
-- 'recommendation' -> recommendations.rec_no. matched_terms are the lexicon terms that fired: the provenance.
CREATE TABLE IF NOT EXISTS item_themes (
    doc_id        VARCHAR NOT NULL,
    item_kind     VARCHAR NOT NULL,  -- area | recommendation
    item_no       INTEGER NOT NULL,
    theme         VARCHAR NOT NULL,  -- e.g. leadership_management.partnerships
    theme_label   VARCHAR NOT NULL,
    parent_theme  VARCHAR,           -- NULL for a top-level theme
    matched_terms VARCHAR[] NOT NULL,
    rule          VARCHAR NOT NULL,
    confidence    DOUBLE NOT NULL,
    PRIMARY KEY (doc_id, item_kind, item_no, theme)
);
