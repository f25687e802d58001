"""Run the spaCy pipeline over a Document's blocks and expose what the rules found, per block.

`analyse(doc)` is the only place that calls spaCy; every extractor reads the `Analysis` it
returns, so each extractor stays a pure function of (Document, Analysis).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc
from spacy.util import filter_spans

from extractors.nlp import CUES_KEY, GatedRuler, build_nlp
from schemas.document import Block, BlockKind, Document
from schemas.record import Grade, Provenance, Timescale

_WORD_TIMESCALES = {
    "one": 3, "1": 3, "two": 3, "2": 3, "three": 3, "3": 3, "four": 6, "4": 6, "six": 6, "6": 6,
    "nine": 12, "9": 12, "twelve": 12, "12": 12,
}  # fmt: skip


@dataclass
class Cue:
    """A rule match inside one block: label, rule id, text and offsets within the block text."""

    label: str
    rule: str
    text: str
    start: int
    end: int


class Sentence(NamedTuple):
    text: str
    start_char: int


@dataclass
class BlockView:
    """A block with its spaCy doc and its rule matches.

    `doc` is None for blocks the cheap pre-filter ruled out (no cue word anywhere in them): the
    rule components would find nothing there. Table cells are tokenised only on demand.
    """

    block: Block
    doc: Doc | None
    cues: list[Cue] = field(default_factory=list)
    _cell_docs: dict[int, Doc] = field(default_factory=dict)
    _sentences: list[Sentence] | None = None
    # The block's text and kind, copied once: the walkers read them ~900 times a letter, and a
    # property lookup cost more than the rest of most of those tests.
    text: str = field(init=False)
    kind: BlockKind = field(init=False)

    def __post_init__(self) -> None:
        self.text = self.block.text
        self.kind = self.block.kind

    def cell_doc(self, j: int) -> Doc:
        """The j-th cell as a spaCy doc with sentences (tokenised on first use; no rules run on it)."""
        if j not in self._cell_docs:
            nlp = build_nlp()
            self._cell_docs[j] = nlp.get_pipe("sentencizer")(nlp.make_doc(self.block.cells[j].text))
        return self._cell_docs[j]

    def has(self, label: str) -> bool:
        if not self.cues:
            return False
        for c in self.cues:  # noqa: SIM110 (a plain loop: any() over a generator costs 2x here)
            if c.label == label:
                return True
        return False

    def first(self, label: str) -> Cue | None:
        for c in self.cues:
            if c.label == label:
                return c
        return None

    def starts_with(self, label: str, within: int = 3) -> Cue | None:
        """A cue of this label at (or within a few characters of) the start of the block."""
        cue = self.first(label)
        return cue if cue is not None and cue.start <= within else None

    def sentences(self) -> list[Sentence]:
        """The block's sentences as (text, start offset in the block), computed once."""
        if self._sentences is None:
            self._sentences = _sentences(self.doc, self.text) if self.doc is not None else []
        return self._sentences

    def graded_sentences(self) -> list[Sentence]:
        """Only the sentences holding a grade word: the rest cannot state a judgement."""
        starts = [c.start for c in self.cues if c.label == "GRADE"]
        return [s for s in self.sentences() if any(s.start_char <= g < s.start_char + len(s.text) for g in starts)]

    def provenance(self, rule: str, start: int = 0, end: int | None = None, confidence: float = 1.0) -> Provenance:
        """Provenance for a span of this block's text (offsets relative to the block)."""
        end = len(self.block.text) if end is None else end
        return Provenance(
            page=self.block.page,
            start=self.block.start + start,
            end=self.block.start + end,
            rule=rule,
            confidence=confidence,
        )


def _sentences(doc: Doc, text: str) -> list[Sentence]:
    """doc.sents as (text, start char), read from the token arrays (no Span or Token objects).

    `text` is the doc's text, as given to the tokenizer (doc.text would rebuild it token by token).
    """
    if not len(doc):
        return []
    idx, length, starts = doc.to_array([IDX, LENGTH, SENT_START]).T.tolist()
    out = []
    begin = 0
    for i in range(1, len(idx) + 1):
        if i == len(idx) or starts[i] == 1:
            a, b = idx[begin], idx[i - 1] + length[i - 1]
            out.append(Sentence(text[a:b], a))
            begin = i
    return out


@dataclass
class Analysis:
    document: Document
    blocks: list[BlockView]


def _cues(doc: Doc) -> list[Cue]:
    spans = list(doc.spans.get(CUES_KEY, []))
    grades = filter_spans([s for s in spans if s.label_ == "GRADE"])
    others = [s for s in spans if s.label_ != "GRADE"]
    out = [Cue(s.label_, s.id_, s.text, s.start_char, s.end_char) for s in (*grades, *others)]
    out.sort(key=lambda c: (c.start, -(c.end - c.start)))
    return out


