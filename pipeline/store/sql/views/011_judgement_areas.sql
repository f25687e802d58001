-- The standard judgement each printed judgement subject stands for, so that grades compare like with
-- like across frameworks: the SIF (2013-17) and ILACS (2018-) name the same areas differently. A
-- subject is matched in lower case against each pattern; one subject may stand for two judgements
-- (ILACS 2018-23 judged children in care and care leavers together). Judgements no pattern matches
-- stay in table judgements but are left out of the council views.
CREATE OR REPLACE VIEW judgement_areas AS
WITH areas (judgement, judgement_label, judgement_order, subject_pattern, frameworks) AS (
    -- standard judgement, its label and display order, an ILIKE-style pattern of the printed subject,
    -- and the frameworks that print it (for the reader; the match does not depend on it)
    VALUES
        ('overall_effectiveness', 'Overall effectiveness', 1, '%overall effectiveness%', 'SIF, ILACS'),
        ('leaders', 'Impact of leaders / leadership, management and governance', 2, '%impact of leaders%', 'ILACS'),
        ('leaders', 'Impact of leaders / leadership, management and governance', 2, '%leadership, management and governance%', 'SIF'),
        ('leaders', 'Impact of leaders / leadership, management and governance', 2, '%leadership and management%', 'older frameworks'),
        ('help_and_protection', 'Children who need help and protection', 3, '%need help and protection%', 'SIF, ILACS'),
        ('children_in_care', 'Children in care / looked after and achieving permanence', 4, '%children in care%', 'ILACS'),
        ('children_in_care', 'Children in care / looked after and achieving permanence', 4, '%children looked after%', 'SIF'),
        ('care_leavers', 'Care leavers', 5, '%care leavers%', 'SIF, ILACS'),
        ('adoption', 'Adoption performance', 6, '%adoption performance%', 'SIF'),
        ('lscb', 'Local Safeguarding Children Board', 7, '%safeguarding children board%', 'SIF, LSCB reviews')
)
SELECT judgement, judgement_label, judgement_order, subject_pattern, frameworks
FROM areas;
