"""Graded judgements: judgement tables and lists, "Subject: Grade" lines, and ratings in running text.

A report of one of Ofsted's frameworks for a council's children's services (ILACS and its 2026
form, SIF and its LSCB review, the 2009-13 frameworks) is read from the structure that framework
prints (`read_framework`, rules/judgements.json); focused-visit letters and area SEND reports grade
nothing. Every other document is read by the general rules below.

Running text is read with narrow, precise patterns (quoted subjects, service-area codes, "X was
judged to be Y"); a sentence that fits none of them yields nothing rather than a guess, and a
sentence about a previous inspection, a statistic or a risk ("is judged inadequate") yields nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from extractors.analysis import Analysis, BlockView, grade_from_text, names_a_grade
from extractors.rules import lexicon
from extractors.rules.judgement_rules import JudgementList, SubjectRule, compile_phrase, judgement_rules
from schemas.document import Block, BlockKind
from schemas.record import Grade, Judgement, OverallJudgement, Provenance

_Q = "[‘'\"“]"
_QE = "[’'\"”]"
_GRADES = r"outstanding|good|satisfactory|adequate|inadequate|requires?\s+improvement(?:\s+to\s+be\s+good)?"
_VERB = r"(?:considered|judged|graded|rated|found|assessed)"
_QUOTED_SUBJECT = re.compile(
    rf"{_Q}(?P<subject>[A-Z][^’'\"”]{{2,80}}){_QE}\s+(?:which\s+)?(?:was|were|is|are)?\s*"
    rf"(?:also\s+)?{_VERB}?\s*(?:to\s+be|as)?\s*"
    rf"{_Q}(?P<grade>{_GRADES}){_QE}",
    re.I,
)
_RELATING = re.compile(
    rf"(?:related|relating|relates)\s+to\s+(?:the\s+)?(?P<subject>[a-z][a-z ,'-]{{3,80}}?)\)?\s*"
    rf"(?:being|was|were|is|as)\s+{_Q}?(?P<grade>{_GRADES}){_QE}?",
    re.I,
)
# "The action plan submitted by the service was judged to be satisfactory."
_THE_X_JUDGED = re.compile(
    rf"^(?:The|Its|Their)\s+(?P<rest>[^.]{{3,80}}?)\s+(?:was|were)\s+(?:judged|graded|rated|assessed)"
    rf"\s+(?:to\s+be\s+|as\s+)?{_Q}?(?P<grade>{_GRADES})\b",
    re.I,
)
# "Westmoor Secure Unit was judged adequate", "Larkfield House, the council's home, was judged to be outstanding",
# "Beech Grove short-break home was found to have made 'satisfactory' progress".
_NAMED_X_JUDGED = re.compile(
    rf"(?:^|(?<=[.;:]\s)|(?<=,\s)|(?<=^\d\.\d\s)|(?<=^\d\.\d\d\s)|(?<=\sthe\s))"
    rf"(?:(?:and|[Tt]he)\s+)?(?P<subject>[A-Z][\w'’&-]*(?:\s+(?:[\w'’&()-]+)){{0,6}}?)(?:,\s[^,]{{3,120}},)?\s+"
    rf"(?:(?:was|were|has\s+been)\s+inspected\b[^.;,]{{0,60}}?\s+and\s+)?"
    rf"(?P<verb>was|were|has\s+been|have\s+been)\s+(?:both\s+|also\s+)?(?:{_VERB})\s+"
    rf"(?:to\s+(?:be|have\s+made)\s+|to\s+(?=requires?\s)|as\s+(?:being\s+)?)?{_Q}?(?P<grade>{_GRADES}){_QE}?(?!\s+or\b)",
)
_RECEIVED = re.compile(
    rf"(?:the\s+)?(?P<subject>[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&()-]*){{0,6}})\s+(?:received|was\s+given|achieved)\s+"
    rf"(?:a|an|the)\s+(?:judgement|grade|rating)\s+of\s+{_Q}?(?P<grade>{_GRADES}){_QE}?",
)
_COLON_LINE = re.compile(
    rf"^(?P<subject>[A-Z][^:–—]{{2,80}}?)(?::|\s[–—-])\s*(?:grade\s*\d?\s*:?\s*)?{_Q}?(?P<grade>{_GRADES}){_QE}?\.?$"
    rf"|^(?P<subject2>[A-Z][^:()]{{2,80}}?)\s*\({_Q}?(?P<grade2>{_GRADES}){_QE}?\)$",
    re.I,
)
# "Value for money is adequate." opening a paragraph, for the judgement areas Ofsted grades.
_AREA_IS_GRADE = re.compile(
    rf"^(?:\d{{1,2}}\.\s+)?(?:The\s+)?(?P<subject>[A-Za-z ,'’-]{{3,80}}?)\s+(?:is|are|was|were)\s+(?:judged\s+)?"
    rf"(?:to\s+be\s+|as\s+)?{_Q}?(?P<grade>{_GRADES}){_QE}?(?:\s+overall)?\.",
)
# ILACS headline lists after PDF conversion: "2.1 Adoption performance Good".
_TRAILING_GRADE = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})?\.?\s+)?(?P<subject>[A-Z][\w ,'’()&-]{3,100}?)\s+"
    r"(?P<grade>Outstanding|Good|Satisfactory|Adequate|Inadequate|Requires\s+[Ii]mprovement(?:\s+to\s+be\s+good)?)$"
)
_NUMBERING = re.compile(r"^\d{1,2}(?:\.\d{1,2})?\.?\s+")
_AREA_CODE = re.compile(r"\b([A-Z][A-Z0-9]?\d?)\s\(([^()]{3,90})\)")
_QUOTED_GRADE = re.compile(rf"{_Q}(?P<grade>{_GRADES}){_QE}", re.I)
_RATING_VERB = re.compile(r"\b(?:rat(?:ed|ing)|judged|graded|found|assessed)\b", re.I)
_HISTORIC = re.compile(
    r"\bprevious(?:ly)?\b|\blast\s+(?:full\s+)?inspection\b|\bsince\s+(?:19|20)\d\d\b|\bearlier\b", re.I
)
_PROGRESS_OVERALL = [
    re.compile(rf"\b(?P<grade>{_GRADES})\W+progress\s+overall\b", re.I),
    re.compile(rf"\boverall\s+progress\b[^.]{{0,60}}?\b(?P<grade>{_GRADES})\b", re.I),
    re.compile(
        rf"^overall,?\s+progress\b[^.]{{0,100}}?\b(?:is\s+|was\s+|has\s+been\s+|remains\s+)?"
        rf"(?:judged\s+)?(?:to\s+be\s+|as\s+)?{_Q}?(?P<grade>{_GRADES})\b",
        re.I,
    ),
    re.compile(rf"^overall,?\s+[^.]{{0,100}}?\bmade\s+{_Q}?(?P<grade>{_GRADES}){_QE}?\s+progress\b", re.I),
]
_OVERALL_SENTENCES = [
    re.compile(rf"\boverall\s+judgement\s+is\s+(?:that\s+)?[^.]{{0,80}}?\b(?P<grade>{_GRADES})\b", re.I),
    re.compile(rf"\bjudged\s+(?:to\s+be\s+)?{_Q}?(?P<grade>{_GRADES}){_QE}?\s+for\s+overall\s+effectiveness\b", re.I),
    re.compile(
        rf"^children['’]s\s+services\s+(?:in|at)\s+[A-Z][^.]{{0,60}}?\s+(?:are\s+|were\s+)?(?:judged\s+)?"
        rf"(?:to\s+)?(?P<grade>{_GRADES})\b"
    ),
]
_OVERALL_EFFECTIVENESS = re.compile(r"\boverall\s+effectiveness\b", re.I)


def _judgement_areas() -> frozenset[str]:
    return frozenset(a.lower() for a in lexicon().judgement_areas)


def _grade(text: str) -> Grade | None:
    return grade_from_text(text)


def _prov(view: BlockView, rule: str, start: int = 0, end: int | None = None, conf: float = 1.0) -> Provenance:
    return view.provenance(rule, start, end, conf)


def _spanning(subject: str, grade: Grade, first: BlockView, end: int, rule: str, conf: float) -> Judgement:
    """A judgement whose provenance runs from the start of `first` to `end` (document offsets)."""
    prov = Provenance(page=first.block.page, start=first.block.start, end=end, rule=rule, confidence=conf)
    return Judgement(subject=subject, grade=grade, provenance=prov)


def _cap(subject: str) -> str:
    subject = subject.strip(" ,")
    return subject[:1].upper() + subject[1:]


def _section_heading(views: list[BlockView], i: int) -> str | None:
    """The heading directly above row i that names the section its judgements belong to."""
    if i == 0:
        return None
    prev = views[i - 1]
    text = prev.text.strip()
    if prev.kind is BlockKind.TABLE_ROW or text.endswith(("?", ":", ".")) or len(text.split()) > 10:
        return None
    return text if prev.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH) else None


def _table_judgements(views: list[BlockView]) -> list[Judgement]:
    """Rows whose cells state grades; a header row names the columns, a heading the section."""
    out: list[Judgement] = []
    header: list[str] | None = None
    section: str | None = None
    prev_table = False
    for i, v in enumerate(views):
        if v.kind is not BlockKind.TABLE_ROW:
            prev_table = False
            header = None
            if v.kind is BlockKind.HEADING and _section_heading(views, i + 1) is None and i + 1 < len(views):
                section = None if views[i + 1].kind is not BlockKind.TABLE_ROW else section
            continue
        cells = [c.text.strip() for c in v.block.cells]
        grades = [_grade(c) for c in cells]
        if not any(grades[1:]):
            header = cells if not prev_table or header is None else header
            prev_table = True
            continue
        if not prev_table:
            heading = _section_heading(views, i)
            if heading is not None:
                section = heading
        prev_table = True
        subject = _NUMBERING.sub("", cells[0])
        if not subject or _grade(subject) or _HISTORIC.search(subject):
            continue
        graded = [(j, g) for j, g in enumerate(grades) if j and g]
        multi = len(graded) > 1 and header is not None and len(header) == len(cells)
        for j, g in graded:
            prefix = header[j] if multi and header[j] else section
            subj = f"{prefix}: {subject}" if prefix else subject
            out.append(_spanning(subj, g, v, v.block.cells[j].end, "judgement.table.row", 0.95))
    return out


def _line_pair_judgements(views: list[BlockView]) -> list[Judgement]:
    """A subject line followed by a line that is only a grade (judgement lists broken by conversion)."""
    out = []
    for prev, v in zip(views, views[1:], strict=False):
        if v.kind is BlockKind.TABLE_ROW or prev.kind is BlockKind.TABLE_ROW:
            continue
        g = _grade(v.text)
        subject = _NUMBERING.sub("", prev.text.strip())
        if g is None or not subject or _grade(subject) or subject.endswith((".", ":", ";")):
            continue
        if len(subject.split()) > 14 or not subject[:1].isupper():
            continue
        out.append(_spanning(subject, g, prev, v.block.end, "judgement.list.line_pair", 0.85))
    return out


def _subject_from_rest(rest: str) -> str | None:
    stop = set(lexicon().judgement_subject_stop)
    words = []
    for w in rest.split():
        if w.lower() in stop or w.lower().endswith("ed") and words:
            break
        words.append(w)
        if len(words) > 4:
            return None
    if not words:
        return None
    return _cap(" ".join(words))


def _subjects(m: re.Match[str]) -> list[str]:
    """One subject, or two for "Beech House and The Willows were both judged ..."."""
    subject = _NUMBERING.sub("", m.group("subject")).strip()
    verb = m.groupdict().get("verb") or ""
    parts = subject.split(" and ")
    if verb.startswith(("were", "have")) and len(parts) == 2 and all(p[:1].isupper() for p in parts):
        return [p.strip() for p in parts]
    return [subject]


def _statement_subject_ok(subject: str) -> bool:
    """Reject subjects that are statistics, pronouns or indefinite ("A key partner")."""
    first = subject.split()[0].lower()
    return not (
        re.search(r"\d|%", subject)
        or re.match(r"children['’]s\s+services\b", subject, re.I)  # the authority's overall grade, not a part
        or first in {"a", "an", "it", "this", "they", "these", "those", "all", "some", "most", "many", "which"}
    )


def _text_judgements(view: BlockView) -> list[Judgement]:
    if not names_a_grade(view.text):  # every rule below reads a grade from the text
        return []
    out: list[Judgement] = []
    text = view.text.strip()
    m = _COLON_LINE.match(text)
    if m:
        raw_subject = (m.group("subject") or m.group("subject2")).strip()
        g = _grade(m.group("grade") or m.group("grade2"))
        subject = _NUMBERING.sub("", raw_subject)
        if g and not _HISTORIC.search(subject) and subject.lower() != "grade":
            return [Judgement(subject=subject, grade=g, provenance=_prov(view, "judgement.line.colon", 0, len(text)))]
    m = _TRAILING_GRADE.match(text)
    if m and view.kind is not BlockKind.BULLET and len(text.split()) <= 16 and (g := _grade(m.group("grade"))):
        return [
            Judgement(
                subject=m.group("subject").strip(),
                grade=g,
                provenance=_prov(view, "judgement.line.trailing_grade", 0, len(text), 0.85),
            )
        ]
    if view.doc is None:
        return out
    for m in _QUOTED_SUBJECT.finditer(text):
        if (g := _grade(m.group("grade"))) and not _grade(m.group("subject")):
            out.append(
                Judgement(
                    subject=m.group("subject").strip(),
                    grade=g,
                    provenance=_prov(view, "judgement.text.quoted_subject", m.start(), m.end(), 0.9),
                )
            )
    for m in _RELATING.finditer(text):
        if g := _grade(m.group("grade")):
            out.append(
                Judgement(
                    subject=_cap(m.group("subject")),
                    grade=g,
                    provenance=_prov(view, "judgement.text.relating_to", m.start(), m.end(), 0.8),
                )
            )
    m = _AREA_IS_GRADE.match(text)
    if m and m.group("subject").strip().lower() in _judgement_areas() and (g := _grade(m.group("grade"))):
        out.append(
            Judgement(
                subject=_cap(m.group("subject")),
                grade=g,
                provenance=_prov(view, "judgement.text.area_is_grade", 0, m.end(), 0.85),
            )
        )
    for sent in view.graded_sentences():
        s_text, s0 = sent.text, sent.start_char
        if _HISTORIC.search(s_text):
            continue
        m = _THE_X_JUDGED.match(s_text)
        if m and (g := _grade(m.group("grade"))) and (subject := _subject_from_rest(m.group("rest"))):
            out.append(
                Judgement(
                    subject=subject,
                    grade=g,
                    provenance=_prov(view, "judgement.text.the_x_judged", s0, s0 + m.end(), 0.8),
                )
            )
            continue
        for rx, rule in ((_NAMED_X_JUDGED, "judgement.text.named_x_judged"), (_RECEIVED, "judgement.text.received")):
            for m in rx.finditer(s_text):
                subject = _NUMBERING.sub("", m.group("subject")).strip()
                if (g := _grade(m.group("grade"))) and _statement_subject_ok(subject) and subject[:1].isupper():
                    out.append(
                        Judgement(
                            subject=subject,
                            grade=g,
                            provenance=_prov(view, rule, s0 + m.start(), s0 + m.end(), 0.75),
                        )
                    )
        out.extend(_area_code_judgements(view, s_text, s0))
    return out


def _area_code_judgements(view: BlockView, sentence: str, s0: int) -> list[Judgement]:
    """'inspections in N1 (Tyne) and C1 (Derbyshire) rating our services as 'good'': one per code."""
    if not _RATING_VERB.search(sentence):
        return []
    out = []
    pos = 0
    for gm in _QUOTED_GRADE.finditer(sentence):
        segment = sentence[pos : gm.start()]
        g = _grade(gm.group("grade"))
        for am in _AREA_CODE.finditer(segment):
            subject = f"{am.group(1)} ({am.group(2).strip()})"
            out.append(
                Judgement(
                    subject=subject,
                    grade=g,
                    provenance=_prov(view, "judgement.text.area_code", s0 + pos + am.start(), s0 + gm.end(), 0.85),
                )
            )
        pos = gm.end()
    return out


def _key(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())


def _same_subject(earlier: str, later: str) -> bool:
    """Is `later` a restatement of `earlier`? ("The experiences and progress of care leavers" restates
    "Experiences and progress of care leavers"; a sectioned "Services for X: Overall effectiveness" is
    its own subject, but a bare "Overall effectiveness" after it restates it.)"""
    a, b = _key(earlier).removeprefix("the "), _key(later).removeprefix("the ")
    if a == b:
        return True
    if ":" in later:
        return False
    if ":" in earlier:
        return _key(earlier.split(":", 1)[1]).removeprefix("the ") == b
    return a.endswith(" " + b) or b.endswith(" " + a)


def _dedupe(items: list[Judgement]) -> list[Judgement]:
    """Keep the first statement of each (subject, grade); a later restatement adds nothing."""
    out: list[Judgement] = []
    for j in items:
        if any(o.grade == j.grade and _same_subject(o.subject, j.subject) for o in out):
            continue
        out.append(j)
    return out


# -- judgements by inspection framework ------------------------------------------------------------
#
# Ofsted's reports on a council's children's services print their judgements in a fixed list on the
# first page (ILACS and SIF), or grade a fixed set of subjects section by section (2009-13). Where a
# document is one of those reports, its judgements are read from that structure alone: restatements
# in headings, grades of earlier inspections and explanatory tables are never read. Focused-visit
# letters and area SEND reports grade nothing. Every rule is in rules/judgements.json.


@dataclass(frozen=True)
class _Tok:
    """A piece of a judgement list: a subject (S), a grade (G), the halves of a grade printed around
    its subject (R "Requires", I "improvement"), numbering or punctuation (N), or other text (X)."""

    kind: str
    start: int
    end: int
    grade: Grade | None = None
    rule: SubjectRule | None = None


@dataclass(frozen=True)
class _Stream:
    """The opening blocks' text joined by newlines (footnotes left out), mapped back to the document."""

    text: str
    starts: list[int]
    blocks: list[Block]

    def at(self, pos: int) -> tuple[Block, int]:
        """The block holding stream offset `pos` and the matching document offset."""
        k = max(bisect_right(self.starts, pos) - 1, 0)
        block = self.blocks[k]
        return block, block.start + min(pos - self.starts[k], len(block.text))


