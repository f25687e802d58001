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
