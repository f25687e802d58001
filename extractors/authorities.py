"""Local-authority names in text, matched against the reference table (rules/local_authorities.json).

`NameIndex.find` finds every name of the table in a text: longest match first, whole words,
case-insensitive (but never an all-lowercase match: names are printed as proper nouns, and
"reading" or "bury" in a sentence are not councils), punctuation and "&"/"and" ignored. A hit
knows its span in the text, so it carries provenance. `resolve` turns a hit into the authority a
record reports: a predecessor with one successor is reported as the successor (its own name kept),
a trust as the council whose services it runs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from extractors.rules import Authority, LaTable, MetadataRules, ProviderRule, la_table, metadata_rules, name_tokens

_TOKEN = re.compile(r"[A-Za-z0-9]+|&")
# Words that may follow a place name inside a council's printed name ("Tameside metropolitan
# borough", "City of Bradford Metropolitan Borough Council"): part of the name as printed.
_COUNCIL_TAIL = re.compile(
    r"(?:[ \t]+(?:Metropolitan|Borough|District|City|County|Council)\b)*(?:[ \t]*\n[ \t]*Council\b)?", re.I
)  # "Metropolitan Borough of Barnsley\nCouncil": a heading broken before its last word


@dataclass(frozen=True)
class NameHit:
    """A table name found in a text: its span and the table entry it names."""

    start: int
    end: int
    entry: str  # canonical name of the authority or operator
    kind: str  # "authority", "operator" or "blocked" (a place that is not an authority)
    printed: str  # the text as printed (council words after it included)


@dataclass(frozen=True)
class Resolved:
    """The authority a record reports, and how the printed name led to it."""

    authority: Authority
    printed: str
    predecessor: str | None  # the predecessor the document names, reported as its successor
    operator: str | None  # the trust or company the document names, reported as its council


class NameIndex:
    """Every name of the table (and names that must not be taken for one), keyed by their words."""

    def __init__(self, table: LaTable, blocked: tuple[str, ...] = ()) -> None:
        self.table = table
        self.authorities = {a.name: a for a in table.authorities}
        self.operators = {o.name: o for o in table.operators}
        self._keys: dict[tuple[str, ...], tuple[str, str]] = {}
        for a in table.authorities:
            for n in a.names:
                self._keys[tuple(name_tokens(n))] = (a.name, "authority")
        for o in table.operators:
            for n in o.names:
                self._keys[tuple(name_tokens(n))] = (o.name, "operator")
        for n in blocked:
            self._keys.setdefault(tuple(name_tokens(n)), (n, "blocked"))
        self._longest = max(len(k) for k in self._keys)
        self._first = {k[0] for k in self._keys}

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[NameHit]:
        """Every name in text[start:end], left to right, the longest at each place (blocked ones left out)."""
        toks = [
            (m.start(), m.end(), _word(m.group()))
            for m in _TOKEN.finditer(text, start, len(text) if end is None else end)
        ]
        hits: list[NameHit] = []
        i = 0
        while i < len(toks):
            hit, n = self._longest_at(text, toks, i)
            if hit is None:
                i += 1
                continue
            if hit.kind != "blocked":
                hits.append(hit)
            i += n
        return hits

    def match_at(self, text: str, pos: int) -> NameHit | None:
        """The name starting at `pos` (after spaces), or None."""
        m = re.compile(r"[ \t]*").match(text, pos)
        pos = m.end() if m else pos
        toks = []
        for t in _TOKEN.finditer(text, pos, min(len(text), pos + 200)):
            toks.append((t.start(), t.end(), _word(t.group())))
        if not toks or toks[0][0] != pos:
            return None
        hit, _ = self._longest_at(text, toks, 0)
        return hit if hit is not None and hit.kind != "blocked" else None

    def _longest_at(self, text: str, toks: list[tuple[int, int, str]], i: int) -> tuple[NameHit | None, int]:
        if toks[i][2] not in self._first:
            return None, 0
        for n in range(min(self._longest, len(toks) - i), 0, -1):
            key = tuple(t[2] for t in toks[i : i + n])
            found = self._keys.get(key)
            if found is None:
                continue
            s, e = toks[i][0], toks[i + n - 1][1]
            if not _words_contiguous(text, toks[i : i + n]):
                continue
            printed = text[s:e]
            if printed == printed.lower():  # a proper noun is never printed all in lower case
                continue
            tail = _COUNCIL_TAIL.match(text, e)
            if tail and found[1] == "authority":
                e = tail.end()
            return NameHit(s, e, found[0], found[1], text[s:e]), n
        return None, 0

    def resolve(self, hit: NameHit) -> Resolved | None:
        """The authority a hit stands for; None for a trust that runs several councils' services."""
        if hit.kind == "operator":
            councils = self.operators[hit.entry].councils
            if len(councils) != 1:
                return None
            inner = self.resolve_name(councils[0])
            return Resolved(inner.authority, hit.printed, inner.predecessor, hit.entry) if inner else None
        return self.resolve_name(hit.entry, hit.printed)

    def resolve_name(self, name: str, printed: str | None = None) -> Resolved | None:
        """An authority by canonical name: a predecessor with one successor is reported as the successor."""
        a = self.authorities.get(name)
        if a is None:
            return None
        printed = printed or name
        if a.status == "predecessor" and len(a.successors) == 1:
            return Resolved(self.authorities[a.successors[0]], printed, a.name, None)
        return Resolved(a, printed, None, None)


