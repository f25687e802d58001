"""docs/contract.md, the JSON contract every tool reads and writes, generated from schemas/record.py.

`inspections extract` writes records in it, `inspections eval --gold` reads gold records in it, and a
review page (`inspections review`) saves corrected records in it. The keys, their types and the enum
values come from the pydantic models; the meanings are kept here, one per key, and generating fails
for a key without one. `python -m pipeline.evaluation.contract` rewrites the file; tests/test_contract.py fails
when the committed file differs from what the models give, so the document cannot drift.
"""

from __future__ import annotations

import json
import sys
import types
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from pipeline.evaluation import evaluate as E
from schemas import record as S

DOC = Path(__file__).resolve().parents[2] / "docs" / "contract.md"

# The keys a record must carry (null or [] when the document has none): the scorer reads these.
CONTRACT_KEYS = (
    "document", "doc_type", "title", "date", "inspectorate", "provider", "service_area", "overall_judgement",
    "areas_for_improvement", "recommendations", "judgements",
)  # fmt: skip
MODELS: tuple[type[BaseModel], ...] = (
    S.ExtractionRecord, S.AreaForImprovement, S.Evidence, S.Recommendation, S.Judgement, S.OverallJudgement,
    S.Provenance, S.ThemeTag,
)  # fmt: skip
ENUMS: tuple[type[Enum], ...] = (S.DocType, S.Grade, S.Timescale, S.Rag)

