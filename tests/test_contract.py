"""docs/contract.md is generated from the record's pydantic models (pipeline/evaluation/contract.py) and must
match them."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluation import contract as C
from pipeline.evaluation import evaluate as E
from schemas.record import ExtractionRecord
from tests.real import REAL

ROOT = C.DOC.parent.parent
FORMAT = REAL.parent / "gold" / "FORMAT.md"


def test_the_contract_document_is_up_to_date():
    assert C.DOC.read_text(encoding="utf-8") == C.render(), (
        "docs/contract.md is stale: run python -m pipeline.evaluation.contract"
    )


def test_every_key_of_the_models_has_a_meaning_and_a_row():
    text = C.DOC.read_text(encoding="utf-8")
    for model in C.MODELS:
        section = text if model is ExtractionRecord else text.split(f"## {model.__name__}\n", 1)[1].split("\n## ", 1)[0]
        for key in model.model_fields:
            assert f"| `{key}` |" in section, (model.__name__, key)


def test_the_contract_keys_are_the_record_s_and_the_scorer_s():
    assert set(C.CONTRACT_KEYS) <= set(ExtractionRecord.model_fields)
    assert set(E.META_FIELDS) <= set(C.CONTRACT_KEYS)
    assert {"areas_for_improvement", "recommendations", "judgements", "overall_judgement"} <= set(C.CONTRACT_KEYS)
    ExtractionRecord.model_validate(C.example())  # the example is a valid record


def test_the_shared_format_names_no_key_the_contract_lacks():
    """Checked against the team's FORMAT.md where it is beside the project (a fresh clone has none)."""
    if not FORMAT.is_file():
        return
    keys = set(re.findall(r"^\| `([a-z_]+)(?:\[\])?(?:\.[a-z_]+)?`", FORMAT.read_text(encoding="utf-8"), re.M))
    assert keys and keys <= set(C.CONTRACT_KEYS), keys - set(C.CONTRACT_KEYS)


def test_extract_help_and_the_readme_point_at_the_project_s_own_contract():
    res = CliRunner().invoke(app, ["extract", "--help"])
    assert "docs/contract.md" in res.output and "FORMAT.md" not in res.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/contract.md" in readme and "FORMAT.md" not in readme