def _word(token: str) -> str:
    return "and" if token == "&" else token.lower()


def _words_contiguous(text: str, toks: list[tuple[int, int, str]]) -> bool:
    """A name's words sit on one line or wrap once, with only spaces, punctuation or a line break between."""
    for (_, e, _), (s, _, _) in zip(toks, toks[1:], strict=False):
        gap = text[e:s]
        if len(gap) > 4 or gap.count("\n") > 1 or any(c.isalnum() for c in gap):
            return False
    return True


@lru_cache(maxsize=1)
def default_index() -> NameIndex:
    """The index of the default table (and the rule file's places that are not authorities)."""
    return NameIndex(la_table(), tuple(metadata_rules().not_authorities))


@dataclass(frozen=True)
class Located:
    """The authority a document is about, the hit that named it and the rule that found it there."""

    resolved: Resolved
    hit: NameHit
    rule: str


def find_printed_authority(text: str, rules: MetadataRules, index: NameIndex, opening_end: int) -> Located | None:
    """The authority named where Ofsted prints it: report titles and headings, then letters' subject and first lines.

    Rules are tried in the rule file's order (the order of trust); within a rule, the first hit in
    the text wins. A trust that runs several councils' services names one only with the help of
    the councils the text names most.
    """
    head_end = min(len(text), rules.head_chars)
    for rule in rules.provider_rules:
        end = head_end if rule.window == "head" else min(len(text), opening_end)
        for hit in _rule_hits(text, end, rule, index):
            resolved = index.resolve(hit) or _one_of_councils(hit, text, index)
            if resolved is not None:
                return Located(resolved, hit, rule.id)
    return None


def _rule_hits(text: str, end: int, rule: ProviderRule, index: NameIndex):
    follow = _regex(rule.follow) if rule.follow else None
    if rule.prefix:
        for m in _regex(rule.prefix).finditer(text, 0, end):
            hit = index.match_at(text, m.end())
            if hit is not None and hit.start < end and (follow is None or follow.match(text, hit.end)):
                yield hit
    else:
        for hit in index.find(text, 0, end):
            if follow is not None and follow.match(text, hit.end):
                yield hit


def _one_of_councils(hit: NameHit, text: str, index: NameIndex) -> Resolved | None:
    """For a trust of several councils: the one of them the text names most (None if it names none)."""
    if hit.kind != "operator":
        return None
    councils = set(index.operators[hit.entry].councils)
    counts = Counter(h.entry for h in index.find(text) if h.kind == "authority" and h.entry in councils)
    if not counts:
        return None
    inner = index.resolve_name(counts.most_common(1)[0][0])
    return Resolved(inner.authority, hit.printed, inner.predecessor, hit.entry) if inner else None


def most_named(index: NameIndex, spans: list[tuple[int, int]], text: str) -> tuple[Resolved, NameHit, int] | None:
    """The authority named most often in the given spans of the text: (resolved, its first hit, count).

    None when no authority is named, or two are named equally often.
    """
    counts: Counter[str] = Counter()
    first: dict[str, tuple[Resolved, NameHit]] = {}
    for s, e in spans:
        for hit in index.find(text, s, e):
            resolved = index.resolve(hit)
            if resolved is None:
                continue
            key = resolved.authority.name
            counts[key] += 1
            first.setdefault(key, (resolved, hit))
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    name, n = ranked[0]
    return (*first[name], n)


@lru_cache(maxsize=64)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
