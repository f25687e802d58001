"""Strict loaders for the rule files in this folder: patterns are data, validated on load."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
    list_end_headings: list[str]
    not_item_patterns: list[str]

    @field_validator("inspectorates", "providers")
    @classmethod
    def _names_compile(cls, v: list[NamedPatterns]) -> list[NamedPatterns]:
        for named in v:
            for p in named.patterns:
                re.compile(p)
        return v

    @field_validator("provider_regexes", "not_recommendation_patterns", "list_end_headings", "not_item_patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for p in v:
            re.compile(p)
        return v


_M = TypeVar("_M", bound=BaseModel)


def load_rules(model: type[_M], path: Path) -> _M:
    """Read a JSON rule file and validate it against its model (strict: the models forbid unknown keys)."""
    return model.model_validate(json.loads(path.read_text(encoding="utf-8")))


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
    return load_rules(Lexicon, RULES_DIR / "lexicon.json")


# -- the local-authority reference table (rules/local_authorities.json, built by scripts/build_la_table.py) --

REGIONS = frozenset(
    {
        "North East",
        "North West",
        "Yorkshire and the Humber",
        "East Midlands",
        "West Midlands",
        "East of England",
        "London",
        "South East",
        "South West",
    }
)
_NAME_TOKEN = re.compile(r"[a-z0-9]+|&")


def name_tokens(text: str) -> list[str]:
    """A name as comparable words: case, accents, punctuation and "&"/"and" do not matter.

    "St. Helens" and "St Helens", "Telford & Wrekin" and "Telford and Wrekin", "Stoke-on-Trent"
    and "Stoke on Trent" give the same words.
    """
    low = unicodedata.normalize("NFKD", text).lower()  # "é" -> "e" + accent; other marks separate words
    return ["and" if t == "&" else t for t in _NAME_TOKEN.findall(low)]


class TableSource(BaseModel):
    """Where the table comes from: the input file, its digest and the public origin of its facts."""

    model_config = ConfigDict(extra="forbid")

    built_by: str
    input: str
    input_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    origin: str
    curated: str
    licence: str


class Authority(BaseModel):
    """One local authority (or a predecessor of a reorganised one) and the names it is printed under."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2)
    names: list[str] = Field(min_length=1)
    la_code: str | None = Field(default=None, pattern=r"^\d{3}$")
    ons_code: str = Field(pattern=r"^E(?:0[6-9]|10)\d{6}$")
    region: str
    la_type: Literal[
        "County", "London Borough", "Metropolitan District", "Unitary Authority", "Non-metropolitan District"
    ]
    urn: str | None = Field(default=None, pattern=r"^\d{5,8}$")
    stat_neighbours: list[str]
    status: Literal["current", "predecessor"]
    successors: list[str]
    until: date | None

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if v not in REGIONS:
            raise ValueError(f"unknown region {v!r}; expected one of {sorted(REGIONS)}")
        return v

    @field_validator("stat_neighbours")
    @classmethod
    def _ons_codes(cls, v: list[str]) -> list[str]:
        for code in v:
            if not re.fullmatch(r"E(?:0[6-9]|10)\d{6}", code):
                raise ValueError(f"statistical neighbour {code!r} is not an ONS code")
        return v

    @model_validator(mode="after")
    def _lineage(self) -> Authority:
        if self.name not in self.names:
            raise ValueError(f"{self.name}: its canonical name must be among its names")
        if self.status == "predecessor" and not (self.successors and self.until):
            raise ValueError(f"{self.name}: a predecessor needs its successors and the date it ended")
        if self.status == "current" and (self.successors or self.until):
            raise ValueError(f"{self.name}: a current authority has no successors or end date")
        return self


class Operator(BaseModel):
    """A trust or company running a council's children's services, named in reports instead of it."""

    model_config = ConfigDict(extra="forbid")

    name: str
    names: list[str] = Field(min_length=1)
    councils: list[str] = Field(min_length=1)


class LaTable(BaseModel):
    """The local-authority reference table: authorities, predecessors and operators, all names unique."""

    model_config = ConfigDict(extra="forbid")

    source: TableSource
    authorities: list[Authority] = Field(min_length=1)
    operators: list[Operator]

    @model_validator(mode="after")
    def _consistent(self) -> LaTable:
        by_name = {a.name: a for a in self.authorities}
        if len(by_name) != len(self.authorities):
            raise ValueError("two authorities share a canonical name")
        codes = {a.ons_code for a in self.authorities}
        owner: dict[tuple[str, ...], str] = {}
        for entry in [*self.authorities, *self.operators]:
            for n in entry.names:
                key = tuple(name_tokens(n))
                if not key:
                    raise ValueError(f"{entry.name}: name {n!r} has no words")
                if owner.setdefault(key, entry.name) != entry.name:
                    raise ValueError(f"name {n!r} is claimed by both {owner[key]} and {entry.name}")
        for a in self.authorities:
            for s in a.successors:
                if s not in by_name or by_name[s].status != "current":
                    raise ValueError(f"{a.name}: successor {s!r} is not a current authority of the table")
            for code in a.stat_neighbours:
                if code not in codes:
                    raise ValueError(f"{a.name}: statistical neighbour {code} is not in the table")
        for o in self.operators:
            for c in o.councils:
                if c not in by_name:
                    raise ValueError(f"{o.name}: council {c!r} is not in the table")
        return self


def load_la_table(path: Path) -> LaTable:
    """Read and validate a local-authority table file."""
    return load_rules(LaTable, path)


@lru_cache(maxsize=1)
def la_table() -> LaTable:
    """The default local-authority table, loaded once."""
    return load_la_table(RULES_DIR / "local_authorities.json")


