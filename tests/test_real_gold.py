"""Accuracy on real Ofsted documents, through `inspections eval` as a user runs it.

tests/gold/real/ holds hand-made gold records of 49 real documents of ../shared/real (docs/annotation.md
says how they were made): dev/ was used while writing the rules, heldout/ was not. Thresholds sit
just under the measured figures, so a regression fails.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.cli import app
from tests.real import GOLD, REAL, needs_real

pytestmark = needs_real
runner = CliRunner()


def _eval(tmp_path, gold) -> dict:
    out = tmp_path / "result.json"
    res = runner.invoke(app, ["eval", str(REAL), "--gold", str(gold), "--json", str(out)])
    assert res.exit_code == 0, res.output
    print(res.output.split("\n\n")[0])
    return json.loads(out.read_text())


def test_gold_covers_every_genre_and_names_its_files():
    records = [json.loads(p.read_text()) for p in GOLD.rglob("*.json")]
    assert len(records) >= 40
    kinds = [r["source"].split("/")[0] for r in records]
    assert kinds.count("focused_visits") >= 12 and kinds.count("ilacs") >= 20 and kinds.count("send") >= 6
    for r in records:
        assert (REAL / r["source"]).is_file(), r["source"]
        assert r["document"] == (REAL / r["source"]).name


def test_every_gold_document_is_scored(tmp_path):
    result = _eval(tmp_path, GOLD)
    assert len(result["documents"]) == len(list(GOLD.rglob("*.json")))
    assert not [name for name, d in result["documents"].items() if d["missing"]]


def _f1s(result: dict) -> dict[str, float]:
    return {k: result[k]["f1"] for k in ("areas_for_improvement", "recommendations", "judgements")}


def test_all_real_gold_documents(tmp_path):
    """The issue's bar on real documents: score >= 0.90, each F1 >= 0.85, metadata >= 0.95."""
    result = _eval(tmp_path, GOLD)
    assert result["score"] >= 0.97
    assert min(_f1s(result).values()) >= 0.95
    assert result["metadata"] >= 0.97


def test_dev_documents(tmp_path):
    result = _eval(tmp_path, GOLD / "dev")
    assert min(_f1s(result).values()) >= 0.98
    assert result["metadata"] >= 0.98


def test_held_out_documents(tmp_path):
    """First scored at areas 0.929, recommendations 0.971, judgements 1.000 (docs/annotation.md)."""
    result = _eval(tmp_path, GOLD / "heldout")
    assert min(_f1s(result).values()) >= 0.95
    assert result["metadata"] >= 0.95