@dataclass(frozen=True)
class _ListItem:
    rule: SubjectRule
    subject: str
    grade: Grade
    start: int  # stream offsets of the subject and its grade together
    end: int


@dataclass(frozen=True)
class FrameworkReading:
    """What a document's own structure says about its judgements (see `read_framework`)."""

    # "ilacs", "ilacs_2026" (an ILACS table without an Overall effectiveness row), "sif", "lscb_review",
    # "la_2009_13", a no-judgement genre ("focused_visit", "area_send"), or None
    framework: str | None
    judgements: list[Judgement]


class _Compiled(NamedTuple):
    gap: re.Pattern[str]
    lists: list[tuple[JudgementList, list[tuple[SubjectRule, re.Pattern[str]]]]]
    no_judgement: list[tuple[str, list[re.Pattern[str]]]]
    overall: list[re.Pattern[str]]
    lscb: list[re.Pattern[str]]
    lscb_review: list[re.Pattern[str]]
    la_opening: list[re.Pattern[str]]
    la_sections: list[re.Pattern[str]]
    la_subjects: list[tuple[SubjectRule, re.Pattern[str]]]
    la_line: re.Pattern[str]
    la_sentence: re.Pattern[str]


def _bounded(pattern: str, grades: str) -> re.Pattern[str]:
    """A subject pattern that matches whole words only."""
    inner = compile_phrase(pattern, grades).pattern
    return re.compile(rf"(?<![\w-])(?:{inner})(?![A-Za-z])", re.I)


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    r = judgement_rules()
    g = r.grade_alternation
    split_first = compile_phrase(r.split_grade.first).pattern
    split_second = compile_phrase(r.split_grade.second).pattern
    gap = re.compile(
        rf"(?P<grade>{g})(?![\w-])|(?P<first>{split_first})(?![\w-])|(?P<second>{split_second})(?![\w-])"
        r"|(?P<num>\(?\d{1,3}(?:\.\d{1,2})*[.)]?)(?!\w)|(?P<sep>[|:;,.•▪◼\-–—*()\[\]])",
        re.I,
    )
    la = r.la_2009_13
    la_alt = "|".join(f"(?P<s{k}>{compile_phrase(s.pattern).pattern})" for k, s in enumerate(la.subjects))
    grade_expr = (
        r"(?:grade\s*(?P<num>[1-4])(?:\s*\(\s*(?P<word>[a-z ]+?)\s*\))?"
        rf"|(?P<word2>{g})(?:\s*\(\s*grade\s*[1-4]\s*\))?)"
    )
    return _Compiled(
        gap=gap,
        lists=[(lst, [(s, _bounded(s.pattern, g)) for s in lst.subjects]) for lst in r.lists],
        no_judgement=[(n.genre, [compile_phrase(p) for p in n.opening_patterns]) for n in r.no_judgement_documents],
        overall=[compile_phrase(p, g) for p in r.overall_sentences],
        lscb=[compile_phrase(p, g) for p in r.lscb.patterns],
        lscb_review=[compile_phrase(p) for p in r.lscb.review_opening_patterns],
        la_opening=[re.compile(compile_phrase(p).pattern, re.I | re.M) for p in la.opening_patterns],
        la_sections=[compile_phrase(p) for p in la.sections],
        la_subjects=[(s, compile_phrase(s.pattern)) for s in la.subjects],
        la_line=re.compile(rf"^(?:\d{{1,2}}\.?\s+)?(?P<subject>{la_alt})\s*(?:[:|–—-]\s*)?{grade_expr}\s*\.?$", re.I),
        la_sentence=re.compile(
            rf"^(?:\d{{1,3}}\.\s+)?(?:the\s+)?(?P<subject>{la_alt})(?:\s+of\s+[^.]{{3,80}}?)?\s+(?:is|are)\s+"
            rf"(?:judged\s+(?:to\s+be\s+)?)?(?P<word2>{g})\b",
            re.I,
        ),
    )


