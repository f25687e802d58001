"""Document metadata: type, title, date, inspectorate, provider and service area.

Title and date come from the document's opening by form (a standalone line, a dated line);
the rest from gazetteers in rules/lexicon.json scored over the title and opening.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from extractors.analysis import Analysis, BlockView
from extractors.rules import lexicon
from schemas.document import BlockKind
from schemas.record import DocType

OPENING_CHARS = 2500
_INSPECTION_TYPES = frozenset({DocType.INSPECTION_REPORT, DocType.MONITORING_LETTER, DocType.FOCUSED_VISIT_LETTER})
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_DATE = re.compile(
    r"^(?:(?:date(?:\s+of\s+(?:meeting|publication|issue|letter|report))?|(?:report\s+)?published|"
    r"(?:publication|issue|meeting)\s+date|issued)\s*:?\s*)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_MONTHS) + r"),?\s+(\d{4})\.?(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*[ap]m)?)?$",
    re.I,
)
_CONTACT = re.compile(r"@|www\.|\bT\s*0\d|\btel\b|\bfax\b|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s\d[A-Z]{2}\b|^direct\b", re.I)
_SALUTATION = re.compile(r"^dear\b", re.I)


@dataclass
class Metadata:
    doc_type: DocType
    title: str | None
    date: str | None
    inspectorate: str | None
    provider: str | None
    service_area: str | None


def _opening(views: list[BlockView]) -> list[BlockView]:
    out, total = [], 0
    for v in views:
        out.append(v)
        total += len(v.text)
        if total > OPENING_CHARS:
            break
    return out


def _is_date(text: str) -> str | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))).isoformat()
    except ValueError:
        return None


def find_date(views: list[BlockView]) -> str | None:
    """The issue date: a line that is only a date, near the top (letters put it above the salutation)."""
    for v in views[:20]:
        text = " ".join(c.text for c in v.block.cells) if v.kind is BlockKind.TABLE_ROW else v.text
        if d := _is_date(text):  # "Date of meeting:<tab>Tuesday 23 January 2024" is a two-cell row
            return d
    return None


def find_title(views: list[BlockView]) -> str | None:
    """The document's own title line: a letter's subject line, else its first title-like line."""
    for i, v in enumerate(views[:25]):
        if _SALUTATION.match(v.text) and i + 1 < len(views):
            nxt = views[i + 1]
            if len(nxt.text.split()) <= 25 and not nxt.text.rstrip().endswith((".", ":")):
                return nxt.text.strip()
            break
    for v in views[:15]:
        text = v.text.strip()
        if v.kind in (BlockKind.TABLE_ROW, BlockKind.BULLET) or not text:
            continue
        if _CONTACT.search(text) or _is_date(text) or len(text.split()) > 25:
            continue
        return text
    return None


def _count(patterns: list[str], text: str, low: str | None = None) -> int:
    """Occurrences of each of the (regex) patterns as whole words, summed (`low`: text.lower(), if known)."""
    if not text:
        return 0
    low = text.lower() if low is None else low
    n = 0
    for p in patterns:
        rx, prefix = _whole_word(p)
        if prefix not in low:  # a match starts with the pattern's literal prefix: a cheap test first
            continue
        if prefix and len(low) == len(text):
            n += _count_from(rx, prefix, text, low)
        else:
            n += len(rx.findall(text))
    return n


def _count_from(rx: re.Pattern[str], prefix: str, text: str, low: str) -> int:
    """len(rx.findall(text)), trying the regex only where its literal prefix occurs in `low`.

    Every match starts with the prefix, so no other position can start one; matches are counted
    left to right without overlap, as findall does. `rx.match(text, i)` still sees the text before
    i (its leading \b does), unlike a slice. Searching from each position instead made the regex
    engine test every character, as the pattern starts with \b rather than literal text.
    """
    n = pos = 0
    while (i := low.find(prefix, pos)) >= 0:
        m = rx.match(text, i)
        if m is None:
            pos = i + 1
        else:
            n += 1
            pos = max(m.end(), i + 1)
    return n


@lru_cache(maxsize=256)
def _whole_word(pattern: str) -> tuple[re.Pattern[str], str]:
    return re.compile(r"\b(?:" + pattern + r")\b", re.I), literal_prefix(pattern).lower()


_QUANTIFIERS = "?*+{"


def literal_prefix(pattern: str) -> str:
    """The literal text every match of the regex starts with ("" when there is none to rely on).

    Reads plain characters (and escaped punctuation) up to the first regex syntax; a quantified
    last character is dropped; a pattern with a top-level alternation has no common prefix.
    """
    depth = 0
    for i, c in enumerate(pattern):
        if c == "\\":
            continue
        if c == "(" and (i == 0 or pattern[i - 1] != "\\"):
            depth += 1
        elif c == ")" and pattern[i - 1] != "\\":
            depth -= 1
        elif c == "|" and depth == 0 and pattern[i - 1] != "\\":
            return ""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            out.append(pattern[i + 1])
            i += 2
            continue
        if c.isalnum() or c in " -'’,&":
            out.append(c)
            i += 1
            continue
        if c in _QUANTIFIERS and out:
            out.pop()
        break
    return "".join(out)


def required_texts(pattern: str) -> list[tuple[str, ...]]:
    """Texts every match of the regex contains: per entry, alternatives of which one occurs.

    Read from the top level of the parsed regex: runs of literal characters, and alternations
    whose every branch starts with literal text. Empty when nothing can be relied on (a
    case-insensitive regex, or one the parser of this Python reads differently): then the
    caller's pre-check admits every text.
    """
    try:
        from re import _constants as C
        from re import _parser

        parsed = _parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return []

        def lead(items) -> str:
            chars = []
            for op, arg in items:
                if op is not C.LITERAL:
                    break
                chars.append(chr(arg))
            return "".join(chars)

        out: list[tuple[str, ...]] = []
        run: list[str] = []
        for op, arg in parsed:
            if op is C.LITERAL:
                run.append(chr(arg))
                continue
            if run:
                out.append(("".join(run),))
                run = []
            if op is C.BRANCH and all(alts := tuple(lead(branch) for branch in arg[1])):
                out.append(alts)
        if run:
            out.append(("".join(run),))
        return out
    except Exception:  # private parser API: any surprise only costs the pre-check
        return []


@lru_cache(maxsize=1)
def _provider_regexes() -> list[tuple[re.Pattern[str], list[tuple[str, ...]]]]:
    return [(re.compile(p), required_texts(p)) for p in lexicon().provider_regexes]


def find_inspectorate(title: str, opening: str) -> str | None:
    """The inspectorate named in the title or the opening of the document."""
    low_title, low_opening = title.lower(), opening.lower()
    best = max(
        (
            (_count(i.patterns, title, low_title) * 3 + _count(i.patterns, opening, low_opening), i.name)
            for i in lexicon().inspectorates
        ),
        default=(0, None),
    )
    return best[1] if best[0] > 0 else None


def find_provider(text: str) -> str | None:
    """The inspected organisation: gazetteer names first, then council/school/trust names by frequency."""
    lex = lexicon()
    low = text.lower()
    scored = [(_count(p.patterns, text, low), p.name) for p in lex.providers]
    best = max(scored, default=(0, None))
    if best[0] >= 2:
        return best[1]
    counts: Counter[str] = Counter()
    for rx, needs in _provider_regexes():
        if all(any(t in text for t in alts) for alts in needs):  # else the regex cannot match
            for m in rx.finditer(text):
                counts[m.group().strip()] += 1
    if not counts:
        return best[1] if best[0] else None
    # Group spellings of one body by their place name; report its fullest spelling.
    places: Counter[str] = Counter()
    fullest: dict[str, str] = {}
    for name, n in counts.items():
        place = (
            name.split()[0]
            if not name.lower().startswith(("london", "royal", "city", "county", "borough", "council"))
            else name.split()[-1]
        )
        places[place] += n
        if len(name) > len(fullest.get(place, "")):
            fullest[place] = name
    return fullest[places.most_common(1)[0][0]]


# "inspection of <provider> [in] [the] <Area>": the words before the provider's name, read back
# from where it occurs (one compiled regex, not one per document's provider: compiling cost ~0.4 ms
# a letter in every worker), and the area after it.
_VISIT_OF = re.compile(r"\b(?:inspection|inspections|visit|monitoring)\s+(?:of|to|at)\s+\Z")
_AREA_AFTER_PROVIDER = re.compile(
    r"\s+(?:in\s+)?(?:the\s+)?"
    r"(?P<area>(?:[A-Z][a-z]+|and|of|upon|on)(?:\s+(?:[A-Z][a-z]+|and|of|upon|on))*(?:\s+\([A-Z0-9]{1,4}\))?)"
)
_AREA_IN_THE = re.compile(r"\bin\s+the\s+(?P<area>(?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){0,3})\b")


def _area_after(text: str, provider: str) -> re.Match[str] | None:
    """The first "inspection of <provider> ... <Area>" in the text: the area's match, or None."""
    at = text.find(provider)
    while at >= 0:
        if _VISIT_OF.search(text, 0, at):
            m = _AREA_AFTER_PROVIDER.match(text, at + len(provider))
            if m:
                return m
        at = text.find(provider, at + 1)
    return None