# What each key means, by "Model.key". Keys of the metadata extractor's (docs/metadata.md) are
# described ahead of their arrival, so a record that gains them documents them at once.
MEANINGS = {
    "ExtractionRecord.document": "the source file's name (no folders)",
    "ExtractionRecord.doc_type": "what kind of document it is (enum `DocType`)",
    "ExtractionRecord.title": "the document's own title line, as written (a letter's subject line, a report's "
    "first heading)",
    "ExtractionRecord.date": "`YYYY-MM-DD`: the date the document was issued (letter date, publication date); null "
    "where the text gives none (an inspection date is not an issue date)",
    "ExtractionRecord.inspectorate": "the inspecting body the findings come from (`Ofsted`, `CQC`, `HMI Probation`, "
    "`Ofsted and CQC`)",
    "ExtractionRecord.provider": "the inspected organisation (`Cafcass`, `Sunderland City Council`, `Oldham`)",
    "ExtractionRecord.service_area": "the inspected unit inside the provider, as written "
    "(`Durham and Tees Valley (N2)`); null when the whole provider is inspected",
    "ExtractionRecord.overall_judgement": "the document's overall judgement: its grade and whether it judges "
    "monitoring progress or overall effectiveness; null where there is none",
    "ExtractionRecord.areas_for_improvement": "each area for improvement, priority action or formal area for "
    "improvement, in document order",
    "ExtractionRecord.recommendations": "numbered or bulleted recommendations that are not areas for improvement",
    "ExtractionRecord.judgements": "every graded judgement the document states, other than the per-area ones: "
    "`subject` as written (`Overall effectiveness`, `Safeguarding services: Capacity for improvement`)",
    "ExtractionRecord.schema_name": "names the schema: always `InspectionsRecord`",
    "ExtractionRecord.schema_version": "the record schema's version (`schemas/record.py`, RECORD_SCHEMA_VERSION)",
    "ExtractionRecord.sha256": "SHA-256 of the file's bytes (the database's `doc_id`)",
    "ExtractionRecord.extractor_version": "the extractor that made the record: release and a digest of its code, "
    "rules and schemas",
    "ExtractionRecord.provider_as_printed": "the provider's name as the document prints it",
    "ExtractionRecord.la_name": "the local authority's canonical short name (the provider, when resolved)",
    "ExtractionRecord.ons_code": "ONS code of that local authority",
    "ExtractionRecord.la_code": "DfE LA number of that local authority",
    "ExtractionRecord.region": "English region of that local authority",
    "ExtractionRecord.predecessor": "a reorganised council the document names, reported as its successor",
    "ExtractionRecord.operator": "a children's services trust or company named instead of its council",
    "ExtractionRecord.inspection_start": "`YYYY-MM-DD`: the first day of the inspection or visit",
    "ExtractionRecord.inspection_end": "`YYYY-MM-DD`: the last day of the inspection or visit",
    "ExtractionRecord.lead_inspector": "the lead inspector's name, without title",
    "ExtractionRecord.framework": "the inspection framework (`sif`, `ilacs`, `ilacs_2026`, `focused_visit`, "
    "`area_send`, ...)",
    "ExtractionRecord.inspection_kind": "the kind of inspection (`standard`, `short`, `focused_visit`, ...)",
    "ExtractionRecord.visit_focus": "focused visits: what inspectors looked at, as printed",
    "ExtractionRecord.visit_topics": "that focus as topics of a fixed lexicon",
    "ExtractionRecord.send_outcome": "area SEND inspections: the printed outcome category",
    "ExtractionRecord.metadata_provenance": "where each metadata field was read: field name -> provenance",
    "AreaForImprovement.id": 'its number or reference as printed (`"1"`, `"A1"`), null if unnumbered',
    "AreaForImprovement.text": "its full wording, one line, whitespace collapsed (without a national framework tag)",
    "AreaForImprovement.timescale": "when it is to be done, where the document says",
    "AreaForImprovement.judgement": "the progress judgement given for this area",
    "AreaForImprovement.rag": "a RAG status given for this area",
    "AreaForImprovement.evidence": "evidence bullets attached to this area",
    "AreaForImprovement.kind": "`area_for_improvement` or `priority_action`, where the document says",
    "AreaForImprovement.framework_tag": "the national framework tag printed after it, normalised (`outcome 3`, "
    "`enabler 2`)",
    "AreaForImprovement.responsible_body": "the body a table names as responsible (area SEND inspections)",
    "AreaForImprovement.themes": "themes of the common evaluation schedule its wording mentions "
    "(extractors/rules/themes.json)",
    "AreaForImprovement.provenance": "where it was found and by which rule",
    "Evidence.source": "`provider` (evidence of progress from the inspected body), `inspectors` (gathered by "
    "inspectors) or null",
    "Evidence.text": "the bullet's wording",
    "Evidence.provenance": "where it was found and by which rule",
    "Recommendation.id": "its number as printed, null if unnumbered",
    "Recommendation.text": "its full wording, one line (sub-bullets joined to a parent ending in a colon)",
    "Recommendation.framework_tag": "the national framework tag printed after it",
    "Recommendation.themes": "themes of the common evaluation schedule its wording mentions",
    "Recommendation.provenance": "where it was found and by which rule",
    "Judgement.subject": "what is judged, as written",
    "Judgement.grade": "the grade given",
    "Judgement.provenance": "where it was found and by which rule",
    "OverallJudgement.grade": "the overall grade",
    "OverallJudgement.kind": "`progress` (a monitoring visit's progress) or `effectiveness` (overall effectiveness)",
    "OverallJudgement.provenance": "where it was found and by which rule",
    "Provenance.page": "1-based page of the span's start; null for DOCX (no pages)",
    "Provenance.start": "offset of the span's first character in the document's normalised text (the database's "
    "`document_texts.text`, `char_start`)",
    "Provenance.end": "offset just past the span's last character (`char_end`): the item is quoted by "
    "`text[start:end]`",
    "Provenance.rule": "the rule that found it (`afi.list.bullet`, `judgement.table.row`; `review.added` for an item "
    "a reviewer added)",
    "Provenance.confidence": "0..1, from the rule: structural cues 1.0, table rows 0.9-0.95, lost-marker list "
    "items 0.7, running-text ratings 0.75-0.9",
    "ThemeTag.theme": "the theme's key (`leadership_management.partnerships`, `outcome_3`)",
    "ThemeTag.label": "its label as the scheme words it",
    "ThemeTag.parent": "the parent theme's key, null for a top-level theme",
    "ThemeTag.terms": "the lexicon terms that matched: the tag's provenance (none for a tag or the classifier)",
    "ThemeTag.confidence": "0..1: the strongest matching term; 1.0 for a printed tag; the classifier's probability",
    "ThemeTag.rule": "what assigned it: the lexicon's versioned name, the printed tag, or the model's version",
    "ThemeTag.scheme": "`ces` (the common evaluation schedule) or `national_framework` (outcomes and enablers)",
}

