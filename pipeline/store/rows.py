"""Flatten one document's ExtractionRecord into rows for each table (pure: no I/O, no duckdb).

Column names match pipeline/store/sql/schema/*.sql; rows are loaded by name, so order does not matter.
Run-dependent columns (first_seen_run, last_seen_run) and paths are added by the loader.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

from schemas.document import Document
from schemas.record import ExtractionRecord, Provenance

Rows = dict[str, list[dict[str, Any]]]

# Tables `flatten` fills, in load order.
RECORD_TABLES = (
    "documents", "document_texts", "areas_for_improvement", "evidence", "judgements", "recommendations", "item_themes",
)  # fmt: skip
OVERALL_SUBJECT = {"progress": "Overall progress", "effectiveness": "Overall effectiveness"}


def _prov(p: Provenance) -> dict[str, Any]:
    """Provenance as the columns every item table shares."""
    return {"page": p.page, "char_start": p.start, "char_end": p.end, "rule": p.rule, "confidence": p.confidence}


def _value(v: Any) -> Any:
    """Enum members as their plain string values."""
    return getattr(v, "value", v)


def _iso_date(text: str | None) -> date | None:
    """The contract's YYYY-MM-DD as a date; anything else is dropped (the loader must not fail on it)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def page_runs(doc: Document) -> list[dict[str, int]]:
    """Where each page begins in the normalised text: one {page, char_start} per run of consecutive
    blocks on one page, in text order; the first starts at 0. Empty for unpaged documents (DOCX)."""
    runs: list[dict[str, int]] = []
    for block in doc.blocks:
        if block.page is not None and (not runs or runs[-1]["page"] != block.page):
            runs.append({"page": block.page, "char_start": block.start if runs else 0})
    return runs


def flatten(record: ExtractionRecord, doc: Document) -> Rows:
    """Rows of every extraction table for one document, keyed by its sha256 (doc_id)."""
    doc_id = doc.sha256
    overall = record.overall_judgement
    warnings = list(doc.warnings)
    doc_date = _iso_date(record.date)
    if record.date and doc_date is None:
        warnings.append(f"extracted date {record.date!r} is not YYYY-MM-DD; stored as NULL")

    areas: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    for area_no, area in enumerate(record.areas_for_improvement, start=1):
        areas.append(
            {
                "doc_id": doc_id,
                "area_no": area_no,
                "area_ref": area.id,
                "text": area.text,
                "timescale": _value(area.timescale),
                "judgement": _value(area.judgement),
                "rag": _value(area.rag),
                "kind": area.kind,
                "framework_tag": area.framework_tag,
                "responsible_body": area.responsible_body,
                **_prov(area.provenance),
            }
        )
        for evidence_no, ev in enumerate(area.evidence, start=1):
            evidence.append(
                {
                    "doc_id": doc_id,
                    "area_no": area_no,
                    "evidence_no": evidence_no,
                    "source": ev.source,
                    "text": ev.text,
                    **_prov(ev.provenance),
                }
            )

    judgements = [
        {
            "doc_id": doc_id,
            "judgement_no": n,
            "subject": j.subject,
            "grade": _value(j.grade),
            "is_overall": False,
            "kind": None,
            **_prov(j.provenance),
        }
        for n, j in enumerate(record.judgements, start=1)
    ]
    if overall is not None:
        _mark_overall(judgements, record, doc_id)

    recommendations = [
        {
            "doc_id": doc_id,
            "rec_no": n,
            "rec_ref": r.id,
            "text": r.text,
            "framework_tag": r.framework_tag,
            **_prov(r.provenance),
        }
        for n, r in enumerate(record.recommendations, start=1)
    ]
    themes = [
        {
            "doc_id": doc_id,
            "item_kind": kind,
            "item_no": n,
            "scheme": t.scheme,
            "theme": t.theme,
            "theme_label": t.label,
            "parent_theme": t.parent,
            "matched_terms": t.terms,
            "rule": t.rule,
            "confidence": t.confidence,
        }
        for kind, items in (("area", record.areas_for_improvement), ("recommendation", record.recommendations))
        for n, item in enumerate(items, start=1)
        for t in item.themes
    ]

    document = {
        "doc_id": doc_id,
        "name": doc.name,
        "source_path": doc.source_path,
        "format": _value(doc.format),
        "encoding": doc.encoding,
        "page_count": doc.page_count,
        "size_bytes": doc.size_bytes,
        "text_chars": len(doc.text),
        "n_blocks": len(doc.blocks),
        "warnings": warnings,
        "doc_type": _value(record.doc_type),
        "title": record.title,
        "date": doc_date,
        "inspectorate": record.inspectorate,
        "provider": record.provider,
        "service_area": record.service_area,
        "overall_grade": _value(overall.grade) if overall else None,
        "overall_kind": overall.kind if overall else None,
        "n_areas": len(areas),
        "n_recommendations": len(recommendations),
        "n_judgements": len(judgements),
        "extractor_version": record.extractor_version or "unknown",
        "schema_version": record.schema_version,
        **_metadata(record, warnings),
    }
    return {
        "documents": [document],
        "document_texts": [{"doc_id": doc_id, "text": doc.text, "pages": page_runs(doc)}],
        "areas_for_improvement": areas,
        "evidence": evidence,
        "judgements": judgements,
        "recommendations": recommendations,
        "item_themes": themes,
    }


