"""Theme classifier: real area-for-improvement wording -> common evaluation schedule themes."""

from __future__ import annotations

import json

import pytest

from extractors.rules import RULES_DIR
from extractors.themes import ThemeLexicon, classify_themes, theme_lexicon


def themes(text: str) -> set[str]:
    return {m.theme for m in classify_themes(text)}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Cafcass should ensure that the management and handling of complaints are consistent with the policy.",
            {"complaints"},
        ),
        (
            "Cafcass should ensure that the responsibilities of service managers for supervising staff are balanced.",
            {"leadership_management.performance_workforce"},
        ),
        (
            "Cafcass should fulfil its statutory duty to cooperate in all Local Safeguarding Children Boards.",
            {"leadership_management.partnerships", "safeguarding"},
        ),
        (
            "Cafcass should secure meaningful participation by children, young people and families.",
            {"leadership_management.user_engagement"},
        ),
        (
            "Ensure that all child protection plans are specific and measurable.",
            {"safeguarding", "quality_of_provision.case_planning_recording"},
        ),
        (
            "Strengthen the quality assurance of reports to court.",
            {"leadership_management.performance_workforce", "quality_of_provision.reporting_recommendations"},
        ),
        (
            "Ensure, as far as possible, that the ethnicity of all staff is known.",
            {"leadership_management.equality_diversity", "leadership_management.performance_workforce"},
        ),
        (
            "Improve the proportion of care leavers in education, training or employment.",
            {"outcomes.economic_wellbeing", "outcomes.enjoying_achieving"},
        ),
    ],
)
def test_themes_for_real_wording(text, expected):
    assert expected <= themes(text)


def test_matched_terms_are_the_provenance():
    (m,) = [m for m in classify_themes("Complaints were handled late.") if m.theme == "complaints"]
    assert m.terms == ["complain*"]
    assert m.rule == "themes.lexicon.v1"
    assert 0 < m.confidence <= 1


def test_no_theme_for_unrelated_text():
    assert classify_themes("The weather in March was cold.") == []


def test_lexicon_covers_the_schedule_and_rejects_orphans():
    lex = theme_lexicon()
    roots = {t.id for t in lex.themes if t.parent is None}
    assert roots == {"leadership_management", "safeguarding", "quality_of_provision", "complaints", "outcomes"}
    data = json.loads((RULES_DIR / "themes.json").read_text())
    data["themes"].append({"id": "x.y", "label": "X", "parent": "x", "terms": ["x"]})
    with pytest.raises(ValueError, match="unknown parent"):
        ThemeLexicon.model_validate(data)


def _reference_terms(text: str) -> set[str]:
    """Each term as the plain case-insensitive regex it means: \\b, words, "*" any word ending."""
    import re

    def rx(term: str) -> str:
        parts = [re.escape(w[:-1]) + r"[\w-]*" if w.endswith("*") else re.escape(w) for w in term.split()]
        return r"\b" + r"\s+".join(parts) + r"\b"

    return {term for t in theme_lexicon().themes for term in t.terms if re.search(rx(term), text, re.I)}


@pytest.mark.parametrize(
    "text",
    [
        "Supervision of SOCIAL WORKERS is not regular; re-supervision is.",
        "unsupervised children; child-protection plans and Child Protection enquiries",
        "The council's complaints, complaint handling and (complaints) process.",
        "Leaders'   quality\nassurance and audits",
    ],
)
def test_term_regexes_find_what_the_plain_case_insensitive_terms_find(text):
    found = {term for m in classify_themes(text) for term in m.terms}
    assert found == _reference_terms(text)


def test_term_regexes_agree_with_the_plain_terms_on_every_corpus_line():
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    lines = [ln for p in sorted(corpus.rglob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines() if ln]
    assert len(lines) > 1000
    for line in lines:
        assert {term for m in classify_themes(line) for term in m.terms} == _reference_terms(line), line
