"""Classify areas for improvement and recommendations into the common evaluation schedule's themes.

A rule lexicon (rules/themes.json) is the baseline: each theme lists terms, and an item gets every
theme whose terms it mentions (many labels), with the matched terms kept as provenance.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.rules import RULES_DIR
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


def _term_regex(term: str) -> str:
    words = term.split()
    parts = []
    for w in words:
        if w.endswith("*"):
            parts.append(re.escape(w[:-1]) + r"[\w-]*")
        else:
            parts.append(re.escape(w))
    return r"\b" + r"\s+".join(parts) + r"\b"


@lru_cache(maxsize=1)
def theme_lexicon() -> ThemeLexicon:
    return ThemeLexicon.model_validate(json.loads((RULES_DIR / "themes.json").read_text(encoding="utf-8")))


def _first_word(term: str) -> str:
    """The literal start of a term's first word (its stem for "supervis*"), case-folded."""
    return term.split()[0].removesuffix("*").casefold()


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[Theme, tuple[str, ...], re.Pattern[str], list[tuple[str, re.Pattern[str]]]]]:
    """Per theme: its terms' first words (a substring test, cheapest), one alternation of all its
    terms (the cheap regex test), and each term on its own."""
    out = []
    for t in theme_lexicon().themes:
        terms = [(term, re.compile(_term_regex(term), re.I)) for term in t.terms]
        firsts = tuple(dict.fromkeys(_first_word(term) for term in t.terms))
        out.append((t, firsts, re.compile("|".join(_term_regex(term) for term in t.terms), re.I), terms))
    return out


def classify_themes(text: str) -> list[ThemeMatch]:
    """Every theme whose terms the text mentions, strongest first (pure function)."""
    out = []
    folded = text.casefold()
    for theme, firsts, any_term, terms in _compiled():
        if not any(w in folded for w in firsts) or not any_term.search(text):
            continue
        hits = sorted({term for term, rx in terms if rx.search(text)})
        confidence = round(min(1.0, 0.4 + 0.2 * len(hits) + 0.1 * sum(" " in h for h in hits)), 2)
        out.append(
            ThemeMatch(
                theme=theme.id, label=theme.label, parent=theme.parent, terms=hits, confidence=confidence,
                rule=RULE_ID,
            )
        )  # fmt: skip
    out.sort(key=lambda m: (-m.confidence, m.theme))
    return out