# Extra metadata keys of the record stored as they are (strings; lists of strings).
_META_COLUMNS = (
    "provider_as_printed", "la_name", "ons_code", "la_code", "region", "predecessor", "operator", "lead_inspector",
    "framework", "inspection_kind", "visit_focus", "visit_topics", "send_outcome",
)  # fmt: skip


def _metadata(record: ExtractionRecord, warnings: list[str]) -> dict[str, Any]:
    """The documents columns of the record's extra metadata (schema/014_documents_metadata.sql)."""
    out: dict[str, Any] = {k: getattr(record, k) for k in _META_COLUMNS}
    for key in ("inspection_start", "inspection_end"):
        value = getattr(record, key)
        out[key] = _iso_date(value)
        if value and out[key] is None:
            warnings.append(f"extracted {key} {value!r} is not YYYY-MM-DD; stored as NULL")
    out["metadata_provenance"] = [
        {
            "field": name,
            "page": p.page,
            "char_start": p.start,
            "char_end": p.end,
            "rule": p.rule,
            "confidence": p.confidence,
        }
        for name, p in record.metadata_provenance.items()
    ]
    return out


def _mark_overall(judgements: list[dict[str, Any]], record: ExtractionRecord, doc_id: str) -> None:
    """Flag the listed judgement the overall one was taken from, or append it as its own row."""
    overall = record.overall_judgement
    assert overall is not None
    span = (overall.provenance.start, overall.provenance.end)
    for row in judgements:
        if (row["char_start"], row["char_end"]) == span and row["grade"] == _value(overall.grade):
            row["is_overall"] = True
            row["kind"] = overall.kind
            return
    judgements.append(
        {
            "doc_id": doc_id,
            "judgement_no": len(judgements) + 1,
            "subject": OVERALL_SUBJECT[overall.kind],
            "grade": _value(overall.grade),
            "is_overall": True,
            "kind": overall.kind,
            **_prov(overall.provenance),
        }
    )


def merge(parts: list[Rows]) -> Rows:
    """Concatenate several documents' rows table by table."""
    out: Rows = {}
    for rows in parts:
        for table, items in rows.items():
            out.setdefault(table, []).extend(items)
    return out


def to_arrow(rows: list[dict[str, Any]]) -> pa.Table:
    """One table's rows as an Arrow table (the bulk-load format)."""
    return pa.Table.from_pylist(rows)