def analyse(document: Document) -> Analysis:
    """Tokenise, split sentences and match rules on every block that could hold a cue.

    Each rule component runs only on the blocks its gate admits (nlp.GatedRuler); a block that no
    gate admits (most of a letter) is never tokenised. Table rows are read cell by cell, on demand.
    """
    nlp = build_nlp()
    steps = nlp.pipeline  # a property that builds a new list: read once, not per block
    views = [BlockView(b, None) for b in document.blocks]
    todo = [v for v in views if v.block.kind is not BlockKind.TABLE_ROW]
    text = document.text
    low = text.lower()
    aligned = len(low) == len(text)  # lower() can change a length ("İ"): then test block by block
    spans = [(v.block.start, v.block.end) for v in todo]
    # Per pipeline step: for a rule component, the gate groups each block admits; else None.
    admitted = [
        (proc.gate.admitted_spans(low, spans) if aligned else [proc.gate.admitted(v.text) for v in todo])
        if isinstance(proc, GatedRuler)
        else None
        for _, proc in steps
    ]
    for k, view in enumerate(todo):
        groups = [a[k] if a is not None else None for a in admitted]
        if not any(groups):
            continue
        doc = nlp.make_doc(view.text)
        for (_, proc), g in zip(steps, groups, strict=True):
            doc = proc.apply(doc, g) if g is not None else proc(doc)
        view.doc = doc
        view.cues = _cues(doc)
    return Analysis(document, views)


# -- small shared helpers --------------------------------------------------------------------------


def grade_from_rule(rule: str) -> Grade | None:
    """The grade a GRADE rule id names ("grade.requires_improvement" -> Grade.REQUIRES_IMPROVEMENT)."""
    if not rule.startswith("grade."):
        return None
    try:
        return Grade(rule.removeprefix("grade."))
    except ValueError:
        return None


_GRADE_IN_BRACKETS = re.compile(r"^grade\s*\d\s*\(([a-z ]+)\)$|^([a-z ]+?)\s*\(grade\s*\d\)$")


# Every grade's name holds one of these (the enum's values, "requires_improvement" as "improvement").
_GRADE_WORDS = ("outstanding", "good", "satisfactory", "adequate", "improvement")


def names_a_grade(text: str) -> bool:
    """False when no grade can be read anywhere in the text (a cheap test before costlier rules)."""
    low = text.lower()
    # _GRADE_WORDS spelled out: any() over a generator cost ~3x these five tests (~150 calls a letter).
    return "good" in low or "improvement" in low or "adequate" in low or "outstanding" in low or "satisfactory" in low


def grade_from_text(text: str) -> Grade | None:
    """The grade a short text states ("'Good'", "Requires improvement to be good", "Grade 3 (adequate)")."""
    if not names_a_grade(text):  # most candidate texts name no grade: answer cheaply
        return None
    return _grade_from_text(text.lower())


@lru_cache(maxsize=4096)
def _grade_from_text(text: str) -> Grade | None:
    t = " ".join(re.sub(r"[^a-z0-9() ]", " ", text.lower()).split())
    t = re.sub(r"^grade\s*(?=[a-z])", "", t)  # "Grade: good"
    m = _GRADE_IN_BRACKETS.match(t)
    if m:
        t = (m.group(1) or m.group(2)).strip()
    t = t.replace("(", " ").replace(")", " ").strip()
    if re.fullmatch(r"requires? improvement(?: to be good)?", t):
        return Grade.REQUIRES_IMPROVEMENT
    try:
        return Grade(t.replace(" ", "_"))
    except ValueError:
        return None


def timescale_from_text(text: str, *, bare: bool = False) -> Timescale | None:
    """Map a timescale phrase to the contract's enum.

    `bare` also accepts a cell that is only a period ("6 months", "12 months"), as action-plan
    tables write it; a word split by a narrow table column ("Immedi ately") is read whole.
    """
    t = " ".join(text.lower().split())
    found = _timescale(t, bare)
    if found is None and bare and len(t) < 30:
        found = _timescale(re.sub(r"(?<=[a-z]) (?=[a-z])", "", t), bare)
    return found


def _timescale(t: str, bare: bool) -> Timescale | None:
    if re.search(r"\bimmediate(ly)?\b", t):
        return Timescale.IMMEDIATELY
    m = re.search(r"within\s+(?:the\s+next\s+)?(\w+)\s+months?", t)
    if m and m.group(1) in _WORD_TIMESCALES:
        return Timescale(f"within_{_WORD_TIMESCALES[m.group(1)]}_months")
    if re.search(r"within\s+(?:one|a|1)\s+year|within\s+12\s+months", t):
        return Timescale.WITHIN_12_MONTHS
    m = re.fullmatch(r"(\w+)\s+months?", t) if bare else None
    if m and m.group(1) in _WORD_TIMESCALES:
        return Timescale(f"within_{_WORD_TIMESCALES[m.group(1)]}_months")
    return None


def clean_item_text(text: str) -> str:
    """One line, whitespace collapsed, leading separators (":", "-", ".") removed."""
    text = " ".join(text.split())
    return re.sub(r"^[\s:.\-–—]+", "", text).strip()
