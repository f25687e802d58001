"""Document -> ExtractionRecord: analyse once, run each pure extractor, assemble the contract record."""

from __future__ import annotations

from extractors import EXTRACTOR_VERSION
from extractors.analysis import analyse
from extractors.findings import extract_findings
from extractors.judgements import extract_judgements, extract_overall
from extractors.metadata import extract_metadata
from extractors.national_framework import framework_themes
from extractors.themes import classify_themes
from schemas.document import Document
from schemas.record import ExtractionRecord


def extract_record(doc: Document) -> ExtractionRecord:
    """Extract everything the contract asks for from one parsed document (pure: no I/O)."""
    analysis = analyse(doc)
    meta = extract_metadata(analysis)
    findings = extract_findings(analysis)
    judgements = extract_judgements(analysis)
    items = [*findings.areas, *findings.recommendations]
    # Two schemes: the common evaluation schedule's themes (a lexicon), then the national framework's
    # (the printed tag, else the classifier: one batch per document).
    framework = framework_themes([i.text for i in items], [i.framework_tag for i in items])
    for item, nf in zip(items, framework, strict=True):
        item.themes = [*classify_themes(item.text), *nf]
    return ExtractionRecord(
        document=doc.name,
        doc_type=meta.doc_type,
        title=meta.title,
        date=meta.date,
        inspectorate=meta.inspectorate,
        provider=meta.provider,
        service_area=meta.service_area,
        overall_judgement=extract_overall(analysis, judgements),
        areas_for_improvement=findings.areas,
        recommendations=findings.recommendations,
        judgements=judgements,
        provider_as_printed=meta.provider_as_printed,
        la_name=meta.la_name,
        ons_code=meta.ons_code,
        la_code=meta.la_code,
        region=meta.region,
        predecessor=meta.predecessor,
        operator=meta.operator,
        inspection_start=meta.inspection_start,
        inspection_end=meta.inspection_end,
        lead_inspector=meta.lead_inspector,
        framework=meta.framework,
        inspection_kind=meta.inspection_kind,
        visit_focus=meta.visit_focus,
        visit_topics=meta.visit_topics,
        send_outcome=meta.send_outcome,
        metadata_provenance=meta.provenance,
        sha256=doc.sha256,
        extractor_version=EXTRACTOR_VERSION,
    )
