"""The national framework tag Ofsted prints after an improvement point, read into a field of its own.

Since 2024 Ofsted cross-references each area for improvement with the outcomes and enablers of
the Children's Social Care: National Framework (rules/national_framework.json), printed after the
item: "(outcome 3, national framework)", "(Outcome four, National Framework)", "[Outcome 3,
national framework]", "(Enabler: the workforce is equipped and effective, National Framework)".
The tag is Ofsted's own label, not part of what needs to improve: `split_tag` takes it out of the
item's text and names it ("outcome 3", "enabler 3").
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from extractors.rules import RULES_DIR, load_rules


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: int = Field(ge=1)
    name: str
    phrases: list[str] = Field(min_length=1)
    terms: list[str] = Field(min_length=1)  # the classifier's baseline lexicon (extractors/national_framework.py)


class NationalFramework(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    note: str
    number_words: dict[str, int]
    outcomes: list[_Part]
    enablers: list[_Part]


@lru_cache(maxsize=1)
def national_framework() -> NationalFramework:
    """The framework's outcomes and enablers (rules/national_framework.json), loaded once."""
    return load_rules(NationalFramework, RULES_DIR / "national_framework.json")


# A bracketed tag that names the national framework, anywhere in the item (usually at its end,
# before or after the item's own full stop).
_TAG = re.compile(
    r"\s*[(\[]\s*(?P<body>(?:outcomes?|enablers?|principles?)\b[^()\[\]]{0,120}?)[,;:]?\s*"
    r"(?:the\s+)?(?:children['’]s\s+social\s+care\s*:?\s*)?national\s+framework\s*[)\]]",
    re.I,
)
_PART = re.compile(r"\b(?P<kind>outcome|enabler|principle)s?\b\s*:?\s*(?P<ref>\d|[a-z]+)?", re.I)


def _number(ref: str | None) -> int | None:
    if not ref:
        return None
    if ref.isdigit():
        return int(ref)
    return national_framework().number_words.get(ref.lower())


def _named(kind: str, text: str) -> int | None:
    """The outcome or enabler whose wording the tag quotes ("Enabler: the workforce is ...")."""
    fw = national_framework()
    parts = fw.outcomes if kind == "outcome" else fw.enablers if kind == "enabler" else []
    low = text.lower()
    for part in parts:
        if part.name.lower() in low or any(p in low for p in part.phrases):
            return part.n
    return None


def parse_tag(body: str) -> str | None:
    """ "outcome 3", "enabler 2", "outcome 3, enabler 2" for a tag's body; None if it names nothing."""
    found: list[str] = []
    for m in _PART.finditer(body):
        kind = m.group("kind").lower()
        n = _number(m.group("ref"))
        if n is None:
            rest = body[m.end() :]
            n = _named(kind, rest[: _PART.search(rest).start()] if _PART.search(rest) else rest)
        label = f"{kind} {n}" if n is not None else kind
        if label not in found:
            found.append(label)
        # "outcomes 3 and 4": further numbers after the first belong to the same kind
        tail = body[m.end() : (nxt.start() + m.end()) if (nxt := _PART.search(body[m.end() :])) else len(body)]
        for extra in re.findall(r"\b(?:and|&|,)\s*(\d|one|two|three|four)\b", tail, re.I):
            if (k := _number(extra)) is not None and f"{kind} {k}" not in found:
                found.append(f"{kind} {k}")
    return ", ".join(found) or None


def split_tag(text: str) -> tuple[str, str | None, tuple[int, int] | None]:
    """(text without the tag, the tag's label, the tag's span in `text`); the text unchanged without one.

    The item keeps its own final full stop: "homeless (outcome 3, national framework)." ->
    "homeless."; "parents. (Outcome four, National Framework)" -> "parents.".
    """
    m = _TAG.search(text)
    if m is None:
        return text, None, None
    label = parse_tag(m.group("body"))
    rest = (text[: m.start()] + text[m.end() :]).strip()
    rest = re.sub(r"\s+([.;,])", r"\1", rest)
    return rest, label, (m.start(), m.end())
