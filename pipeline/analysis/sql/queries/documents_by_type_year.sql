-- description: Documents counted by type and year, with their areas, recommendations and judgements.
-- param: doc_type (text, default '%'): document type, an ILIKE pattern (monitoring_letter, inspection_report, ...)
SELECT doc_type, year, count(*) AS n_documents,
       sum(n_areas) AS n_areas, sum(n_recommendations) AS n_recommendations, sum(n_judgements) AS n_judgements
FROM document_facts
WHERE doc_type ILIKE $doc_type
GROUP BY doc_type, year
ORDER BY doc_type, year NULLS LAST;
