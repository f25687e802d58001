"""Graded judgements: judgement tables and lists, "Subject: Grade" lines, and ratings in running text.

Running text is read with narrow, precise patterns (quoted subjects, service-area codes, "X was
judged to be Y"); a sentence that fits none of them yields nothing rather than a guess, and a
sentence about a previous inspection, a statistic or a risk ("is judged inadequate") yields nothing.
"""

from __future__ import annotations

import re

from extractors.analysis import Analysis, BlockView, grade_from_text, names_a_grade
from extractors.rules import lexicon
from schemas.document import BlockKind
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


def extract_judgements(analysis: Analysis) -> list[Judgement]:
    """Every graded judgement the document states outside the per-area progress judgements."""
    found = _table_judgements(analysis.blocks) + _line_pair_judgements(analysis.blocks)
    for v in analysis.blocks:
        if v.kind is not BlockKind.TABLE_ROW:
            found.extend(_text_judgements(v))
    found.sort(key=lambda j: j.provenance.start)
    return _dedupe(found)


def extract_overall(analysis: Analysis, judgements: list[Judgement]) -> OverallJudgement | None:
    """Overall progress ("satisfactory progress overall") or the overall effectiveness grade."""
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