def find_service_area(title: str | None, opening: list[BlockView], provider: str | None) -> str | None:
    """The unit inside the provider that was inspected, as written near the title."""
    if not provider:
        return None
    texts = ([title] if title else []) + [v.text for v in opening[:30]]
    for t in texts:
        m = _area_after(t, provider)
        if m and m.group("area").split()[0][0].isupper():
            return m.group("area").strip()
    for t in texts:
        if provider.lower() not in t.lower() and "(" + provider.lower() not in t.lower():
            continue
        m = _AREA_IN_THE.search(t, t.lower().find(provider.lower()))
        if m:
            return m.group("area")
    return None


def classify(title: str | None, opening: str, full: str, is_letter: bool) -> DocType:
    """Score the doc-type cues of the lexicon over title, opening and whole text.

    Letter types ("letter" cues) count only for documents written as letters (a salutation).
    """
    scores: Counter[DocType] = Counter()
    regions = {
        "title": (title or "").lower(),
        "opening": opening.lower(),
        "letter": opening.lower() if is_letter else "",
        "anywhere": full.lower(),
    }
    for cue in lexicon().doc_types:
        region = regions[cue.where]
        if any(p in region for p in cue.patterns):
            scores[cue.doc_type] += cue.weight
    if is_letter and not scores:
        return lexicon().letter_doc_type
    return scores.most_common(1)[0][0] if scores else DocType.OTHER


def extract_metadata(analysis: Analysis) -> Metadata:
    views = analysis.blocks
    opening_views = _opening(views)
    opening = "\n".join(v.text for v in opening_views)
    title = find_title(views)
    is_letter = any(_SALUTATION.match(v.text) for v in views[:25])
    doc_type = classify(title, opening, analysis.document.text, is_letter)
    provider = find_provider(analysis.document.text)
    # An annual report reports on many inspected bodies, often by several inspectorates: no single one.
    # An inspection document that names its inspectorate only further in still comes from it.
    inspectorate = None if doc_type is DocType.ANNUAL_REPORT else find_inspectorate(title or "", opening)
    if inspectorate is None and doc_type in _INSPECTION_TYPES:
        inspectorate = find_inspectorate("", analysis.document.text)
    return Metadata(
        doc_type=doc_type,
        title=title,
        date=find_date(views),
        inspectorate=inspectorate,
        provider=provider,
        service_area=find_service_area(title, opening_views, provider),
    )