def _opening(analysis: Analysis) -> _Stream:
    """The document's first pages: where a report prints its judgement table."""
    op = judgement_rules().opening
    blocks: list[Block] = []
    for v in analysis.blocks[: op.max_blocks]:
        if v.block.page is not None and v.block.page > op.max_page:
            break
        if v.kind is not BlockKind.FOOTNOTE:
            blocks.append(v.block)
    starts, parts, pos = [], [], 0
    for b in blocks:
        starts.append(pos)
        parts.append(b.text)
        pos += len(b.text) + 1
    return _Stream("\n".join(parts), starts, blocks)


def _no_judgement_genre(analysis: Analysis) -> str | None:
    """'focused_visit' or 'area_send' when the document's opening names it one (they grade nothing)."""
    blocks = analysis.blocks[: judgement_rules().opening.genre_blocks]
    for genre, patterns in _compiled().no_judgement:
        for v in blocks:
            text = v.text.strip()
            if any(p.search(text) for p in patterns):
                return genre
    return None


def _gap_tokens(text: str, lo: int, hi: int) -> list[_Tok]:
    """The grade words, numbering and punctuation between two subjects; anything else is an X."""
    gap, grades = _compiled().gap, judgement_rules()
    out: list[_Tok] = []
    pos = lo
    while pos < hi:
        while pos < hi and text[pos].isspace():
            pos += 1
        if pos >= hi:
            break
        m = gap.match(text, pos, hi)
        if m is None:
            end = pos
            while end < hi and not text[end].isspace():
                end += 1
            if not out or out[-1].kind != "X":
                out.append(_Tok("X", pos, end))
            pos = end
            continue
        if m.group("grade"):
            out.append(_Tok("G", m.start(), m.end(), grade_from_text(m.group("grade"))))
        elif m.group("first"):
            out.append(_Tok("R", m.start(), m.end(), grades.split_grade.grade))
        elif m.group("second"):
            out.append(_Tok("I", m.start(), m.end(), grades.split_grade.grade))
        else:
            out.append(_Tok("N", m.start(), m.end()))
        pos = m.end()
    return out


