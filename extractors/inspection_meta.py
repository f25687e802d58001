"""What Ofsted prints about an inspection: its dates, lead inspector, framework, a visit's focus, a SEND outcome.

Pure functions of the normalised text (and its blocks) and the rules of rules/metadata.json. Each
returns a `Found` with the span it was read from and the rule that read it, for provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from extractors.rules import NAME_SLOT, FrameworkRule, MetadataRules
from schemas.document import Block, BlockKind

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_MON = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# "to", "and", or a dash of any kind ("-", "–", "—", "─" all occur): one punctuation mark.
_SEP = r"\s*(?:to|and|until|till|[^\w\s,.;:()'’])\s*"
# "17 March to 21 March 2025", "12 to 23 January 2026", "2 June 2014 – 25 June 2014", "11 and 12 October
# 2018", "19 November–30 November 2018", "18 Feb 2014 – 12 March 2014", "28 December 2025 to 8 January 2026",
# or one day: "15 December 2020".
DATE_RANGE = re.compile(
    rf"(?P<d1>{_DAY})(?:\s+(?P<m1>{_MON})(?:,?\s+(?P<y1>\d{{4}}))?)?{_SEP}(?P<d2>{_DAY})\s+(?P<m2>{_MON}),?\s+(?P<y2>\d{{4}})\b"
    rf"|(?P<d>{_DAY})\s+(?P<m>{_MON}),?\s+(?P<y>\d{{4}})\b",
    re.I,
)
MAX_INSPECTION_DAYS = 62  # a longer "range" is two dates that are not one inspection's
# A person's name as Ofsted prints it: two to four capitalised words (initials allowed), a title
# optional; never the words of a job title that follows it ("Her Majesty's Inspector", "HMI").
# Hyphens as PDFs deliver them: "-", soft hyphen, U+2010/2011, and U+FFFE (what PDFium gives a hyphen it
# took for a line-end one): "Thomson-Jones".
_HYPHENS = "\u00ad\u2010\u2011\ufffe"
_WORD = rf"[A-Z][A-Za-z’'\-{_HYPHENS}]+"
NAME = (
    r"(?P<name>(?!(?:Her|His|Ofsted|Care|Quality|Commission|CQC|Inspection|Team|The)\b)"
    rf"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+)?{_WORD}"
    rf"(?:[ \t]+(?!(?:Her|His|HMI|HMIs|Ofsted|CQC|Lead|Inspector|Inspectors|and)\b)(?:{_WORD}|[A-Z]\.?(?=\s))){{1,3}})"
)
_TITLE_WORD = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+")


@dataclass(frozen=True)
class Found:
    """A value read from the text, the span it was read from, and the rule that read it."""

    value: Any
    start: int
    end: int
    rule: str


def _day(d: str) -> int:
    return int(re.match(r"\d+", d).group())


def parse_date_range(m: re.Match[str]) -> tuple[date, date] | None:
    """A DATE_RANGE match as (first day, last day); None when it is no real range of dates."""
    try:
        if m.group("d"):
            one = date(int(m.group("y")), _MONTHS[m.group("m").lower().rstrip(".")], _day(m.group("d")))
            return one, one
        y2, m2 = int(m.group("y2")), _MONTHS[m.group("m2").lower().rstrip(".")]
        end = date(y2, m2, _day(m.group("d2")))
        m1 = _MONTHS[m.group("m1").lower().rstrip(".")] if m.group("m1") else m2
        y1 = int(m.group("y1")) if m.group("y1") else (y2 - 1 if m1 > m2 else y2)  # "28 December to 8 January 2026"
        start = date(y1, m1, _day(m.group("d1")))
    except ValueError:
        return None
    if not (0 <= (end - start).days <= MAX_INSPECTION_DAYS):
        return None
    return start, end


def date_range_at(text: str, pos: int, limit: int = 80) -> tuple[tuple[date, date], int, int] | None:
    """The first date or range of dates starting within `limit` characters of `pos`."""
    m = DATE_RANGE.search(text, pos, min(len(text), pos + limit))
    if m is None or text[pos : m.start()].strip(" :\t\n,"):
        return None
    span = parse_date_range(m)
    return (span, m.start(), m.end()) if span else None


def find_inspection_dates(text: str, rules: MetadataRules, opening_end: int) -> Found | None:
    """The inspection's or visit's dates: after an "Inspection dates:" label, else in a letter's first sentence."""
    end = min(len(text), opening_end)
    for rule, pattern in (
        ("inspection_dates.label", rules.inspection_date_labels),
        ("inspection_dates.visit", rules.visit_date_cues),
    ):
        for m in _rx(pattern).finditer(text, 0, end):
            got = date_range_at(text, m.end())
            if got:
                (start, last), s, e = got
                return Found((start.isoformat(), last.isoformat()), s, e, rule)
    return None


