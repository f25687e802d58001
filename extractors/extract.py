"""Document -> ExtractionRecord: runs the rule pipeline and assembles the contract record."""

from __future__ import annotations

from extractors import EXTRACTOR_VERSION
from schemas.document import Document
from schemas.record import DocType, ExtractionRecord


def extract_record(doc: Document) -> ExtractionRecord:
    """Extract everything the contract asks for from one parsed document (work in progress)."""
    return ExtractionRecord(
        document=doc.name, doc_type=DocType.OTHER, sha256=doc.sha256, extractor_version=EXTRACTOR_VERSION
    )
