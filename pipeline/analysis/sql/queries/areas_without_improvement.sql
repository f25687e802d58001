-- description: Areas followed across visits (area lineage) that have not improved: latest progress judgement inadequate or requires improvement, or no better than the first judgement.
-- param: provider (text, default '%'): provider name, an ILIKE pattern
WITH chains AS (
    -- one row per followed area: its visits and judgements in order
    SELECT root_doc_id, root_area_no,
           any_value(service_unit) AS service_area,
           count(*) AS n_visits,
           list(document ORDER BY step) AS documents,
           list(coalesce(judgement, '-') ORDER BY step) AS judgements,
           list(judgement_rank ORDER BY step) FILTER (WHERE judgement_rank IS NOT NULL) AS ranks,
           list(judgement ORDER BY step) FILTER (WHERE judgement IS NOT NULL) AS judged,
           arg_max(text, step) AS latest_text,
           max(step) AS last_step,
           max(step) FILTER (WHERE judgement IS NOT NULL) AS last_judged_step
    FROM area_history
    WHERE coalesce(provider, '') ILIKE $provider
    GROUP BY root_doc_id, root_area_no
),
flagged AS (
    -- the latest judgement, and whether the area was raised again after it was judged
    SELECT *, judged[-1] AS latest_judgement,
           last_step > coalesce(last_judged_step, -1) AND last_judged_step IS NOT NULL AS raised_again
    FROM chains
    WHERE len(ranks) > 0
)
SELECT service_area, n_visits, latest_judgement, raised_again, judgements, documents, latest_text
FROM flagged
WHERE latest_judgement IN ('inadequate', 'requires_improvement') OR (len(ranks) >= 2 AND ranks[-1] >= ranks[1])
ORDER BY service_area, latest_text;