def _tokens(text: str, subjects: list[tuple[SubjectRule, re.Pattern[str]]]) -> list[_Tok]:
    """Subjects where the text names them, and the tokens of the gaps between them."""
    found = sorted(
        ((m.start(), -(m.end() - m.start()), m.end(), rule) for rule, rx in subjects for m in rx.finditer(text)),
        key=lambda t: (t[0], t[1]),
    )
    toks: list[_Tok] = []
    pos = 0
    for start, _, end, rule in found:
        if start < pos:  # inside a longer subject found first
            continue
        toks += _gap_tokens(text, pos, start)
        toks.append(_Tok("S", start, end, rule=rule))
        pos = end
    return toks + _gap_tokens(text, pos, len(text))


def _assign(seg: list[_Tok]) -> dict[int, tuple[Grade | None, int, int]]:
    """Each subject's grade in a run of list tokens: printed around it ("Requires" S "improvement"),
    right after it, or, for a column of grades printed after the subjects, in order."""
    subj = [i for i, t in enumerate(seg) if t.kind == "S"]
    used: set[int] = set()
    out: dict[int, tuple[Grade | None, int, int]] = {}

    def _near(i: int, step: int) -> int | None:
        j = i + step
        while 0 <= j < len(seg) and seg[j].kind == "N":
            j += step
        return j if 0 <= j < len(seg) and j not in used else None

    for i in subj:
        before, after = _near(i, -1), _near(i, 1)
        if before is not None and after is not None and seg[before].kind == "R" and seg[after].kind == "I":
            out[i] = (seg[before].grade, seg[before].start, seg[after].end)
            used |= {before, after}
    for i in subj:
        after = _near(i, 1)
        if i in out or after is None:
            continue
        if seg[after].kind == "G":
            out[i] = (seg[after].grade, seg[i].start, seg[after].end)
            used.add(after)
        elif seg[after].kind == "R" and (second := _near(after, 1)) is not None and seg[second].kind == "I":
            out[i] = (seg[after].grade, seg[i].start, seg[second].end)
            used |= {after, second}
    rest = [i for i in subj if i not in out]
    column = [j for j, t in enumerate(seg) if t.kind == "G" and j not in used and rest and j > rest[0]]
    if rest and len(column) == len(rest) and all(j > subj[-1] for j in column):
        for i, j in zip(rest, column, strict=True):
            out[i] = (seg[j].grade, seg[i].start, seg[j].end)
    return out


