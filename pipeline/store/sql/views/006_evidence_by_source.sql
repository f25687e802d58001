-- Evidence of each area split by who gave it: the provider's claims of progress and the
-- inspectors' findings side by side. An area diverges when the provider put forward evidence of
-- progress but inspectors judged its progress inadequate or requiring improvement.
CREATE OR REPLACE VIEW evidence_by_source AS
WITH split AS (
    -- an area's evidence bullets counted and listed per source, in document order
    SELECT doc_id, area_no,
           count(*) FILTER (WHERE source = 'provider') AS n_provider,
           count(*) FILTER (WHERE source = 'inspectors') AS n_inspectors,
           count(*) FILTER (WHERE source IS NULL) AS n_unattributed,
           list(text ORDER BY evidence_no) FILTER (WHERE source = 'provider') AS provider_evidence,
           list(text ORDER BY evidence_no) FILTER (WHERE source = 'inspectors') AS inspector_evidence
    FROM evidence
    GROUP BY doc_id, area_no
),
per_area AS (
    -- every area, with zero counts and empty lists where it has no evidence of a source
    SELECT a.doc_id, a.area_no, a.document, a.provider, a.service_area, a.service_unit, a.date, a.year,
           a.text AS area_text, a.judgement, a.judgement_rank, a.page,
           coalesce(s.n_provider, 0) AS n_provider,
           coalesce(s.n_inspectors, 0) AS n_inspectors,
           coalesce(s.n_unattributed, 0) AS n_unattributed,
           coalesce(s.provider_evidence, []::VARCHAR[]) AS provider_evidence,
           coalesce(s.inspector_evidence, []::VARCHAR[]) AS inspector_evidence
    FROM area_details a
    LEFT JOIN split s USING (doc_id, area_no)
),
balanced AS (
    -- which sources spoke, and whether the provider's claims and the judgement diverge
    SELECT *,
           CASE
               WHEN n_provider > 0 AND n_inspectors > 0 THEN 'both'
               WHEN n_provider > 0 THEN 'provider_only'
               WHEN n_inspectors > 0 THEN 'inspectors_only'
               ELSE 'none'
           END AS evidence_balance,
           (n_provider > 0 AND coalesce(judgement IN ('inadequate', 'requires_improvement'), false)) AS diverges
    FROM per_area
)
SELECT *
FROM balanced;
