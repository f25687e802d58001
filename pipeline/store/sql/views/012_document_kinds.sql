-- What a council document is, in words (the framework and inspection kind of docs/metadata.md), and
-- the category the council views group by: a graded inspection, a focused visit, a monitoring
-- visit, an area SEND inspection, an LSCB review or a joint targeted area inspection. A row with
-- inspection_kind '*' is the framework's label for any kind not listed.
CREATE OR REPLACE VIEW document_kinds AS
WITH kinds (framework, inspection_kind, kind_label, category) AS (
    -- framework, inspection kind, how a document of it is named, its category
    VALUES
        ('sif', 'standard', 'SIF inspection', 'inspection'),
        ('sif', 're-inspection', 'SIF re-inspection', 'inspection'),
        ('sif', '*', 'SIF inspection', 'inspection'),
        ('ilacs', 'standard', 'ILACS standard inspection', 'inspection'),
        ('ilacs', 'short', 'ILACS short inspection', 'inspection'),
        ('ilacs', '*', 'ILACS inspection', 'inspection'),
        ('ilacs_2026', 'standard', 'ILACS standard inspection (2026 framework)', 'inspection'),
        ('ilacs_2026', 'short', 'ILACS short inspection (2026 framework)', 'inspection'),
        ('ilacs_2026', '*', 'ILACS inspection (2026 framework)', 'inspection'),
        ('child_protection_2012', '*', 'child protection inspection', 'inspection'),
        ('slac', '*', 'safeguarding and looked after children inspection', 'inspection'),
        ('focused_visit', 'focused_visit', 'focused visit', 'focused_visit'),
        ('focused_visit', 'assurance_visit', 'assurance visit', 'focused_visit'),
        ('focused_visit', '*', 'focused visit', 'focused_visit'),
        ('monitoring_visit', '*', 'monitoring visit', 'monitoring_visit'),
        ('area_send', 'full', 'area SEND inspection', 'send'),
        ('area_send', 'monitoring', 'area SEND monitoring inspection', 'send'),
        ('area_send', 'revisit', 'area SEND revisit', 'send'),
        ('area_send', '*', 'area SEND inspection', 'send'),
        ('lscb_review', '*', 'LSCB review', 'lscb'),
        ('jtai', '*', 'joint targeted area inspection', 'jtai')
)
SELECT framework, inspection_kind, kind_label, category
FROM kinds;
