"""Classify areas for improvement and recommendations into the Children's Social Care National Framework.

The scheme `national_framework` has seven classes: outcomes 1-4 and enablers 1-3
(rules/national_framework.json). Since 2024 Ofsted prints its own class after many items ("(outcome
3, national framework)", read into `framework_tag`): that tag wins, at confidence 1.0. Every other
item gets the top class of a spaCy text classifier (`textcat`, exclusive classes, a bag of words
and bigrams on `spacy.blank("en")`) trained on the tagged items of the dev archive by
scripts/train_national_framework.py, with its probability as the confidence; the classifier's
cross-validated accuracy, beside the rule lexicon's, is in docs/national_framework_classifier.md.
The lexicon (each class's `terms`, written from the framework's own wording) is the baseline and
the fallback method (`method="lexicon"`).

The model is a small folder in the package (models/national_framework, spaCy's `to_disk`), loaded
once per process and checked against the rules on load. Nothing is downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from extractors.errors import BadModel
from extractors.framework_tags import national_framework
from extractors.themes import term_regex
from schemas.record import ThemeTag

SCHEME = "national_framework"
PRINTED_RULE = "national_framework.printed_tag"
LEXICON_RULE = "national_framework.lexicon.v1"
MODEL_DIR = Path(__file__).parent / "models" / "national_framework"
MODEL_PIPE = "textcat"
Method = Literal["model", "lexicon"]


@dataclass(frozen=True)
class FrameworkClass:
    """One outcome or enabler: its label as Ofsted prints it ("outcome 3") and its theme id ("outcome_3")."""

    kind: Literal["outcome", "enabler"]
    n: int
    name: str
    terms: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.kind} {self.n}"

    @property
    def theme(self) -> str:
        return f"{self.kind}_{self.n}"

    @property
    def title(self) -> str:
        return f"{self.kind.capitalize()} {self.n}: {self.name}"


@lru_cache(maxsize=1)
def framework_classes() -> tuple[FrameworkClass, ...]:
    """The seven classes in the framework's order: outcomes 1-4, then enablers 1-3."""
    fw = national_framework()
    return tuple(
        FrameworkClass(kind, p.n, p.name, tuple(p.terms))
        for kind, parts in (("outcome", fw.outcomes), ("enabler", fw.enablers))
        for p in sorted(parts, key=lambda p: p.n)
    )


def class_labels() -> tuple[str, ...]:
    """("outcome 1", ..., "enabler 3"): the labels the classifier predicts."""
    return tuple(c.label for c in framework_classes())


def _by_label() -> dict[str, FrameworkClass]:
    return {c.label: c for c in framework_classes()}


def printed_labels(tag: str | None) -> list[str]:
    """The classes a parsed tag names ("outcome 3, outcome 4" -> both); a bare "outcome" names none."""
    if not tag:
        return []
    known = _by_label()
    return [part for part in (p.strip() for p in tag.split(",")) if part in known]


# -- the rule lexicon: the baseline ---------------------------------------------------------


@lru_cache(maxsize=1)
def _compiled_terms() -> tuple[tuple[str, str, re.Pattern[str], float], ...]:
    """(class label, term, regex over lowercased text, weight) for every term: a phrase of k words weighs
    1 + (k - 1) / 2, so "private fostering" (outcome 3) outweighs "fostering" (outcome 4)."""
    return tuple(
        (c.label, term, re.compile(term_regex(term)), 1 + (len(term.split()) - 1) / 2)
        for c in framework_classes()
        for term in c.terms
    )


def lexicon_matches(text: str) -> dict[str, list[str]]:
    """Class label -> the terms of that class the text mentions, for the classes with any (pure)."""
    low = text.lower()
    found: dict[str, list[str]] = {}
    for label, term, rx, _ in _compiled_terms():
        if rx.search(low):
            found.setdefault(label, []).append(term)
    return found


def classify_lexicon(text: str) -> tuple[str | None, float, list[str]]:
    """(top class, its share of the weighted term hits, its terms); (None, 0.0, []) when no term matches.

    Ties go to the class named first in the framework (outcomes before enablers).
    """
    low = text.lower()
    scores: dict[str, float] = {}
    terms: dict[str, list[str]] = {}
    for label, term, rx, weight in _compiled_terms():
        if rx.search(low):
            scores[label] = scores.get(label, 0.0) + weight
            terms.setdefault(label, []).append(term)
    if not scores:
        return None, 0.0, []
    order = {label: i for i, label in enumerate(class_labels())}
    best = max(scores, key=lambda label: (scores[label], -order[label]))
    return best, scores[best] / sum(scores.values()), terms[best]


