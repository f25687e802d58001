"""The extraction record: the JSON contract of docs/contract.md, plus provenance per item.

Contract keys come first and are always present; provenance (`page`, `start`, `end`,
`rule`, `confidence`) rides along as extra keys, which the contract allows.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RECORD_SCHEMA_VERSION = "1.2.0"  # 1.1: document metadata (la_name ... send_outcome); 1.2: ThemeTag.scheme


class DocType(StrEnum):
    MONITORING_LETTER = "monitoring_letter"
    FOCUSED_VISIT_LETTER = "focused_visit_letter"
    INSPECTION_REPORT = "inspection_report"
    CONSULTATION = "consultation"
    ANNUAL_REPORT = "annual_report"
    COMMITTEE_REPORT = "committee_report"
    ARTICLE = "article"
    OTHER = "other"


class Grade(StrEnum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    SATISFACTORY = "satisfactory"
    ADEQUATE = "adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"


class Timescale(StrEnum):
    IMMEDIATELY = "immediately"
    WITHIN_3_MONTHS = "within_3_months"
    WITHIN_6_MONTHS = "within_6_months"
    WITHIN_12_MONTHS = "within_12_months"


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class Provenance(BaseModel):
    """Where an item was found and by which rule: enough for a researcher to cite it."""

    model_config = ConfigDict(extra="forbid")

    page: int | None = None
    start: int = 0
    end: int = 0
    rule: str = ""
    confidence: float = 1.0


class ThemeTag(BaseModel):
    """A theme assigned to an item, in one of two schemes: `ces`, the common evaluation schedule
    (a rule lexicon; `terms` are the terms that matched), or `national_framework`, the outcomes
    and enablers of the Children's Social Care National Framework (the tag Ofsted printed, else a
    trained classifier's top class; `rule` says which, `confidence` is its probability)."""

    model_config = ConfigDict(extra="forbid")

    scheme: Literal["ces", "national_framework"] = "ces"
    theme: str
    label: str
    parent: str | None
    terms: list[str]
    confidence: float
    rule: str


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Literal["provider", "inspectors"] | None
    text: str
    provenance: Provenance = Field(default_factory=Provenance)


class AreaForImprovement(BaseModel):
    """An area for improvement or priority action. Beyond the contract: `kind` (priority action or
    area for improvement, where the document says), `framework_tag` (Ofsted's national framework
    cross-reference printed after the item, "outcome 3"; taken out of `text`) and
    `responsible_body` (the body a table names as responsible, area SEND inspections)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None
    text: str
    timescale: Timescale | None = None
    judgement: Grade | None = None
    rag: Rag | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    kind: Literal["area_for_improvement", "priority_action"] | None = None
    framework_tag: str | None = None
    responsible_body: str | None = None
    themes: list[ThemeTag] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None
    text: str
    framework_tag: str | None = None
    themes: list[ThemeTag] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)


class Judgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str
    grade: Grade
    provenance: Provenance = Field(default_factory=Provenance)


class OverallJudgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grade: Grade
    kind: Literal["progress", "effectiveness"]
    provenance: Provenance = Field(default_factory=Provenance)


SendOutcome = Literal["positive", "inconsistent", "widespread_failings"]


class ExtractionRecord(BaseModel):
    """Everything extracted from one document, in the contract's shape.

    After the contract's keys come extra metadata keys (docs/metadata.md; the scorer ignores them):
    the local authority the document is about as the reference table knows it, what Ofsted prints
    about the inspection, and `metadata_provenance`: per metadata field, where it was read.
    """

    model_config = ConfigDict(extra="forbid")

    document: str
    doc_type: DocType
    title: str | None = None
    date: str | None = None
    inspectorate: str | None = None
    provider: str | None = None
    service_area: str | None = None
    overall_judgement: OverallJudgement | None = None
    areas_for_improvement: list[AreaForImprovement] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    judgements: list[Judgement] = Field(default_factory=list)
    # -- extra metadata (not in the contract) --
    provider_as_printed: str | None = None  # the provider's name as the document prints it
    la_name: str | None = None  # canonical short name of the local authority (= provider when resolved)
    ons_code: str | None = None
    la_code: str | None = None  # DfE LA number
    region: str | None = None
    predecessor: str | None = None  # a reorganised council the document names, reported as its successor
    operator: str | None = None  # a trust running the council's children's services, named instead of it
    inspection_start: str | None = None  # YYYY-MM-DD: first day of the inspection or visit
    inspection_end: str | None = None  # YYYY-MM-DD: last day
    lead_inspector: str | None = None  # name only
    framework: str | None = None  # sif, ilacs, ilacs_2026, focused_visit, area_send, lscb_review, ...
    inspection_kind: str | None = None  # standard, short, full, re-inspection, focused_visit, assurance_visit, ...
    visit_focus: str | None = None  # focused visits: what inspectors looked at, as printed
    visit_topics: list[str] = Field(default_factory=list)  # the focus as topics of rules/metadata.json
    send_outcome: SendOutcome | None = None  # area SEND: the printed outcome category
    metadata_provenance: dict[str, Provenance] = Field(default_factory=dict)
    schema_name: Literal["InspectionsRecord"] = "InspectionsRecord"
    schema_version: str = RECORD_SCHEMA_VERSION
    sha256: str | None = None
    extractor_version: str | None = None
