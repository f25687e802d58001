"""Strict loader for rules/judgements.json: what each inspection framework grades and how its
reports print it (read by extractors/judgements.py)."""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.rules import RULES_DIR, load_rules
from schemas.record import Grade


def compile_phrase(pattern: str, grades: str = "") -> re.Pattern[str]:
    """A rule pattern as a case-insensitive regex: a space matches any whitespace run (" ?" any or
    none), and GRADE stands for the grade vocabulary's alternation."""
    p = pattern.replace(" ?", r"\s*").replace(" ", r"\s+").replace("GRADE", f"(?:{grades})" if grades else "GRADE")
    return re.compile(p, re.I)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GradePhrase(_Strict):
    pattern: str
    grade: Grade


class SplitGrade(_Strict):
    """A grade that page layout prints in two halves around its subject ("Requires" / "improvement")."""

    first: str
    second: str
    grade: Grade


class NoJudgementGenre(_Strict):
    genre: str
    why: str
    opening_patterns: list[str] = Field(min_length=1)


class SubjectRule(_Strict):
    key: str
    pattern: str
    overall: bool = False


class JudgementList(_Strict):
    """A framework's judgement table or list: the subjects it grades, as printed."""

    framework: str
    why: str
    min_subjects: int = Field(ge=1)
    subjects: list[SubjectRule] = Field(min_length=1)


class Opening(_Strict):
    """Where a report prints its judgement table (pages, blocks) and names its genre (blocks)."""

    max_page: int = Field(ge=1)
    max_blocks: int = Field(ge=1)
    genre_blocks: int = Field(ge=1)


class LscbRules(_Strict):
    subject: str
    why: str
    patterns: list[str] = Field(min_length=1)
    review_opening_patterns: list[str] = Field(min_length=1)


class La2009Rules(_Strict):
    why: str
    opening_blocks: int = Field(ge=1)
    opening_why: str
    opening_patterns: list[str] = Field(min_length=1)
    sections_why: str
    sections: list[str]
    subjects: list[SubjectRule] = Field(min_length=1)


class JudgementRules(_Strict):
    """rules/judgements.json: what each inspection framework grades and how its reports print it."""

    comment: str = Field(alias="_comment")
    opening: Opening
    grades: list[GradePhrase] = Field(min_length=1)
    split_grade: SplitGrade
    grade_numbers: dict[str, Grade]
    no_judgement_documents: list[NoJudgementGenre]
    lists: list[JudgementList] = Field(min_length=1)
    overall_subject: str
    overall_sentences: list[str] = Field(min_length=1)
    lscb: LscbRules
    la_2009_13: La2009Rules

    @property
    def grade_alternation(self) -> str:
        return "|".join(g.pattern.replace(" ", r"\s+") for g in self.grades)

    @model_validator(mode="after")
    def _patterns_compile(self) -> JudgementRules:
        grades = self.grade_alternation
        pats = [g.pattern for g in self.grades] + [self.split_grade.first, self.split_grade.second]
        pats += [p for g in self.no_judgement_documents for p in g.opening_patterns]
        pats += [s.pattern for lst in self.lists for s in lst.subjects] + self.overall_sentences
        pats += self.lscb.patterns + self.lscb.review_opening_patterns + self.la_2009_13.opening_patterns
        pats += self.la_2009_13.sections + [s.pattern for s in self.la_2009_13.subjects]
        for p in pats:
            try:
                compile_phrase(p, grades)
            except re.error as exc:
                raise ValueError(f"bad pattern {p!r}: {exc}") from exc
        for p in self.overall_sentences + self.lscb.patterns:
            if "(?P<grade>" not in p:
                raise ValueError(f"pattern {p!r} names no (?P<grade>...) group")
        return self


@lru_cache(maxsize=1)
def judgement_rules() -> JudgementRules:
    """The judgement rules, loaded and validated once."""
    return load_rules(JudgementRules, RULES_DIR / "judgements.json")
