-- description: Where the provider's evidence and the inspectors' findings diverge: areas with provider claims judged inadequate or requiring improvement (or all areas with evidence).
-- param: provider (text, default '%'): provider name, an ILIKE pattern
-- param: only_divergent (boolean, default true): false lists every area with evidence
SELECT service_unit AS service_area, date, document, page, area_no, judgement, evidence_balance,
       n_provider, n_inspectors, area_text, provider_evidence, inspector_evidence,
       review_page(document, doc_id) || '#a' || area_no AS review_page
FROM evidence_by_source
WHERE coalesce(provider, '') ILIKE $provider
  AND (diverges OR (NOT $only_divergent AND evidence_balance <> 'none'))
ORDER BY date NULLS LAST, document, area_no;
