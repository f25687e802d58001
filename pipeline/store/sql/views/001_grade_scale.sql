-- Grades on one ordered scale, 1 (best) to 4 (worst), so that judgements made under different
-- frameworks can be compared and "improved / declined" computed. The third point of the four-point
-- scale has had three names: 'satisfactory' (Cafcass and pre-2012 frameworks), 'adequate'
-- (safeguarding and looked after children inspections, 2009-12) and 'requires_improvement'
-- (frameworks from 2012-13); all three rank 3.
CREATE OR REPLACE VIEW grade_scale AS
WITH scale (grade, grade_rank, grade_label) AS (
    -- the grade vocabulary of schemas/record.py (Grade), with its rank and a display label
    VALUES
        ('outstanding', 1, 'Outstanding'),
        ('good', 2, 'Good'),
        ('satisfactory', 3, 'Satisfactory'),
        ('adequate', 3, 'Adequate'),
        ('requires_improvement', 3, 'Requires improvement'),
        ('inadequate', 4, 'Inadequate')
)
SELECT grade, grade_rank, grade_label
FROM scale;
