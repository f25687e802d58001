"""Classify areas for improvement and recommendations into the common evaluation schedule's themes.

A rule lexicon (rules/themes.json) is the baseline: each theme lists terms, and an item gets every
theme whose terms it mentions (many labels), with the matched terms kept as provenance.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.rules import RULES_DIR, load_rules
from schemas.record import ThemeTag as ThemeMatch

RULE_ID = "themes.lexicon.v1"


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)?$")
    label: str
    parent: str | None
    terms: list[str] = Field(min_length=1)


class ThemeLexicon(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    note: str
    themes: list[Theme]

    @model_validator(mode="after")
    def _parents_exist(self) -> ThemeLexicon:
        ids = {t.id for t in self.themes}
        for t in self.themes:
            if t.parent is not None and t.parent not in ids:
                raise ValueError(f"theme {t.id!r} names unknown parent {t.parent!r}")
            if t.parent is not None and not t.id.startswith(t.parent + "."):
                raise ValueError(f"theme {t.id!r} must be named under its parent {t.parent!r}")
        return self


def term_regex(term: str) -> str:
    r"""A term as a regex over lowercased text: whole words, a trailing "*" any word ending.

    The left word boundary is tested after the first word's letters (`(?<!\w.{n})`), so the regex
    engine can skip ahead to the first letter (as the rule gates do: extractors/nlp.py).
    """
    parts = []
    for k, w in enumerate(term.lower().split()):
        stem = w.removesuffix("*")
        lit = re.escape(stem)
        if k == 0:
            lit = rf"{lit}(?<!\w.{{{len(stem)}}})" if stem[:1].isalnum() or stem[:1] == "_" else rf"\b{lit}"
        parts.append(lit + (r"[\w-]*" if w.endswith("*") else ""))
    return r"\s+".join(parts) + r"\b"


@lru_cache(maxsize=1)
def theme_lexicon() -> ThemeLexicon:
    return load_rules(ThemeLexicon, RULES_DIR / "themes.json")


def _first_word(term: str) -> str:
    """The literal start of a term's first word (its stem for "supervis*"), lowercased."""
    return term.split()[0].removesuffix("*").lower()


@lru_cache(maxsize=1)
def _compiled() -> tuple[list[Theme], dict[str, list[tuple[int, str, re.Pattern[str]]]]]:
    """The themes, and per first word of a term (a substring test, cheapest): the terms that start
    with it, as (theme index, term, regex). Each first word is then tested once per text, not once
    per term that starts with it."""
    themes = theme_lexicon().themes
    by_first: dict[str, list[tuple[int, str, re.Pattern[str]]]] = {}
    for i, t in enumerate(themes):
        for term in t.terms:
            by_first.setdefault(_first_word(term), []).append((i, term, re.compile(term_regex(term))))
    return themes, by_first


def classify_themes(text: str) -> list[ThemeMatch]:
    """Every theme whose terms the text mentions, strongest first (pure function)."""
    out = []
    low = text.lower()
    themes, by_first = _compiled()
    found: dict[int, set[str]] = {}
    for first, terms in by_first.items():
        if first in low:
            for i, term, rx in terms:
                if rx.search(low):
                    found.setdefault(i, set()).add(term)
    for i, terms_hit in found.items():
        theme, hits = themes[i], sorted(terms_hit)
        confidence = round(min(1.0, 0.4 + 0.2 * len(hits) + 0.1 * sum(" " in h for h in hits)), 2)
        out.append(
            ThemeMatch(
                theme=theme.id, label=theme.label, parent=theme.parent, terms=hits, confidence=confidence,
                rule=RULE_ID,
            )
        )  # fmt: skip
    out.sort(key=lambda m: (-m.confidence, m.theme))
    return out