def _read_list(stream: _Stream, subjects: list[tuple[SubjectRule, re.Pattern[str]]]) -> list[_ListItem]:
    """The longest run of subjects with their grades, nothing but grades and numbering between them."""
    toks = _tokens(stream.text, subjects)
    best: list[_ListItem] = []
    seg: list[_Tok] = []
    for t in [*toks, _Tok("X", len(stream.text), len(stream.text))]:
        if t.kind != "X":
            seg.append(t)
            continue
        items, seen = [], set()
        for i, (grade, start, end) in sorted(_assign(seg).items()):
            rule = seg[i].rule
            if rule is None or grade is None or rule.key in seen:
                continue
            seen.add(rule.key)
            subject = " ".join(stream.text[seg[i].start : seg[i].end].split())
            items.append(_ListItem(rule, subject, grade, min(start, seg[i].start), max(end, seg[i].end)))
        if len(items) > len(best):
            best = items
        seg = []
    return best


def _stream_judgement(stream: _Stream, subject: str, grade: Grade, start: int, end: int, rule: str) -> Judgement:
    block, doc_start = stream.at(start)
    _, doc_end = stream.at(end)
    prov = Provenance(page=block.page, start=doc_start, end=max(doc_end, doc_start), rule=rule, confidence=0.95)
    return Judgement(subject=subject, grade=grade, provenance=prov)


