-- description: Overall grades per service area compared with the previous one of the same kind: improved, declined, unchanged or first.
-- param: change (text, default '%'): improved, declined, unchanged, first, or '%' for all
-- param: provider (text, default '%'): provider name, an ILIKE pattern
SELECT service_unit AS service_area, overall_kind, date, grade, previous_date, previous_grade, change, documents
FROM grade_changes
WHERE change ILIKE $change AND coalesce(provider, '') ILIKE $provider
ORDER BY service_area, overall_kind, date;
