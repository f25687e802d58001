"""The spaCy pipeline: `spacy.blank("en")`, a sentencizer and rule components whose patterns are data.

Blocks are processed with `nlp.pipe` (one short text each), which FACTS.md measured 8.5x faster
than one call on a whole document. Components write spans to `doc.spans["cues"]`; the extractors
read those spans and never match text themselves where a rule file can do it.

Two rule components, because their costs differ by an order of magnitude (FACTS.md): grades are
phrase patterns (a PhraseMatcher: nearly free); the structural cues are token patterns (a Matcher:
~20x the tokenizer). Each runs only on blocks its *gate* admits: a regular expression compiled from
the same pattern files (`PatternGate`) that matches every text in which some pattern could match
(and some in which none does). The gate runs in C over the raw text; most blocks of a letter hold
no cue at all, so most blocks are never tokenised (`extractors.analysis.analyse`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import IDS, IS_PUNCT
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span

from extractors.rules import RULES_DIR, SpanPattern, load_patterns

CUES_KEY = "cues"
GRADE_FILES = ("grades.jsonl",)
CUE_FILES = ("cues.jsonl",)
# Token attributes that compare a token's text with a literal (LOWER, ORTH, TEXT, NORM all do).
_LITERAL_ATTRS = ("LOWER", "ORTH", "TEXT", "NORM")
# The phrase patterns compare this token attribute (SpanRuler's phrase_matcher_attr).
PHRASE_ATTR = "LOWER"
# Any run of tokens, for a wildcard token or a repeated one ("OP": "*", "+" or "{1,4}").
_ANY_TOKENS = r"[\s\S]*?"


def _words(spec: dict[str, Any]) -> list[str] | None:
    """The literal words a token spec accepts (LOWER "x" or LOWER {"IN": [...]}), or None."""
    for attr in _LITERAL_ATTRS:
        value = spec.get(attr)
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict) and isinstance(value.get("IN"), list):
            return [str(w) for w in value["IN"]]
    return None


def _words_regex(words: list[str]) -> str:
    r"""Any of the words, lowercased (gates search lowercased text), whole words where alphanumeric.

    The left word boundary is tested after the word, by a fixed-width lookbehind (`(?<!\w.{n})`:
    no word char just before these n chars), not before it: a pattern that starts with literal
    text lets the regex engine skip ahead to the words' first letters (~7x faster than `(?<!\w)`
    first, measured on the bench letters, with the same answers).
    """
    unique = sorted({w.lower() for w in words}, key=len, reverse=True)
    if not all(w[:1].isalnum() for w in unique):
        return "(?:" + "|".join(map(re.escape, unique)) + ")"
    return "(?:" + "|".join(rf"{re.escape(w)}(?<!\w.{{{len(w)}}})" for w in unique) + r")(?!\w)"


def token_pattern_gate(pattern: list[dict[str, Any]]) -> str:
    """A regex that finds every text the token pattern can match (a superset: never a miss).

    Literal tokens become words with word boundaries (spaCy never splits inside a run of letters or
    digits), other tokens any non-space run; tokens may be separated by spaces or by nothing
    ("evidence:"); an optional token is optional, a repeated one any run of text; IS_SENT_START
    and other conditions are ignored (they only narrow the pattern). It is searched in lowercased
    text: its words are lowercased.
    """
    parts = []
    for spec in pattern:
        op = spec.get("OP", "")
        words = _words(spec)
        body = _words_regex(words) if words else r"\S*"
        if op == "?":
            parts.append(rf"(?:\s*{body})?")
        elif op in ("*", "+") or op.startswith("{"):
            parts.append(_ANY_TOKENS)
        else:
            parts.append(rf"\s*{body}")
    return "".join(parts).removeprefix(r"\s*")


def _trigger(pattern: list[dict[str, Any]]) -> tuple[str, ...]:
    """The words of one required literal token: a text holding none of them cannot match.

    Of the required literal tokens, the one whose shortest word is longest (the rarest, roughly).
    """
    required = [w for spec in pattern if spec.get("OP", "") in ("", "+") and (w := _words(spec))]
    if not required:
        return ()
    return tuple(w.lower() for w in max(required, key=lambda ws: min(map(len, ws))))


class PatternGate:
    """Admits every text in which some pattern of a rule file could match, cheaply.

    Patterns are grouped by their trigger (`_trigger`: the words of one required token). Two
    steps, both in C: a substring test of each group's trigger words in the lowercased text, then,
    for the groups whose trigger is present, one regex of their patterns' gates
    (`token_pattern_gate`). A pattern with no literal token is in a group that admits every text.
    `admitted(text)` names the groups that may match, so a ruler can run only their patterns.
    """

    def __init__(self, patterns: Iterable[list[dict[str, Any]] | str]) -> None:
        by_trigger: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        for i, p in enumerate(patterns):
            tokens = [{"LOWER": w} for w in p.split()] if isinstance(p, str) else p
            by_trigger.setdefault(_trigger(tokens), []).append((i, token_pattern_gate(tokens)))
        # Per group: its pattern indices, in file order.
        self.groups: list[list[int]] = [[i for i, _ in members] for members in by_trigger.values()]
        self.always = [g for g, words in enumerate(by_trigger) if not words]
        # (trigger word, group, regex of the group's gates): one entry per word
        self.checks = [
            (word, g, re.compile("|".join(f"(?:{gate})" for gate in dict.fromkeys(x for _, x in members))))
            for g, (words, members) in enumerate(by_trigger.items())
            for word in words
        ]

    def admitted(self, text: str) -> list[int]:
        """The groups whose patterns may match in the text (sorted; empty: none can)."""
        low = text.lower()
        found = set(self.always)
        for word, g, rx in self.checks:
            if g not in found and word in low and rx.search(low):
                found.add(g)
        return sorted(found)

    def admitted_spans(self, low: str, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
        """`admitted` for many spans of one text at once, given the lowercased text (`low`: as long
        as the text, so that spans index both).

        Each trigger word is looked for once in the whole text (str.find, in C); a span is tested
        against the regex of a group only when one of the group's words lies inside it.
        """
        starts = [a for a, _ in spans]
        candidates: list[dict[int, re.Pattern[str]]] = [{} for _ in spans]
        for word, g, rx in self.checks:
            at = low.find(word)
            while at >= 0:
                j = bisect_right(starts, at) - 1
                if j >= 0 and at + len(word) <= spans[j][1]:
                    candidates[j].setdefault(g, rx)
                    at = low.find(word, spans[j][1])  # the rest of this span holds nothing new for g
                else:
                    at = low.find(word, at + 1)
        out = []
        for (a, b), cands in zip(spans, candidates, strict=True):
            found = set(self.always)
            if cands:
                piece = low[a:b]
                found.update(g for g, rx in cands.items() if rx.search(piece))
            out.append(sorted(found))
        return out

    def admits(self, text: str) -> bool:
        """Whether any pattern may match in the text."""
        return bool(self.admitted(text))


def _ruler(nlp: Language, name: str, patterns: list[SpanPattern]) -> SpanRuler:
    ruler = SpanRuler(nlp, name, spans_key=CUES_KEY, overwrite=False, phrase_matcher_attr=PHRASE_ATTR)
    ruler.add_patterns([p.model_dump() for p in patterns])
    return ruler


class GatedRuler:
    """A SpanRuler that runs only the patterns its gate admits in a doc (a PatternGate of its files).

    With `split`, each gate group has a ruler of its own, and a doc is matched only against the
    groups its text admits (the Matcher's cost grows with patterns x tokens: FACTS.md); their
    matches are merged, deduplicated and sorted exactly as one ruler of all patterns leaves them.
    Without it (phrase patterns: nearly free), the one ruler runs on any admitted doc.
    """

    def __init__(self, nlp: Language, name: str, patterns: list[SpanPattern], split: bool) -> None:
        self.patterns = patterns
        self.ruler = _ruler(nlp, name, patterns)
        self.gate = PatternGate(p.pattern for p in patterns)
        self.parts = (
            [_ruler(nlp, f"{name}.{g}", [patterns[i] for i in group]) for g, group in enumerate(self.gate.groups)]
            if split
            else None
        )

    def __call__(self, doc: Doc) -> Doc:
        return self.apply(doc, self.gate.admitted(doc.text))

    def apply(self, doc: Doc, groups: list[int]) -> Doc:
        """Match the patterns of the admitted `groups` (from `gate.admitted`) in the doc."""
        if not groups:
            if CUES_KEY not in doc.spans:
                doc.spans[CUES_KEY] = []  # as the ruler leaves a doc in which it found nothing
            return doc
        rulers = [self.ruler] if self.parts is None else [self.parts[g] for g in groups]
        self.ruler.set_annotations(doc, _matches(rulers, doc))
        return doc


def _matches(rulers: list[SpanRuler], doc: Doc) -> list[Span]:
    """What `SpanRuler.match` returns, for several rulers at once: their spans, deduplicated and
    sorted. Only non-empty matchers are called (SpanRuler calls both, under a warnings filter that
    costs as much as a short doc's matching), and a Span is made once per distinct match."""
    found: set[tuple[int, int, str, str]] = set()
    for ruler in rulers:
        labels = ruler._match_label_id_map
        for matcher in (ruler.matcher, ruler.phrase_matcher):
            if len(matcher):
                for key, start, end in matcher(doc):
                    if start != end:
                        found.add((start, end, labels[key]["label"], labels[key]["id"]))
    return sorted(Span(doc, start, end, label=label, span_id=span_id) for start, end, label, span_id in found)


def _patterns(patterns_dir: str | None, files: list[str]) -> list[SpanPattern]:
    folder = Path(patterns_dir) if patterns_dir else RULES_DIR
    return [p for f in files for p in load_patterns(folder / f)]


@Language.factory("insp_grades", default_config={"patterns_dir": None, "files": list(GRADE_FILES)})
def make_grade_ruler(nlp: Language, name: str, patterns_dir: str | None, files: list[str]) -> GatedRuler:
    """Grade phrases ("good", "requires improvement to be good"): phrase patterns."""
    return GatedRuler(nlp, name, _patterns(patterns_dir, files), split=False)


@Language.factory("insp_cues", default_config={"patterns_dir": None, "files": list(CUE_FILES)})
def make_cue_ruler(nlp: Language, name: str, patterns_dir: str | None, files: list[str]) -> GatedRuler:
    """Section, item, evidence and timescale cues: token patterns."""
    return GatedRuler(nlp, name, _patterns(patterns_dir, files), split=True)


def lexeme_attrs_read(patterns: Iterable[list[dict[str, Any]] | str]) -> set[int]:
    """The lexeme attributes (spaCy attr ids) that patterns compare, plus IS_PUNCT (the
    sentencizer's test): a phrase pattern compares PHRASE_ATTR, a token spec each of its keys."""
    names = {PHRASE_ATTR}
    for p in patterns:
        if not isinstance(p, str):
            names.update(key for spec in p for key in spec)
    return {IDS[n] for n in names if n in IDS} | {IS_PUNCT}


def compute_only(nlp: Language, attrs: set[int]) -> None:
    """Give words new to the vocabulary only the lexeme attributes in `attrs`.

    spaCy computes ~20 attributes, in Python, for every word the tokenizer meets for the first
    time (shape, norm, like_url's and like_email's regexes, stop words, ...); a fresh worker meets
    most of a letter's words for the first time, and those getters were ~30% of its tokenising
    (cold make_doc 5.2 -> 3.6 ms a letter over all blocks). Attributes left out read as 0/False/"",
    so this is only for a pipeline whose readers are known: ours (`build_nlp`) reads the rules'
    attributes, the sentencizer's IS_PUNCT, and token text and offsets, which do not depend on it.
    """
    nlp.vocab.lex_attr_getters = {k: f for k, f in nlp.vocab.lex_attr_getters.items() if k in attrs}


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The default pipeline, built once per process (no model download, ever)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    grades = nlp.add_pipe("insp_grades")
    cues = nlp.add_pipe("insp_cues")
    compute_only(nlp, lexeme_attrs_read(p.pattern for ruler in (grades, cues) for p in ruler.patterns))
    return nlp
