"""The committed JSON Schemas match the models, and records validate against their own schema."""

from __future__ import annotations

from pathlib import Path

from extractors.extract import extract_record
from extractors.readers import read_document
from schemas.export import DEFAULT_DIR, schemas
from schemas.record import ExtractionRecord


def test_committed_schemas_are_current():
    for name, text in schemas().items():
        committed = (DEFAULT_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run python -m schemas.export"


def test_a_record_round_trips_through_json():
    corpus = Path(__file__).parent.parent / "corpus"
    record = extract_record(read_document(corpus / "000_c9dc9a16fd74069d.txt"))
    again = ExtractionRecord.model_validate_json(record.model_dump_json())
    assert again == record
    assert record.schema_name == "InspectionsRecord" and record.schema_version
