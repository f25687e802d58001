"""Strict loaders for the rule files in this folder: patterns are data, validated on load."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.record import DocType

RULES_DIR = Path(__file__).parent

CUE_LABELS = frozenset(
    {
        "AFI_ITEM",
        "AFI_SECTION",
        "AFI_MENTION",
        "REC_SECTION",
        "REC_ITEM",
        "EVIDENCE_PROVIDER",
        "EVIDENCE_INSPECTORS",
        "EVIDENCE_GENERIC",
        "TIMESCALE",
        "RAG",
        "GRADE",
    }
)


class SpanPattern(BaseModel):
    """One SpanRuler pattern: a label, a token pattern (or phrase string) and a rule id."""

    model_config = ConfigDict(extra="forbid")

    label: str
    id: str
    pattern: list[dict[str, Any]] | str

    @field_validator("label")
    @classmethod
    def _known_label(cls, v: str) -> str:
        if v not in CUE_LABELS:
            raise ValueError(f"unknown label {v!r}; expected one of {sorted(CUE_LABELS)}")
        return v


class NamedPatterns(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    patterns: list[str] = Field(min_length=1)


class DocTypeCue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_type: DocType
    where: Literal["title", "opening", "letter", "anywhere"]
    weight: int = Field(ge=1)
    patterns: list[str] = Field(min_length=1)


class Lexicon(BaseModel):
    """Gazetteers and phrase lists the extractors consult (rules/lexicon.json)."""

    model_config = ConfigDict(extra="forbid")

    inspectorates: list[NamedPatterns]
    providers: list[NamedPatterns]
    provider_regexes: list[str]
    doc_types: list[DocTypeCue]
    letter_doc_type: DocType
    not_recommendation_patterns: list[str]
    judgement_subject_stop: list[str]
    judgement_areas: list[str]

    @field_validator("inspectorates", "providers")
    @classmethod
    def _names_compile(cls, v: list[NamedPatterns]) -> list[NamedPatterns]:
        for named in v:
            for p in named.patterns:
                re.compile(p)
        return v

    @field_validator("provider_regexes", "not_recommendation_patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for p in v:
            re.compile(p)
        return v


def load_patterns(path: Path) -> list[SpanPattern]:
    """Read a JSONL pattern file, naming the line of any malformed pattern."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(SpanPattern.model_validate_json(line))
        except ValueError as exc:
            raise ValueError(f"{path.name}:{n}: bad pattern: {exc}") from exc
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The default lexicon, loaded once."""
    return Lexicon.model_validate(json.loads((RULES_DIR / "lexicon.json").read_text(encoding="utf-8")))
