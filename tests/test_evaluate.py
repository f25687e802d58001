"""The evaluator: perfect records score 1, every kind of miss is counted and reported in words."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pipeline.evaluation.evaluate import evaluate, format_report, load_gold

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLDEN)


def test_gold_against_itself_scores_one(gold):
    result = evaluate(gold, copy.deepcopy(gold))
    assert result.score == pytest.approx(1.0)
    assert all(not d.misses for d in result.documents)


def test_a_dropped_area_costs_recall_and_is_named(gold):
    pred = copy.deepcopy(gold)
    dropped = pred["000_c9dc9a16fd74069d"]["areas_for_improvement"].pop(5)
    result = evaluate(gold, pred)
    afi = result.tallies["areas_for_improvement"]
    assert (afi.tp, afi.gold, afi.pred) == (19, 20, 19)
    assert afi.precision == 1.0 and afi.recall == pytest.approx(0.95)
    doc = next(d for d in result.documents if d.name == "000_c9dc9a16fd74069d")
    assert any(dropped["text"] in m and m.startswith("area: expected, not found") for m in doc.misses)
    # Its evidence went with it.
    assert result.tallies["evidence"].tp == 73 - len(dropped["evidence"])


def test_wrong_fields_are_reported_with_expected_and_found(gold):
    pred = copy.deepcopy(gold)
    rec = pred["004_f0749543a7284e51"]
    rec["areas_for_improvement"][0]["rag"] = "green"
    rec["provider"] = "Somewhere Else"
    rec["judgements"].append({"subject": "Invented", "grade": "good"})
    result = evaluate(gold, pred)
    assert result.accuracies["afi.rag"].value == pytest.approx(12 / 13)
    assert result.tallies["judgements"].precision < 1.0
    report = format_report(result)
    assert "rag: expected 'amber', found 'green'" in report
    assert f"provider: expected {gold['004_f0749543a7284e51']['provider']!r}, found 'Somewhere Else'" in report
    assert "judgement: found, not expected: 'Invented: good'" in report


def test_text_comparison_forgives_case_punctuation_and_markers(gold):
    pred = copy.deepcopy(gold)
    for area in pred["000_c9dc9a16fd74069d"]["areas_for_improvement"]:
        area["text"] = "- " + area["text"].upper().replace(",", "")
    assert evaluate(gold, pred).tallies["areas_for_improvement"].f1 == 1.0


def test_missing_record_counts_as_empty(gold):
    pred = copy.deepcopy(gold)
    del pred["003_b29c2434e00e918d"]
    result = evaluate(gold, pred)
    assert result.tallies["recommendations"].recall == pytest.approx(3 / 13)
    assert "003_b29c2434e00e918d: no record produced" in format_report(result)


def test_a_metadata_alias_in_the_gold_counts_as_the_field(gold):
    """`provider_aliases` lists other accepted spellings, as the team's reference scorer reads them."""
    pred = copy.deepcopy(gold)
    pred["004_f0749543a7284e51"]["provider"] = "Wearside Children's Trust"
    assert evaluate(gold, pred).accuracies["metadata"].value < 1.0
    with_alias = copy.deepcopy(gold)
    with_alias["004_f0749543a7284e51"]["provider_aliases"] = ["Wearside Children's Trust"]
    assert evaluate(with_alias, pred).accuracies["metadata"].value == pytest.approx(1.0)
