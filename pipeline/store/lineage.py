"""Area lineage: link each area for improvement to the area it follows up in an earlier visit (pure).

A monitoring letter restates the areas of the inspection before it, and a re-inspection may raise
an area again. An area in a later document is linked to the most similar area of the most recent
earlier document of the same provider and service area, when their wording is similar enough
(token Jaccard over content words). Within one pair of documents the matching is one-to-one,
best pairs first. Database.refresh_area_links stores the result in table `area_links`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

METHOD = "token_jaccard.v1"
# Below this similarity two areas are not taken as the same area (the corpus's restatements score
# 0.6-1.0; unrelated areas of one provider stay under 0.25).
DEFAULT_MIN_SIMILARITY = 0.5

_WORD = re.compile(r"[a-z0-9]+")
# Function words and the boilerplate that opens an area ("The service area should ensure that ...").
_STOPWORDS_TEXT = """
    a about all also an and are as at be been being by for from has have in into is it its of on or so
    such than that the their them there these they this to was were which will with within
    should ensure must service area areas council local authority provider
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class Area:
    """An area for improvement with the keys lineage needs."""

    doc_id: str
    area_no: int
    provider: str
    service_area: str | None
    date: date
    document: str
    text: str

    @property
    def unit(self) -> tuple[str, str]:
        """Provider and service area, case- and space-insensitive: areas link only within one unit."""
        return unit_of(self.provider, self.service_area)


def unit_of(provider: str, service_area: str | None) -> tuple[str, str]:
    """The lineage unit of a provider and service area (case- and space-insensitive)."""
    return (" ".join(provider.casefold().split()), " ".join((service_area or "").casefold().split()))


@dataclass(frozen=True)
class Link:
    """A later area (doc_id, area_no) follows up an earlier one (prev_doc_id, prev_area_no)."""

    doc_id: str
    area_no: int
    prev_doc_id: str
    prev_area_no: int
    similarity: float
    method: str = METHOD

    def row(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "area_no": self.area_no,
            "prev_doc_id": self.prev_doc_id,
            "prev_area_no": self.prev_area_no,
            "similarity": self.similarity,
            "method": self.method,
        }


def _stem(word: str) -> str:
    """Crude plural folding so 'reports' and 'report' match."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def tokens(text: str, extra_stopwords: Iterable[str] = ()) -> frozenset[str]:
    """Content words of an area's text, lower-cased and plural-folded."""
    stop = STOPWORDS | {w.casefold() for w in extra_stopwords}
    return frozenset(_stem(w) for w in _WORD.findall(text.casefold()) if w not in stop)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / |a | b|, 0.0 for two empty sets."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def match_pair(
    later: Sequence[tuple[Area, frozenset[str]]],
    earlier: Sequence[tuple[Area, frozenset[str]]],
    min_similarity: float,
) -> list[Link]:
    """One-to-one links between two documents' areas, most similar pairs first."""
    scored = sorted(
        ((jaccard(lt, et), la.area_no, ea.area_no, la, ea) for la, lt in later for ea, et in earlier),
        key=lambda s: (-s[0], s[1], s[2]),
    )
    used_later: set[int] = set()
    used_earlier: set[int] = set()
    links: list[Link] = []
    for sim, _, _, la, ea in scored:
        if sim < min_similarity:
            break
        if la.area_no in used_later or ea.area_no in used_earlier:
            continue
        used_later.add(la.area_no)
        used_earlier.add(ea.area_no)
        links.append(Link(la.doc_id, la.area_no, ea.doc_id, ea.area_no, round(sim, 4)))
    return links


def link_areas(areas: Iterable[Area], min_similarity: float = DEFAULT_MIN_SIMILARITY) -> list[Link]:
    """Link every area to the area it follows up, looking back one earlier document at a time.

    For each document, its areas are matched against the most recent earlier document of its unit
    (ties on date: by document name); areas left unmatched try the next earlier one, and so on.
    Documents on the same date (renditions of one document) never link to each other.
    """
    by_unit: dict[tuple[str, str], dict[str, list[Area]]] = defaultdict(lambda: defaultdict(list))
    for area in areas:
        by_unit[area.unit][area.doc_id].append(area)
    links: list[Link] = []
    for docs in by_unit.values():
        # tokens once per area; the provider's own name is boilerplate ("Cafcass should ensure ...")
        toks = {
            doc_id: [(a, tokens(a.text, _WORD.findall(a.provider.casefold()))) for a in sorted(items, key=_key)]
            for doc_id, items in docs.items()
        }
        order = sorted(docs, key=lambda d: (docs[d][0].date, docs[d][0].document, d))
        for i, doc_id in enumerate(order):
            day = docs[doc_id][0].date
            earlier = sorted(
                (d for d in order[:i] if docs[d][0].date < day),
                key=lambda d: (-docs[d][0].date.toordinal(), docs[d][0].document, d),
            )
            pending = toks[doc_id]
            for prev in earlier:
                if not pending:
                    break
                found = match_pair(pending, toks[prev], min_similarity)
                links += found
                done = {link.area_no for link in found}
                pending = [(a, t) for a, t in pending if a.area_no not in done]
    return sorted(links, key=lambda link: (link.doc_id, link.area_no))


def _key(area: Area) -> int:
    return area.area_no