def find_lead_inspector(text: str, rules: MetadataRules, opening_end: int) -> Found | None:
    """The lead inspector's name, without title or post; rules in the rule file's order.

    The visit-team phrase ("His Majesty's Inspectors for this visit were A and B": A leads) is read
    in the opening only; labels and the signature anywhere.
    """
    for rule in rules.lead_inspector_patterns:
        end = min(len(text), opening_end) if rule.id == "lead_inspector.visit_team" else len(text)
        m = _rx(rule.pattern.replace(NAME_SLOT, NAME)).search(text, 0, end)
        if m:
            name = _TITLE_WORD.sub("", m.group("name")).strip()
            name = re.sub(f"[{_HYPHENS}]", "-", name)
            return Found(name, m.start("name"), m.end("name"), rule.id)
    return None


def find_framework(
    head: str, subject: str | None, text: str, rules: MetadataRules, days: int | None
) -> tuple[FrameworkRule, str, Found] | None:
    """The first framework rule that fits: (rule, inspection kind, where its pattern matched in head or subject).

    `head` is the start of the text (a report's title lines), `subject` a letter's subject line;
    `days` the inspection's length, for `kind: by_duration` (short inspections last a week).
    """
    for rule in rules.frameworks:
        where = head if rule.where == "head" else (subject or "")
        m = next((m for p in rule.patterns if (m := _rx(p).search(where))), None)
        if m is None:
            continue
        if not all(_rx(p).search(head) for p in rule.head_requires):
            continue
        if not all(_rx(p).search(text) for p in rule.requires) or any(_rx(p).search(text) for p in rule.excludes):
            continue
        kind: str | None = rule.kind
        if kind == "by_duration":  # short inspections last a week on site, standard ones two
            kind = None if days is None else "short" if days <= rules.short_inspection_max_days else "standard"
        return rule, kind, Found(rule.framework, m.start(), m.end(), f"framework.{rule.framework}")
    return None


def find_visit_focus(blocks: list[Block], rules: MetadataRules, first: int = 0, last: int = 20) -> Found | None:
    """What a focused visit looked at: the sentence saying so, as printed (a list it introduces joined on).

    "Inspectors looked at the local authority's arrangements for care leavers." A sentence ending in
    a colon takes the bullets under it, as the areas for improvement do.
    """
    rx = _rx(rules.visit_focus)
    for i in range(first, min(len(blocks), last)):
        b = blocks[i]
        m = rx.search(b.text)
        if m is None:
            continue
        stop = re.search(r"(?<![A-Z])[.:](?=\s|$)", b.text[m.end() :])
        end = m.end() + stop.end() if stop else len(b.text)
        sentence = b.text[m.start() : end].strip()
        out_end = b.start + end
        if sentence.endswith(":"):
            parts = [sentence]
            for nxt in blocks[i + 1 : i + 9]:
                item = list_item(nxt)
                if item is None:
                    break
                parts.append(item)
                out_end = nxt.end
            sentence = " ".join(parts)
        return Found(" ".join(sentence.split()), b.start + m.start(), out_end, "visit_focus.sentence")
    return None


_GLYPH = re.compile(r"^[^\w\s‘'\"(]+\s*")


def list_item(block: Block) -> str | None:
    """The text of a list item (a bullet, or a line or table row led by a bullet glyph), without the glyph."""
    text = block.text.replace("\t", " ").strip()
    if block.kind is BlockKind.BULLET or _GLYPH.match(text):
        return _GLYPH.sub("", text).strip() or None
    return None


def visit_topics(focus: str, rules: MetadataRules) -> list[str]:
    """The topics of the lexicon a visit's focus names, in the lexicon's order."""
    return [t.topic for t in rules.visit_topics if any(_rx("(?i)" + p).search(focus) for p in t.patterns)]


def find_send_outcome(text: str, rules: MetadataRules, opening_end: int) -> Found | None:
    """An area SEND inspection's outcome, from the printed outcome sentence."""
    end = min(len(text), opening_end)
    for o in rules.send_outcomes:
        for p in o.patterns:
            m = _rx("(?i)" + p).search(text, 0, end)
            if m:
                return Found(o.outcome, m.start(), m.end(), "send_outcome.sentence")
    return None


@lru_cache(maxsize=256)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
