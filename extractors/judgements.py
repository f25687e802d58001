"""Graded judgements: judgement tables, "Subject: Grade" lines, and ratings reported in running text.

Running text is read with narrow, precise patterns (quoted subjects, service-area codes, "the X
was judged to be Y"); a sentence that fits none of them yields nothing rather than a guess.
"""

from __future__ import annotations

import re

from extractors.analysis import Analysis, BlockView, grade_from_text
from extractors.rules import lexicon
from schemas.document import BlockKind
from schemas.record import Grade, Judgement, OverallJudgement, Provenance

_Q = "[‘'\"“]"
_QE = "[’'\"”]"
_GRADES = r"outstanding|good|satisfactory|adequate|inadequate|requires improvement(?: to be good)?"
_QUOTED_SUBJECT = re.compile(
    rf"{_Q}(?P<subject>[A-Z][^’'\"”]{{2,80}}){_QE}\s+(?:which\s+)?(?:was|were|is|are)?\s*"
    rf"(?:also\s+)?(?:considered|judged|graded|rated|found|assessed)?\s*(?:to\s+be|as)?\s*"
    rf"{_Q}(?P<grade>{_GRADES}){_QE}",
    re.I,
)
_RELATING = re.compile(
    rf"(?:related|relating|relates)\s+to\s+(?:the\s+)?(?P<subject>[a-z][a-z ,'-]{{3,80}}?)\)?\s*"
    rf"(?:being|was|were|is|as)\s+{_Q}?(?P<grade>{_GRADES}){_QE}?",
    re.I,
)
_THE_X_JUDGED = re.compile(
    rf"^(?:The|Its|Their)\s+(?P<rest>[^.]{{3,160}}?)\s+(?:was|were)\s+(?:judged|graded|rated|assessed)"
    rf"\s+(?:to\s+be\s+|as\s+)?{_Q}?(?P<grade>{_GRADES})\b",
    re.I,
)
_COLON_LINE = re.compile(rf"^(?P<subject>[A-Z][^:]{{2,80}}):\s*{_Q}?(?P<grade>{_GRADES}){_QE}?\.?$", re.I)
_AREA_CODE = re.compile(r"\b([A-Z][A-Z0-9]?\d?)\s\(([^()]{3,90})\)")
_QUOTED_GRADE = re.compile(rf"{_Q}(?P<grade>{_GRADES}){_QE}", re.I)
_RATING_VERB = re.compile(r"\b(?:rat(?:ed|ing)|judged|graded|found|assessed)\b", re.I)
_PROGRESS_OVERALL = re.compile(
    rf"\b(?P<grade>{_GRADES})\W+progress\s+overall\b|\boverall\s+progress\b[^.]{{0,60}}?\b(?P<grade2>{_GRADES})\b",
    re.I,
)
_OVERALL_EFFECTIVENESS = re.compile(r"\boverall\s+effectiveness\b", re.I)


def _grade(text: str) -> Grade | None:
    return grade_from_text(text)


def _prov(view: BlockView, rule: str, start: int = 0, end: int | None = None, conf: float = 1.0) -> Provenance:
    return view.provenance(rule, start, end, conf)


def _table_judgements(views: list[BlockView]) -> list[Judgement]:
    """Rows whose cells state grades; a header row names the columns ("Safeguarding services")."""
    out: list[Judgement] = []
    header: list[str] | None = None
    prev_table = False
    for v in views:
        if v.kind is not BlockKind.TABLE_ROW:
            prev_table = False
            header = None
            continue
        cells = [c.text.strip() for c in v.block.cells]
        grades = [_grade(c) for c in cells]
        if not any(grades[1:]):
            header = cells if not prev_table or header is None else header
            prev_table = True
            continue
        prev_table = True
        subject = cells[0]
        if not subject or _grade(subject):
            continue
        graded = [(j, g) for j, g in enumerate(grades) if j and g]
        multi = len(graded) > 1 and header is not None and len(header) == len(cells)
        for j, g in graded:
            subj = f"{header[j]}: {subject}" if multi and header[j] else subject
            cell = v.block.cells[j]
            out.append(
                Judgement(
                    subject=subj,
                    grade=g,
                    provenance=Provenance(
                        page=v.block.page,
                        start=v.block.start,
                        end=cell.end,
                        rule="judgement.table.row",
                        confidence=0.95,
                    ),
                )
            )
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
    subject = " ".join(words)
    return subject[:1].upper() + subject[1:]


def _text_judgements(view: BlockView) -> list[Judgement]:
    out: list[Judgement] = []
    text = view.text
    if view.kind is BlockKind.HEADING or view.kind is BlockKind.PARAGRAPH:
        m = _COLON_LINE.match(text.strip())
        if m and (g := _grade(m.group("grade"))):
            out.append(
                Judgement(
                    subject=m.group("subject").strip(),
                    grade=g,
                    provenance=_prov(view, "judgement.line.colon", 0, len(text)),
                )
            )
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
            subject = m.group("subject").strip(" ,")
            out.append(
                Judgement(
                    subject=subject[:1].upper() + subject[1:],
                    grade=g,
                    provenance=_prov(view, "judgement.text.relating_to", m.start(), m.end(), 0.8),
                )
            )
    for sent in view.sentences():
        s_text, s0 = sent.text, sent.start_char
        m = _THE_X_JUDGED.match(s_text)
        if m and (g := _grade(m.group("grade"))) and (subject := _subject_from_rest(m.group("rest"))):
            out.append(
                Judgement(
                    subject=subject,
                    grade=g,
                    provenance=_prov(view, "judgement.text.the_x_judged", s0, s0 + m.end(), 0.8),
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


def _dedupe(items: list[Judgement]) -> list[Judgement]:
    def key(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())

    out: list[Judgement] = []
    for j in items:
        k = key(j.subject)
        if any(o.grade == j.grade and (key(o.subject) == k or key(o.subject).endswith(": " + k)) for o in out):
            continue
        out.append(j)
    return out


def extract_judgements(analysis: Analysis) -> list[Judgement]:
    """Every graded judgement the document states outside the per-area progress judgements."""
    found = _table_judgements(analysis.blocks)
    for v in analysis.blocks:
        if v.kind is not BlockKind.TABLE_ROW:
            found.extend(_text_judgements(v))
    return _dedupe(found)


def extract_overall(analysis: Analysis, judgements: list[Judgement]) -> OverallJudgement | None:
    """Overall progress ("satisfactory progress overall") or the overall effectiveness grade."""
    for v in analysis.blocks:
        if v.kind is BlockKind.TABLE_ROW:
            continue
        m = _PROGRESS_OVERALL.search(v.text)
        if m and (g := _grade(m.group("grade") or m.group("grade2"))):
            return OverallJudgement(
                grade=g, kind="progress", provenance=_prov(v, "overall.progress", m.start(), m.end())
            )
    for j in judgements:
        subject = j.subject.split(":")[-1]
        if _OVERALL_EFFECTIVENESS.search(subject) and ":" not in j.subject:
            return OverallJudgement(grade=j.grade, kind="effectiveness", provenance=j.provenance)
    for j in judgements:
        if _OVERALL_EFFECTIVENESS.search(j.subject):
            return OverallJudgement(grade=j.grade, kind="effectiveness", provenance=j.provenance)
    return None
