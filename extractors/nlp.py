"""The spaCy pipeline: `spacy.blank("en")`, a sentencizer and rule components whose patterns are data.

Blocks are processed with `nlp.pipe` (one short text each), which FACTS.md measured 8.5x faster
than one call on a whole document. Components write spans to `doc.spans["cues"]`; the extractors
read those spans and never match text themselves where a rule file can do it.

Two rule components, because their costs differ by an order of magnitude (FACTS.md): grades are
phrase patterns (a PhraseMatcher: nearly free) matched everywhere; the structural cues are token
patterns (a Matcher: ~20x the tokenizer) matched only in blocks that hold one of their anchor words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc

from extractors.rules import RULES_DIR, load_patterns

CUES_KEY = "cues"
# Every token pattern in cues.jsonl starts from, or contains, one of these words.
DEFAULT_ANCHORS = (
    r"\b(?:areas?|priorit\w*|recommend\w*|evidence|within|immediate\w*|what|inspectors|actions?|steps|work|"
    r"progress|provided|presented|submitted|supplied|shared|following|red|amber|green)\b"
)


def _ruler(nlp: Language, name: str, folder: Path, files: list[str]) -> SpanRuler:
    ruler = SpanRuler(nlp, name, spans_key=CUES_KEY, overwrite=False, phrase_matcher_attr="LOWER")
    ruler.add_patterns([p.model_dump() for f in files for p in load_patterns(folder / f)])
    return ruler


class AnchoredRuler:
    """A SpanRuler that runs only on docs whose text contains one of its anchor words."""

    def __init__(self, ruler: SpanRuler, anchors: str) -> None:
        self.ruler = ruler
        self.anchors = re.compile(anchors, re.I)

    def __call__(self, doc: Doc) -> Doc:
        return self.ruler(doc) if self.anchors.search(doc.text) else doc


@Language.factory("insp_grades", default_config={"patterns_dir": None, "files": ["grades.jsonl"]})
def make_grade_ruler(nlp: Language, name: str, patterns_dir: str | None, files: list[str]) -> SpanRuler:
    """Grade phrases ("good", "requires improvement to be good"): phrase patterns, matched everywhere."""
    return _ruler(nlp, name, Path(patterns_dir) if patterns_dir else RULES_DIR, files)


@Language.factory(
    "insp_cues",
    default_config={"patterns_dir": None, "files": ["cues.jsonl"], "anchors": DEFAULT_ANCHORS},
)
def make_cue_ruler(nlp: Language, name: str, patterns_dir: str | None, files: list[str], anchors: str) -> AnchoredRuler:
    """Section, item, evidence and timescale cues: token patterns, run where an anchor word occurs."""
    return AnchoredRuler(_ruler(nlp, name, Path(patterns_dir) if patterns_dir else RULES_DIR, files), anchors)


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The default pipeline, built once per process (no model download, ever)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("insp_grades")
    nlp.add_pipe("insp_cues")
    return nlp