def _sentence_judgement(
    views: list[BlockView], patterns: list[re.Pattern[str]], subject: str, rule: str
) -> Judgement | None:
    """The first block that opens with one of `patterns`, as a judgement of `subject`."""
    for v in views:
        if v.kind is BlockKind.TABLE_ROW or not names_a_grade(v.text):
            continue
        text = v.text.strip()
        lead = len(v.text) - len(v.text.lstrip())
        for rx in patterns:
            m = rx.match(text)
            if m and (g := grade_from_text(m.group("grade"))):
                return Judgement(subject=subject, grade=g, provenance=_prov(v, rule, lead, lead + m.end(), 0.9))
    return None


def _la_2009_13(analysis: Analysis) -> list[Judgement]:
    """2009-13 reports: each graded subject, named by its section where the report has sections."""
    c, rules = _compiled(), judgement_rules()
    section: str | None = None
    out: list[Judgement] = []
    seen: set[tuple[str | None, str]] = set()
    for v in analysis.blocks:
        text = v.text.strip()
        plain = _NUMBERING.sub("", " ".join(text.split()))
        if any(rx.fullmatch(plain) for rx in c.la_sections):
            section = plain
        if not names_a_grade(text) and not re.search(r"grade\s*[1-4]", text, re.I):
            continue
        line = c.la_line.match(text) if len(text) < 300 else None
        m = line or c.la_sentence.match(text)
        if m is None:
            continue
        k = next(int(n[1:]) for n, val in m.groupdict().items() if n.startswith("s") and n[1:].isdigit() and val)
        rule = c.la_subjects[k][0]
        grade = _la_grade(m, rules.grade_numbers)
        if grade is None or _HISTORIC.search(text) or (section, rule.key) in seen:
            continue
        seen.add((section, rule.key))
        printed = " ".join(m.group("subject").split()) if line else _cap(m.group("subject"))
        subject = f"{section}: {printed}" if section else printed
        how = "overall" if rule.overall else ("line" if line else "sentence")
        lead = len(v.text) - len(v.text.lstrip())
        prov = _prov(v, f"judgement.la_2009_13.{how}", lead, lead + m.end(), 0.9)
        out.append(Judgement(subject=subject, grade=grade, provenance=prov))
    return out