# -- rules for the metadata of Ofsted documents (rules/metadata.json) --

# What the framework rules may assign; docs/metadata.md describes each value.
FRAMEWORKS = frozenset(
    {
        "sif", "ilacs", "ilacs_2026", "focused_visit", "monitoring_visit", "area_send", "lscb_review", "jtai",
        "child_protection_2012", "slac",
    }
)  # fmt: skip
INSPECTION_KINDS = frozenset(
    {
        "full", "re-inspection", "standard", "short", "focused_visit", "assurance_visit", "monitoring_visit",
        "monitoring", "revisit", "review", "joint_targeted_area_inspection",
    }
)  # fmt: skip
SEND_OUTCOMES = frozenset({"positive", "inconsistent", "widespread_failings"})
NAME_SLOT = "{NAME}"


def _compile(pattern: str, where: str) -> str:
    try:
        re.compile(pattern.replace(NAME_SLOT, "(?P<name>x)"))
    except re.error as exc:
        raise ValueError(f"{where}: bad regex {pattern!r}: {exc}") from exc
    return pattern


class ProviderRule(BaseModel):
    """Where the inspected authority is printed: a name right after `prefix`, and/or right before `follow`."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^provider\.[a-z_]+$")
    window: Literal["head", "opening"]
    prefix: str | None = None
    follow: str | None = None

    @model_validator(mode="after")
    def _anchored(self) -> ProviderRule:
        if not (self.prefix or self.follow):
            raise ValueError(f"{self.id}: a rule needs a prefix or a follow pattern (else any name would do)")
        for p in (self.prefix, self.follow):
            if p:
                _compile(p, self.id)
        return self


class LeadInspectorRule(BaseModel):
    """A phrase naming the lead inspector; {NAME} marks where the name is read."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^lead_inspector\.[a-z_]+$")
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _has_name(cls, v: str) -> str:
        if v.count(NAME_SLOT) != 1:
            raise ValueError(f"pattern {v!r} must hold {NAME_SLOT} exactly once")
        return _compile(v, "lead_inspector_patterns")


class FrameworkRule(BaseModel):
    """A document's framework and kind, from its title (`head`) or a letter's subject (`letter`).

    Any of `patterns` must match there, every one of `head_requires` in the head too (a report's
    header block: "Inspection dates:"), every one of `requires` and none of `excludes` anywhere in
    the text. `kind: by_duration` means standard or short, read from the inspection's length.
    """

    model_config = ConfigDict(extra="forbid")

    framework: str
    kind: str
    doc_type: DocType
    inspectorate: str | None = None  # a joint inspection's inspectorates, when the document names them all
    where: Literal["head", "letter"]
    patterns: list[str] = Field(min_length=1)
    head_requires: list[str] = Field(default_factory=list)
    requires: list[str] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> FrameworkRule:
        if self.framework not in FRAMEWORKS:
            raise ValueError(f"unknown framework {self.framework!r}; expected one of {sorted(FRAMEWORKS)}")
        if self.kind != "by_duration" and self.kind not in INSPECTION_KINDS:
            raise ValueError(f"unknown inspection kind {self.kind!r}; expected one of {sorted(INSPECTION_KINDS)}")
        for p in (*self.patterns, *self.head_requires, *self.requires, *self.excludes):
            _compile(p, self.framework)
        return self


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        return [_compile(p, "visit_topics") for p in v]


class SendOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str
    patterns: list[str] = Field(min_length=1)

    @field_validator("outcome")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in SEND_OUTCOMES:
            raise ValueError(f"unknown SEND outcome {v!r}; expected one of {sorted(SEND_OUTCOMES)}")
        return v


class MetadataRules(BaseModel):
    """Patterns for the metadata of Ofsted documents (rules/metadata.json)."""

    model_config = ConfigDict(extra="forbid")

    not_authorities: list[str]
    letterhead_patterns: list[str]
    boilerplate_patterns: list[str]
    provider_rules: list[ProviderRule] = Field(min_length=1)
    head_chars: int = Field(ge=100)
    body_min_mentions: int = Field(ge=1)
    salutation: str
    subject_line: str
    report_title: str
    title_stop: str
    issue_date_labels: str
    inspection_date_labels: str
    visit_date_cues: str
    lead_inspector_patterns: list[LeadInspectorRule] = Field(min_length=1)
    frameworks: list[FrameworkRule] = Field(min_length=1)
    short_inspection_max_days: int = Field(ge=1)
    visit_focus: str
    visit_topics: list[Topic]
    send_outcomes: list[SendOutcome]

    @field_validator("letterhead_patterns", "boilerplate_patterns")
    @classmethod
    def _all_compile(cls, v: list[str]) -> list[str]:
        return [_compile(p, "letterhead_patterns") for p in v]

    @field_validator(
        "salutation", "subject_line", "report_title", "title_stop", "issue_date_labels", "inspection_date_labels",
        "visit_date_cues", "visit_focus",
    )  # fmt: skip
    @classmethod
    def _one_compiles(cls, v: str) -> str:
        return _compile(v, "metadata rules")

    @model_validator(mode="after")
    def _unique_ids(self) -> MetadataRules:
        ids = [r.id for r in self.provider_rules] + [r.id for r in self.lead_inspector_patterns]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        return self


def load_metadata_rules(path: Path) -> MetadataRules:
    """Read and validate a metadata rule file."""
    return load_rules(MetadataRules, path)


@lru_cache(maxsize=1)
def metadata_rules() -> MetadataRules:
    """The default metadata rules, loaded once."""
    return load_metadata_rules(RULES_DIR / "metadata.json")
