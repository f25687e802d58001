"""Golden-file helpers: compare a record's contract fields with tests/golden/<stem>.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CONTRACT_KEYS = (
    "document", "doc_type", "title", "date", "inspectorate", "provider", "service_area",
    "overall_judgement", "areas_for_improvement", "recommendations", "judgements",
)  # fmt: skip


NESTED_KEYS = {
    "areas_for_improvement": ("id", "text", "timescale", "judgement", "rag", "evidence"),
    "evidence": ("source", "text"),
    "recommendations": ("id", "text"),
    "judgements": ("subject", "grade"),
    "overall_judgement": ("grade", "kind"),
}


def contract(record: dict) -> dict:
    """The record reduced to the contract of docs/contract.md (provenance, themes stripped)."""

    def keep(key: str, value):
        if isinstance(value, list):
            return [keep(key, v) for v in value]
        if isinstance(value, dict) and key in NESTED_KEYS:
            return {k: keep(k, value.get(k)) for k in NESTED_KEYS[key]}
        return value

    return {k: keep(k, record.get(k)) for k in CONTRACT_KEYS}


def findings(record: dict) -> dict:
    """What must not depend on the file format: areas, evidence, recommendations, judgements."""
    c = contract(record)
    return {k: c[k] for k in ("areas_for_improvement", "recommendations", "judgements", "overall_judgement")}


def load(stem: str) -> dict:
    return json.loads((GOLDEN_DIR / f"{stem}.json").read_text(encoding="utf-8"))


def save(stem: str, record: dict) -> None:
    GOLDEN_DIR.mkdir(exist_ok=True)
    path = GOLDEN_DIR / f"{stem}.json"
    path.write_text(json.dumps(contract(record), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