def _la_grade(m: re.Match[str], numbers: dict[str, Grade]) -> Grade | None:
    word = m.groupdict().get("word") or m.groupdict().get("word2")
    if word and (g := grade_from_text(word)):
        return g
    num = m.groupdict().get("num")
    return numbers.get(num) if num else None


def _row_rule(rule: SubjectRule) -> str:
    return "overall" if rule.overall else "table"


def _opens_with(analysis: Analysis, patterns: list[re.Pattern[str]], n: int) -> bool:
    """Does the text of the first n blocks (joined: a title may run over several) match a pattern?"""
    text = "\n".join(v.text for v in analysis.blocks[:n])
    return any(p.search(text) for p in patterns)


_FRAMEWORK_RULES = ("judgement.ilacs.", "judgement.sif.", "judgement.lscb_review.", "judgement.la_2009_13.")


def read_framework(analysis: Analysis) -> FrameworkReading:
    """The judgements a report of a known framework prints, read from its structure alone.

    `framework` is None where the document is none of them (its judgements are then read by the
    general rules); a no-judgement genre reads as its name with no judgements.
    """
    genre = _no_judgement_genre(analysis)
    if genre is not None:
        return FrameworkReading(genre, [])
    c, rules = _compiled(), judgement_rules()
    stream = _opening(analysis)
    best: tuple[JudgementList, list[_ListItem]] | None = None
    for lst, subjects in c.lists:
        items = _read_list(stream, subjects)
        if len(items) >= lst.min_subjects and (best is None or len(items) > len(best[1])):
            best = (lst, items)
    if best is not None:
        lst, items = best
        fw = lst.framework
        out = [
            _stream_judgement(stream, it.subject, it.grade, it.start, it.end, f"judgement.{fw}.{_row_rule(it.rule)}")
            for it in items
        ]
        has_overall = any(it.rule.overall for it in items)
        if fw == "sif":
            first = stream.blocks.index(stream.at(items[0].start)[0])
            before = {id(b) for b in stream.blocks[: first + 1]}
            opening = [v for v in analysis.blocks if id(v.block) in before]
            if not has_overall:  # the overall judgement is the sentence above the list
                overall = _sentence_judgement(opening, c.overall, rules.overall_subject, "judgement.sif.overall")
                out += [overall] if overall is not None else []
            lscb = _sentence_judgement(analysis.blocks, c.lscb, rules.lscb.subject, "judgement.sif.lscb")
            out += [lscb] if lscb is not None else []
        elif fw == "ilacs" and not has_overall:  # the framework as changed in 2026 grades no overall effectiveness
            fw = "ilacs_2026"
        out.sort(key=lambda j: j.provenance.start)
        return FrameworkReading(fw, out)
    if _opens_with(analysis, c.lscb_review, 10):
        lscb = _sentence_judgement(analysis.blocks, c.lscb, rules.lscb.subject, "judgement.lscb_review.lscb")
        if lscb is not None:
            return FrameworkReading("lscb_review", [lscb])
    if _opens_with(analysis, c.la_opening, rules.la_2009_13.opening_blocks):
        found = _la_2009_13(analysis)
        if found:
            return FrameworkReading("la_2009_13", found)
    return FrameworkReading(None, [])