# -- the trained classifier -----------------------------------------------------------------


def model_text(text: str) -> str:
    """What the classifier reads: the item lowercased (its bag of words is case-sensitive; ~50
    training items are too few to learn "Leaders" and "leaders" apart). Training reads the same."""
    return text.lower()


@dataclass(frozen=True)
class Classifier:
    """The loaded spaCy pipeline and the rule name its predictions carry (it names the model's version)."""

    nlp: object
    rule: str
    version: str

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Class label -> probability, one dict per text (batched through `nlp.pipe`)."""
        return [dict(doc.cats) for doc in self.nlp.pipe(model_text(t) for t in texts)]


def check_model(nlp, path: Path) -> str:
    """The model's version if the pipeline is what this module expects (one `textcat` over exactly the
    framework's seven classes, a version in its meta); raises BadModel otherwise."""
    if nlp.pipe_names != [MODEL_PIPE]:
        raise BadModel(f"{path}: pipes {nlp.pipe_names}, expected [{MODEL_PIPE!r}]")
    labels = tuple(nlp.get_pipe(MODEL_PIPE).labels)
    if sorted(labels) != sorted(class_labels()):
        raise BadModel(f"{path}: labels {list(labels)}, expected {list(class_labels())}")
    meta = nlp.meta
    if meta.get("name") != SCHEME or not meta.get("version") or not meta.get("training_digest"):
        raise BadModel(f"{path}: meta.json must name {SCHEME!r} with a version and a training_digest")
    return f"{meta['version']}+{meta['training_digest'][:8]}"


def load_classifier(path: Path = MODEL_DIR) -> Classifier:
    """Load and check the model at `path` (spaCy's `to_disk` folder); raises BadModel."""
    import spacy

    if not (path / "config.cfg").is_file():
        raise BadModel(f"no model at {path}")
    try:
        nlp = spacy.load(path, exclude=["tokenizer"])  # shipped without: spaCy's English one, from the config
    except (OSError, ValueError, KeyError) as exc:
        raise BadModel(f"{path}: {type(exc).__name__}: {exc}") from exc
    version = check_model(nlp, path)
    return Classifier(nlp, f"{SCHEME}.textcat.v{version}", version)


@lru_cache(maxsize=1)
def classifier() -> Classifier:
    """The shipped model, loaded on first use and kept for the process (~0.1 s, once; the parser
    pool's fork server loads it before forking: pipeline/run/preload.py)."""
    return load_classifier()


# -- classification ------------------------------------------------------------------------


def _tag(label: str, confidence: float, rule: str, terms: list[str] | None = None) -> ThemeTag:
    c = _by_label()[label]
    return ThemeTag(
        scheme=SCHEME, theme=c.theme, label=c.title, parent=None, terms=terms or [],
        confidence=round(confidence, 3), rule=rule,
    )  # fmt: skip


_WORD = re.compile(r"\w")


def framework_themes(
    texts: Sequence[str], tags: Sequence[str | None], method: Method = "model"
) -> list[list[ThemeTag]]:
    """The national framework theme(s) of each item: the printed tag's classes (confidence 1.0), else
    the classifier's top class and probability (`method="model"`), or the lexicon's top class and
    its share of the term hits (`method="lexicon"`; none when no term matches). An untagged item
    without a word gets none. Pure but for loading the model once."""
    if len(texts) != len(tags):
        raise ValueError("one tag (or None) per text")
    out: list[list[ThemeTag]] = [[_tag(label, 1.0, PRINTED_RULE) for label in printed_labels(t)] for t in tags]
    # an item without a word has nothing to classify (and an empty text in a batch breaks spaCy's bag of words)
    todo = [i for i, tagged in enumerate(out) if not tagged and _WORD.search(texts[i])]
    if not todo:
        return out
    if method == "lexicon":
        for i in todo:
            label, share, terms = classify_lexicon(texts[i])
            if label is not None:
                out[i] = [_tag(label, share, LEXICON_RULE, terms)]
        return out
    model = classifier()
    for i, probs in zip(todo, model.probabilities([texts[i] for i in todo]), strict=True):
        label = max(probs, key=probs.get)
        out[i] = [_tag(label, probs[label], model.rule)]
    return out
