-- The outcomes and enablers of the Children's Social Care: National Framework (DfE, 2023) that Ofsted
-- tags improvement points with since 2024, as theme ids ('outcome_3', 'enabler_2') with their wording
-- (the same as extractors/rules/national_framework.json; tests/test_policy.py checks they agree).
CREATE OR REPLACE VIEW framework_themes AS
WITH themes (theme, theme_kind, theme_no, theme_label) AS (
    -- id, outcome or enabler, its number, its wording
    VALUES
        ('outcome_1', 'outcome', 1, 'Children, young people and families stay together and get the help they need'),
        ('outcome_2', 'outcome', 2, 'Children and young people are supported by their family network'),
        ('outcome_3', 'outcome', 3, 'Children and young people are safe in and outside of their homes'),
        ('outcome_4', 'outcome', 4, 'Children in care and care leavers have stable, loving homes'),
        ('enabler_1', 'enabler', 1, 'Multi-agency working is prioritised and effective'),
        ('enabler_2', 'enabler', 2, 'Leaders drive conditions for effective practice'),
        ('enabler_3', 'enabler', 3, 'The workforce is equipped and effective')
)
SELECT theme, theme_kind, theme_no, theme_label,
       -- a short name for charts: 'Outcome 3', 'Enabler 2'
       upper(theme_kind[1]) || theme_kind[2:] || ' ' || theme_no AS theme_short,
       -- outcomes first, then enablers
       row_number() OVER (ORDER BY theme_kind DESC, theme_no) AS theme_order
FROM themes;