def extract_judgements(analysis: Analysis) -> list[Judgement]:
    """Every graded judgement the document states outside the per-area progress judgements.

    A report of a known framework is read from its judgement structure alone (`read_framework`);
    any other document by the general rules below.
    """
    reading = read_framework(analysis)
    if reading.framework is not None:
        return reading.judgements
    found = _table_judgements(analysis.blocks) + _line_pair_judgements(analysis.blocks)
    for v in analysis.blocks:
        if v.kind is not BlockKind.TABLE_ROW:
            found.extend(_text_judgements(v))
    found.sort(key=lambda j: j.provenance.start)
    return _dedupe(found)


def extract_overall(analysis: Analysis, judgements: list[Judgement]) -> OverallJudgement | None:
    """Overall progress ("satisfactory progress overall") or the overall effectiveness grade.

    For a report of a known framework, only the framework's own overall judgement counts (its
    table row or overall sentence, as `extract_judgements` read it): the 2026 framework, focused
    visits, area SEND reports and LSCB reviews have none, and none is taken from their prose.
    """
    if _no_judgement_genre(analysis) is not None:
        return None
    framework = [j for j in judgements if j.provenance.rule.startswith(_FRAMEWORK_RULES)]
    if framework:
        for j in framework:
            if j.provenance.rule.endswith(".overall"):
                return OverallJudgement(grade=j.grade, kind="effectiveness", provenance=j.provenance)
        return None
    for v in analysis.blocks:
        if v.kind is BlockKind.TABLE_ROW or v.doc is None or "overall" not in v.text.lower():
            continue
        for sent in v.graded_sentences():
            for rx in _PROGRESS_OVERALL:
                m = rx.search(sent.text)
                if m and (g := _grade(m.group("grade"))):
                    s0 = sent.start_char
                    return OverallJudgement(
                        grade=g, kind="progress", provenance=_prov(v, "overall.progress", s0 + m.start(), s0 + m.end())
                    )
    for j in judgements:
        if _OVERALL_EFFECTIVENESS.fullmatch(j.subject.strip()):
            return OverallJudgement(grade=j.grade, kind="effectiveness", provenance=j.provenance)
    for v in analysis.blocks:
        low = v.text.lower()
        if v.kind is BlockKind.TABLE_ROW or v.doc is None or ("overall" not in low and "services" not in low):
            continue
        for sent in v.graded_sentences():
            if _HISTORIC.search(sent.text):
                continue
            for rx in _OVERALL_SENTENCES:
                m = rx.search(sent.text)
                if m and (g := _grade(m.group("grade"))):
                    s0 = sent.start_char
                    return OverallJudgement(
                        grade=g,
                        kind="effectiveness",
                        provenance=_prov(v, "overall.effectiveness.sentence", s0 + m.start(), s0 + m.end(), 0.85),
                    )
    for j in judgements:
        if _OVERALL_EFFECTIVENESS.search(j.subject):
            return OverallJudgement(grade=j.grade, kind="effectiveness", provenance=j.provenance)
    return None


def subject_key(subject: str, framework: str) -> str | None:
    """The rules' key for a subject of a framework's judgement list ("impact_of_leaders"), or None."""
    text = " ".join(subject.split())
    for lst, subjects in _compiled().lists:
        if lst.framework == framework:
            for rule, rx in subjects:
                if rx.fullmatch(text):
                    return rule.key
    return None