# Keys that are not fields of the model but that gold and reviewed records carry (`inspections eval`
# reads `source`; the rest is ignored by it).
RECORD_EXTRAS = [
    ("source", "string", "the file's path under the archive root (`focused_visits/80535_oldham/letter.pdf`): "
     "`inspections eval` matches a gold record to a document by this path's tail, else by `document`'s base name"),
    ("source_sha256", "string", "SHA-256 of the file the record was made from: ties a gold record to exact bytes"),
    ("<field>_aliases", "list of string", "other accepted spellings of a metadata field "
     "(`\"provider_aliases\": [\"Bury Council\"]`): `inspections eval` counts a prediction matching any of "
     "them, as the team's reference scorer does"),
    ("review", "object", "written by a review page's Save: `tool`, `origin` (`file` or `database`), "
     "`page_built_at`, `saved_at`, `sha256`, `extractor_version` and `changes`, one entry per corrected item "
     "(`id`, `field`, `status` = `wrong` / `replaced` / `edited` / `added`, `was` its original wording, "
     "`data` its corrected contract fields, `provenance` of an added item, `parent` area of evidence); a page "
     "loading the record replays them"),
]  # fmt: skip


def _name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp))


def type_text(tp: Any) -> str:
    """A field's type in words, from its annotation."""
    origin, args = get_origin(tp), get_args(tp)
    if tp is type(None):
        return "null"
    if origin in (Union, types.UnionType):
        return " or ".join(type_text(a) for a in args)
    if origin is Literal:
        return " or ".join(f"`{json.dumps(a)}`" for a in args)
    if origin is list:
        return f"list of {type_text(args[0])}"
    if origin is dict:
        return f"object of {type_text(args[0])} -> {type_text(args[1])}"
    if isinstance(tp, type) and issubclass(tp, Enum):
        return f"[{_name(tp)}](#{_name(tp).lower()})"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{_name(tp)}](#{_name(tp).lower()})"
    return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(tp, _name(tp))


def _meaning(model: type[BaseModel], key: str) -> str:
    text = MEANINGS.get(f"{_name(model)}.{key}") or model.model_fields[key].description
    if not text:
        raise KeyError(f"no meaning for {_name(model)}.{key}: add one to MEANINGS in pipeline/evaluation/contract.py")
    return text


def _table(model: type[BaseModel], contract: bool) -> list[str]:
    head = "| key | type | | meaning |" if contract else "| key | type | meaning |"
    rows = [head, "|---|---|---|---|" if contract else "|---|---|---|"]
    for key, info in model.model_fields.items():
        cells = [f"`{key}`", type_text(info.annotation)]
        if contract:
            cells.append("contract" if key in CONTRACT_KEYS else "extra")
        cells.append(_meaning(model, key))
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return rows


def example() -> dict[str, Any]:
    """A small record made through the models, as `inspections extract` writes one."""
    prov = S.Provenance
    area = S.AreaForImprovement(
        id="1",
        text="Cafcass should ensure children and young people are safeguarded through consistent compliance "
        "with the Cafcass safeguarding policy in all cases.",
        timescale="immediately",
        judgement="satisfactory",
        evidence=[S.Evidence(source="provider", text="Briefings for all staff in the service area.",
                             provenance=prov(page=2, start=1904, end=1948, rule="evidence.bullet", confidence=1.0))],
        provenance=prov(page=2, start=1702, end=1851, rule="afi.numbered", confidence=1.0),
    )  # fmt: skip
    record = S.ExtractionRecord(
        document="000_c9dc9a16fd74069d.txt",
        doc_type="monitoring_letter",
        title="Post inspection monitoring Ofsted inspection of Cafcass Durham and Tees Valley (N2) 2009",
        date="2009-10-26",
        inspectorate="Ofsted",
        provider="Cafcass",
        service_area="Durham and Tees Valley (N2)",
        overall_judgement=S.OverallJudgement(
            grade="satisfactory", kind="progress", provenance=prov(page=1, start=640, end=702, rule="overall.progress")
        ),
        areas_for_improvement=[area],
        recommendations=[],
        judgements=[S.Judgement(subject="Overall effectiveness", grade="good",
                                provenance=prov(page=1, start=512, end=545, rule="judgement.line", confidence=0.9))],
    )  # fmt: skip
    data = record.model_dump(mode="json", exclude={"sha256", "extractor_version"})
    return {k: v for k, v in data.items() if k in CONTRACT_KEYS or k in ("schema_name", "schema_version")}


def render() -> str:
    """The whole of docs/contract.md."""
    out = [
        "# The extraction record: the JSON contract",
        "",
        "<!-- Generated by `python -m pipeline.evaluation.contract` from schemas/record.py (keys, types, enums) and",
        "     pipeline/evaluation/contract.py (meanings); tests/test_contract.py fails when this file is stale. -->",
        "",
        "One JSON object per source document. The project's tools read and write it:",
        "",
        "- `inspections extract --format json` writes one per document, with provenance;",
        "- `inspections eval --gold DIR` reads gold records in it (hand-made, or saved from a review page) and scores "
        "the extractor against them;",
        "- a review page (`inspections review`) saves a reader's corrections as one, and loads one back.",
        "",
        f"The machine-readable form is the JSON Schema `schemas/json/InspectionsRecord.schema.json` (schema "
        f"`{S.ExtractionRecord.model_fields['schema_name'].default}` {S.RECORD_SCHEMA_VERSION}, written by "
        "`python -m schemas.export`). Keys marked *contract* must be present in every record (`null` or `[]` when "
        "the document has none); the scorer reads them. Other keys are allowed and ignored by the scorer; the "
        "extractor adds provenance and themes to every item, and the metadata of `docs/metadata.md` (local "
        "authority, inspection dates, lead inspector, framework, ...) with `metadata_provenance`. The database "
        "holds the same content, flattened (README, Database tables).",
        "",
        "## Example",
        "",
        "An illustrative record (its offsets are made up), as the models write it:",
        "",
        "```json",
        json.dumps(example(), indent=2, ensure_ascii=False),
        "```",
        "",
        "## The record",
        "",
        *_table(S.ExtractionRecord, contract=True),
        "",
        "Keys gold and reviewed records carry beside the model's:",
        "",
        "| key | type | meaning |",
        "|---|---|---|",
        *(f"| `{k}` | {t} | {m} |" for k, t, m in RECORD_EXTRAS),
        "",
    ]
    for model in MODELS[1:]:
        doc = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())
        out += [f"## {_name(model)}", "", *([doc, ""] if doc else []), *_table(model, contract=False), ""]
    out += ["## Enumerations", ""]
    for enum in ENUMS:
        out += [f"### {_name(enum)}", "", ", ".join(f"`{m.value}`" for m in enum), ""]
    out += [
        "## How the scorer compares records",
        "",
        "`inspections eval` (pipeline/evaluation/evaluate.py) matches a gold record to a document by `source` "
        "(its path's tail) or by `document`'s base name, then:",
        "",
        f"- areas for improvement, evidence and recommendations are matched one to one by text similarity of at "
        f"least {E.TEXT_THRESHOLD} after normalising case, punctuation, bullet markers and whitespace (wording "
        "counts); precision, recall and F1 per field, micro-averaged over documents;",
        f"- judgements match when their grades are equal and their subjects' similarity is at least "
        f"{E.SUBJECT_THRESHOLD} (or one contains the other);",
        "- a matched area's `timescale`, `judgement` and `rag`, and a matched evidence bullet's `source`, are "
        "scored where the gold record gives them;",
        f"- metadata ({', '.join(f'`{k}`' for k in E.META_FIELDS)} and the overall judgement's grade) is scored as "
        "accuracy: dates exactly, names forgivingly (one containing the other, or similar).",
        "",
    ]
    return "\n".join(out)


def main(path: Path = DOC) -> int:
    path.write_text(render(), encoding="utf-8")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DOC))
