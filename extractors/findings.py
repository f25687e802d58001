"""Areas for improvement (letter form and action-plan tables), their evidence, and recommendations.

Letters announce structure with cue lines ("Area for improvement 1: ...", "Evidence of progress
provided by ... included:", "Within three months:") and then lists; action plans put the same
facts in table columns. Both are read here from the rule matches in `Analysis`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from extractors.analysis import (
    Analysis,
    BlockView,
    clean_item_text,
    grade_from_rule,
    timescale_from_text,
)
from extractors.framework_tags import split_tag
from extractors.rules import lexicon
from schemas.document import BlockKind
from schemas.record import AreaForImprovement, Evidence, Grade, Rag, Recommendation, Timescale

_ID = re.compile(r"([A-Za-z]?\d{1,2}[a-z]?)\s*$")
_PROGRESS_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}?progress\b", re.I)
_PROGRESS_BEFORE = re.compile(r"\bprogress\b[^.]{0,80}$", re.I)
_TABLE_TEXT_COL = re.compile(r"area[s]? for (?:improvement|development)|recommendation|priority|action|issue", re.I)
_TABLE_ROLES = {
    "rag": re.compile(r"\brag\b|\bstatus\b|rating", re.I),
    "ref": re.compile(r"\bref|\bno\.?$|number|\bid\b", re.I),
    "progress": re.compile(r"progress|update|summary|comment|evidence", re.I),
    "timescale": re.compile(r"timescale|by when|target date|deadline", re.I),
    "responsible": re.compile(r"responsib|\blead\s+(?:body|agency|organisation)", re.I),
}
_SPLIT_ITEMS = re.compile(r"\s*[•·\uf0b7▪●]\s*")


@dataclass
class Findings:
    areas: list[AreaForImprovement] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)


def _is_intro(view: BlockView) -> bool:
    """A heading, or a short line that introduces a list (ends with a colon)."""
    text = view.text.rstrip()
    return view.kind is BlockKind.HEADING or text.endswith((":", "?")) or len(text.split()) <= 8


def _after_cue(view: BlockView, label: str) -> tuple[str, int]:
    """The block's text after a cue at its start, and where that text starts."""
    cue = view.first(label)
    rest = view.text[cue.end :] if cue else view.text
    lead = len(rest) - len(rest.lstrip(" :.-–—\t"))
    return clean_item_text(rest), (cue.end if cue else 0) + lead


def _cue_id(cue_text: str) -> str | None:
    m = _ID.search(cue_text)
    return m.group(1) if m else None


def _timescale_label(view: BlockView) -> Timescale | None:
    """A short line that is just a timescale ("Within three months:", "Immediately")."""
    if view.kind is BlockKind.BULLET or len(view.text.split()) > 6:
        return None
    cue = view.starts_with("TIMESCALE")
    return timescale_from_text(view.text) if cue else None


def progress_grade(view: BlockView) -> tuple[Grade, int, int, str] | None:
    """A progress judgement in this block: a grade next to the word "progress"."""
    for cue in view.cues:
        if cue.label != "GRADE":
            continue
        after = view.text[cue.end : cue.end + 60]
        before = view.text[max(0, cue.start - 90) : cue.start]
        if _PROGRESS_AFTER.match(after) or _PROGRESS_BEFORE.search(before):
            grade = grade_from_rule(cue.rule)
            if grade is not None:
                return grade, cue.start, cue.end, cue.rule
    return None


def _excluded_recommendation(text: str) -> bool:
    return any(re.search(p, text, re.I) for p in lexicon().not_recommendation_patterns)


_INTRO_ITEM = re.compile(
    r"(?:following|these|the below)\s+(?:actions?|areas?|recommendations?|priorities)[.:]?$|:$", re.I
)
# A numbered paragraph that introduces a list rather than being one of its items.
_INTRO_BULLET = re.compile(
    r"(?:the\s+following|the\s+below)\s+(?:actions?|areas?|recommendations?|priorities)[.:]?$|:$", re.I
)
_AREA_REF = re.compile(r"^(?:area|priority|action)\s+(\d{1,2}|[A-Z]\d{0,2})\s*[–—:-]\s*\S.{0,80}$", re.I)
_FOLLOWING = re.compile(
    r"\b(?:the\s+following|as\s+follows)\b|\bthese\s+(?:areas|actions|priorities|recommendations)\b", re.I
)
_MODAL = re.compile(r"\b(?:should|must|needs?\s+to|is\s+to|are\s+to)\b", re.I)
_MUST_INTRO = re.compile(
    r"\b(?:ofsted|inspectors?|the\s+report|the\s+inspectorate)\b[^.]{0,60}\b(?:must|should|needs?\s+to)\s*:$", re.I
)
_CONTENTS_LINE = re.compile(r"^\D.{2,120}?\s\d{1,3}$")
_REC_SENTENCE = re.compile(r"^an external review of\b.{5,200}\bshould be undertaken\b", re.I)


def _contents_lines(views: list[BlockView]) -> set[int]:
    """Indexes of table-of-contents lines: runs of three or more short lines ending in page numbers."""
    out: set[int] = set()
    run: list[int] = []
    for i, v in enumerate(views + [None]):  # type: ignore[operator]
        ok = (
            v is not None
            and len(v.text) < 130
            and bool(
                _CONTENTS_LINE.match(v.text)
                or (v.kind is BlockKind.TABLE_ROW and v.text.rstrip().split("\t")[-1].isdigit())
            )
        )
        if ok:
            run.append(i)
            continue
        if len(run) >= 3:
            out.update(run)
        run = []
    return out


class _Walker:
    """One pass over the blocks with the state a reader keeps in their head."""

    def __init__(self, analysis: Analysis) -> None:
        self.views = analysis.blocks
        self.document = analysis.document
        self.skip = _contents_lines(self.views)
        self.out = Findings()
        self.letter_areas: list[AreaForImprovement] = []
        self.listed_actions: list[tuple[Timescale | None, AreaForImprovement]] = []
        self.current: AreaForImprovement | None = None
        self.evidence_source: str | None = None
        self.evidence_rule = ""
        self.section: str | None = None  # "afi_list" | "rec_list" | None
        self.timescale: Timescale | None = None
        self.pending_rec: tuple[str | None, BlockView] | None = None
        self.judged = False
        self.list_opened = False  # the previous block introduced a list ("...included:", "Immediately:")
        self.last_item: AreaForImprovement | Recommendation | None = None
        self.last_item_level = 0
        self.last_item_open = False
        self.prose_items = False  # the open area section is headed (not a list intro): prose items allowed
        self.section_items = 0  # items read since the open section began
        self.kind: str | None = None  # priority_action | area_for_improvement, from the open section's heading
        self.heading = ""  # the open section's heading, as printed
        self.last_number: int | None = None  # the printed number of the last numbered item
        self.last_number_kind = BlockKind.BULLET  # and how it was printed (bullet or numbered paragraph)

    def run(self) -> Findings:
        i = 0
        while i < len(self.views):
            view = self.views[i]
            if i in self.skip:
                i += 1
                continue
            if view.kind is BlockKind.TABLE_ROW:
                if (title := _heading_row(view)) is not None:
                    # A one-column table whose header cell heads its list ("Areas for improvement"), its
                    # items the paragraphs of the cell below.
                    self._open("rec_list" if _RECOMMENDATIONS.match(title) else "afi_list")
                    self.kind, self.heading, self.prose_items = _section_kind_of(title), title, True
                    i += 1
                    continue
                consumed = _read_action_table(self.views, i, self.out.areas)
                i += max(consumed, 1)
                self.evidence_source, self.section, self.timescale = None, None, None
                continue
            if view.kind is BlockKind.FOOTNOTE:  # beside the text, not in it: lists carry on over it
                i += 1
                continue
            opened, self.list_opened = self.list_opened, False
            prev = self.views[i - 1] if i else None
            nxt = self._next(i)
            if view.kind is BlockKind.BULLET:
                self._bullet(view, nxt=nxt)
            elif self.section and _numbered(view):
                self._bullet(view, nxt=nxt)  # a numbered paragraph of a list ("102. The board should ...")
            elif (opened or _between_bullets(prev, nxt)) and self._in_list() and _lost_marker_item(view):
                self._bullet(view, lost_marker=True)
            else:
                self._paragraph(view, nxt)
            i += 1
        self._finish()
        return self.out

    def _next(self, i: int) -> BlockView | None:
        """The block after views[i], passing over footnotes."""
        for v in self.views[i + 1 :]:
            if v.kind is not BlockKind.FOOTNOTE:
                return v
        return None

    def _in_list(self) -> bool:
        return bool(self.evidence_source is not None or self.section)

    # paragraphs and headings: cues that change state
    def _paragraph(self, view: BlockView, nxt: BlockView | None) -> None:
        if self.section and self._subheading(view, nxt):
            return  # "Care leavers" between items 20 and 21 of a numbered list
        self.last_item = None
        if self.pending_rec is not None:
            rec_id, head = self.pending_rec
            self.pending_rec = None
            self._add_rec(rec_id, view.text, view, "rec.item.recommendation_n")
            return
        if cue := view.starts_with("AFI_ITEM"):
            text, at = _after_cue(view, "AFI_ITEM")
            if not text and nxt is not None and nxt.kind is not BlockKind.BULLET:
                text, at, view = nxt.text, 0, nxt
            self._start_area(
                AreaForImprovement(id=_cue_id(cue.text), text=text, provenance=view.provenance(cue.rule, at))
            )
            self.letter_areas.append(self.current)
            return
        if (restated := self._restated_area(view) or self._referenced_area(view)) is not None:
            self._start_area(restated)
            return
        if cue := view.starts_with("REC_ITEM"):
            text, at = _after_cue(view, "REC_ITEM")
            if text:
                self._add_rec(_cue_id(cue.text), text, view, cue.rule, at)
            else:
                self.pending_rec = (_cue_id(cue.text), view)
            self.section = None
            return
        if _REC_SENTENCE.match(view.text):
            self._add_rec(None, view.text, view, "rec.sentence.external_review")
            return
        if (source := _evidence_intro(view)) is not None:
            self.evidence_source, self.evidence_rule = source
            self.list_opened = True
            return
        self.evidence_source = None
        if (ts := _timescale_label(view)) is not None:
            self.timescale = ts
            # Items with timescales are priority actions / areas for improvement, even when a
            # report heads them "Recommendations" (older Ofsted reports do).
            self.section = "afi_list"
            self.list_opened = True
            if _PRIORITY.search(view.text):  # "Priority and immediate action"
                self.kind, self.section_items = "priority_action", 0
            return
        colon = view.text.rstrip().endswith(":")
        glued = _GLUED_TITLE.match(view.text)
        if glued is not None and not _MODAL.search(view.text, glued.end()):
            glued = None
        if glued is not None:
            # A list's title run into its first item (a table header cell read with the first paragraph
            # below it): "Areas for improvement The local area partnership needs to ..."
            self._open("afi_list")
            self.kind, self.heading, self.prose_items = _section_kind_of(glued.group(1)), glued.group(1), True
        mentioned = view.has("AFI_SECTION") or view.has("AFI_MENTION")  # "...sets out areas for improvement. ...:"
        if glued is None and (
            (_is_intro(view) and view.starts_with("AFI_SECTION", within=12)) or (colon and mentioned)
        ):
            if not (self.section == "afi_list" and not self.section_items and view.kind is not BlockKind.HEADING):
                # (an intro sentence right under the list's heading keeps the heading's kind)
                self._open("afi_list")
                self.kind = _section_kind(view)
                self.heading = view.text.strip()
            self.list_opened = colon
            self.prose_items = not colon and (
                view.kind is BlockKind.HEADING or view.text.rstrip().endswith("?") or _heading_like(view.text)
            )
            return
        if (_is_intro(view) and view.starts_with("REC_SECTION", within=12)) or (colon and view.has("REC_SECTION")):
            self._open("rec_list")
            self.list_opened = colon
            return
        if colon and self.section is None and _MUST_INTRO.search(view.text):
            self.section, self.timescale = "rec_list", None
            self.list_opened = True
            return
        if self.current is not None and not self.judged and (pg := progress_grade(view)):
            grade, start, end, rule = pg
            self.current.judgement = grade
            self.judged = True
            return
        if (
            self.section == "afi_list"
            and self.prose_items
            and _MODAL.search(view.text)
            and not (colon and _FOLLOWING.search(view.text))
            and not _not_an_item(view.text)
        ):
            # Under an improvement heading, each paragraph that says what should be done is an area
            # ("What does the school need to do to improve?" in school reports is written as prose;
            # area SEND reports write their areas for improvement as paragraphs of a table cell).
            text, at = _without_heading(view.text, self.heading)
            for a, b in _prose_items(text, view.block.start + at, self.document):
                area = AreaForImprovement(
                    id=None,
                    text=clean_item_text(text[a:b]),
                    kind=self.kind,
                    provenance=view.provenance("afi.section.prose_paragraph", at + a, at + b, confidence=0.7),
                )
                self.listed_actions.append((self.timescale, area))
                self.section_items += 1
                self._set_last(area, view)  # a paragraph ending "...in respect of:" takes the bullets below it
            return
        if self.section and _INTRO_ITEM.search(view.text.rstrip()):
            if self.section_items and colon:
                # A new list after this one's items ("The local authority has the following strengths:").
                self.section, self.timescale = None, None
            return  # "...should take the following action." keeps the list open
        if self.section and re.fullmatch(r"\(.{3,200}\)", view.text.strip()):
            return  # "(Information for the school and appropriate authority)": a note under the heading
        if view.kind is BlockKind.HEADING or not colon:
            self.section, self.timescale = None, None

    def _start_area(self, area: AreaForImprovement) -> None:
        self.current = area
        self.evidence_source, self.section, self.judged = None, None, False

    def _restated_area(self, view: BlockView) -> AreaForImprovement | None:
        """A heading that restates a listed area word for word opens that area's findings."""
        if self.letter_areas or not self.listed_actions or len(view.text) < 20:
            return None
        score, best = max(((_similar(view.text, a.text, 0.9), a) for _, a in self.listed_actions), key=lambda t: t[0])
        if best is self.current or score < 0.9:
            return None
        return best

    def _referenced_area(self, view: BlockView) -> AreaForImprovement | None:
        """A heading "Area 2 – Decision-making" that picks up listed area number 2."""
        m = _AREA_REF.match(view.text)
        if self.letter_areas or not self.listed_actions or not m:
            return None
        ref = m.group(1)
        by_id = [a for _, a in self.listed_actions if a.id == ref]
        if by_id:
            return by_id[0]
        n = int(ref) if ref.isdigit() else 0
        return self.listed_actions[n - 1][1] if 0 < n <= len(self.listed_actions) else None

    def _open(self, section: str) -> None:
        self.section, self.timescale, self.section_items, self.kind = section, None, 0, None

    def _subheading(self, view: BlockView, nxt: BlockView | None) -> bool:
        """A short heading inside a numbered list, before the item that carries on its numbering."""
        text = view.text.strip()
        if view.kind is not BlockKind.HEADING or nxt is None or not _heading_like(text):
            return False
        if view.starts_with("AFI_SECTION", within=12) or view.starts_with("REC_SECTION", within=12):
            return False
        if any(re.search(p, text, re.I) for p in lexicon().list_end_headings):
            return False
        n = _item_number(nxt)
        if n is None:
            return False
        if self.last_number is None or not self.section_items:
            return True
        # The list carries on: the next number, printed as the items before it were (a list's bullets
        # do not carry on as a report's numbered paragraphs).
        return n == self.last_number + 1 and nxt.kind is self.last_number_kind

    def _bullet(self, view: BlockView, lost_marker: bool = False, nxt: BlockView | None = None) -> None:
        text = clean_item_text(view.text)
        if not text or (self.section and _not_an_item(text)):
            return
        if self.last_item is not None and view.block.level > self.last_item_level and self.last_item_open:
            self.last_item.text += " " + text  # sub-bullets complete a parent that ends "..., by:"
            self.last_item.provenance.end = view.block.end  # the item's span runs to its last sub-bullet
            return
        if self.evidence_source is not None and self.current is not None:
            rule, conf = (self.evidence_rule + ".lost_marker", 0.7) if lost_marker else (self.evidence_rule, 1.0)
            source = self.evidence_source or None
            self.current.evidence.append(
                Evidence(source=source, text=text, provenance=view.provenance(rule, confidence=conf))
            )
            return
        parent = nxt is not None and nxt.kind is BlockKind.BULLET and nxt.block.level > view.block.level
        if (
            self.section
            and _INTRO_BULLET.search(text)
            and view.block.marker
            and view.block.marker[0].isdigit()
            and not (parent and text.endswith(":"))
        ):
            return  # a numbered paragraph that introduces the list, not an item of it
        if self.section == "afi_list":
            area = AreaForImprovement(
                id=_marker_id(view),
                text=text,
                timescale=self.timescale,
                kind=self.kind,
                provenance=view.provenance("afi.list.bullet", confidence=0.8),
            )
            self.listed_actions.append((self.timescale, area))
            self._set_last(area, view)
        elif self.section == "rec_list":
            rec = self._add_rec(_marker_id(view), text, view, "rec.list.bullet")
            self._set_last(rec, view)
        else:
            return
        self.section_items += 1
        if (n := _item_number(view)) is not None:
            self.last_number, self.last_number_kind = n, view.kind

    def _set_last(self, item: AreaForImprovement | Recommendation | None, view: BlockView) -> None:
        self.last_item, self.last_item_level = item, view.block.level
        self.last_item_open = item is not None and item.text.rstrip().endswith(":")

    def _add_rec(self, rec_id: str | None, text: str, view: BlockView, rule: str, at: int = 0) -> Recommendation | None:
        text = clean_item_text(text)
        if not text or _excluded_recommendation(text):
            return None
        rec = Recommendation(id=rec_id, text=text, provenance=view.provenance(rule, at))
        self.out.recommendations.append(rec)
        return rec

    def _finish(self) -> None:
        if self.letter_areas:
            _assign_timescales(self.letter_areas, self.listed_actions)
            self.out.areas[:0] = self.letter_areas
        else:
            self.out.areas[:0] = [a for _, a in self.listed_actions]
        self.out.areas.sort(key=lambda a: a.provenance.start)  # lists and tables, in document order
        for item in (*self.out.areas, *self.out.recommendations):
            item.text, item.framework_tag, _ = split_tag(item.text)


def _evidence_intro(view: BlockView) -> tuple[str, str] | None:
    """("provider" | "inspectors" | "", rule) for a line whose last sentence introduces an evidence list."""
    text = view.text.rstrip()
    if not text.endswith(":"):
        return None
    last = max(text.rfind(". ", 0, len(text) - 1), text.rfind("? ", 0, len(text) - 1)) + 1
    if len(text[last:].split()) > 25:
        return None
    if view.has("AFI_SECTION") or view.has("REC_SECTION"):
        return None  # "inspectors reviewed the following areas for improvement:" introduces areas
    cues = [view.first(label) for label in ("EVIDENCE_PROVIDER", "EVIDENCE_INSPECTORS", "EVIDENCE_GENERIC")]
    found = [(c, src) for c, src in zip(cues, ("provider", "inspectors", ""), strict=True) if c and c.start >= last]
    if not found:
        return None
    cue, src = min(found, key=lambda t: t[0].start)
    return src, cue.rule


def _between_bullets(prev: BlockView | None, nxt: BlockView | None) -> bool:
    return prev is not None and nxt is not None and prev.kind is BlockKind.BULLET and nxt.kind is BlockKind.BULLET


def _heading_like(text: str) -> bool:
    text = text.strip()
    return len(text.split()) <= 8 and not re.search(r"[.!?;:]$", text)


def _lost_marker_item(view: BlockView) -> bool:
    """A paragraph inside a list that is really one of its items (marker lost in conversion)."""
    if view.kind is not BlockKind.PARAGRAPH or view.text.rstrip().endswith(":") or _heading_like(view.text):
        return False
    structural = (
        "AFI_ITEM", "AFI_SECTION", "REC_ITEM", "REC_SECTION", "EVIDENCE_PROVIDER", "EVIDENCE_INSPECTORS",
        "EVIDENCE_GENERIC",
    )  # fmt: skip
    if any(view.starts_with(label, within=12) for label in structural) or _timescale_label(view):
        return False
    return progress_grade(view) is None


# A sentence that says who must act: an item's first sentence ("Health leaders need to ...",
# "The local area partnership should ..."), not a continuation ("This should include ...").
_ITEM_START = re.compile(r"[A-Z][\w’'&-]*(?:\s+[\w’'&(),-]+){0,8}?\s+(?:should|must|needs?\s+to)\b")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_NOT_AN_ACTOR = frozenset({"this", "these", "there", "it", "they", "that", "those", "such", "as", "where", "when"})


def _prose_items(text: str, start: int, document) -> list[tuple[int, int]]:
    """A paragraph of items cut where a new item starts a printed line: the spans (in `text`).

    Area SEND reports print their areas for improvement as paragraphs of a boxed cell, some with
    no space between the paragraphs to tell them apart; a sentence that says who should act and
    starts a line of the page begins the next item. `start` is the text's offset in the document.
    """
    cuts = [0]
    for m in _SENTENCE_BREAK.finditer(text):
        at = m.end()
        if text[at:].split(None, 1)[0].lower() in _NOT_AN_ACTOR or not _ITEM_START.match(text, at):
            continue
        raw = document.raw_offset(start + at)
        if 0 < raw <= len(document.raw_text) and document.raw_text[raw - 1] == "\n":
            cuts.append(at)
    return list(zip(cuts, [*cuts[1:], len(text)], strict=True))


def _not_an_item(text: str) -> bool:
    """A sentence under a list's heading that says there is no list ("The inspection did not find any areas ...")."""
    return any(re.search(p, text, re.I) for p in lexicon().not_item_patterns)


def _without_heading(text: str, heading: str) -> tuple[str, int]:
    """A paragraph without a repeat of its section's heading glued before it (a table's header
    cell read into its first row: "Areas for improvement Leaders across the partnership should ..."),
    and where the rest starts."""
    if heading and len(text) > len(heading) + 1 and text.startswith(heading + " "):
        return text[len(heading) + 1 :], len(heading) + 1
    return text, 0


_LIST_TITLE = re.compile(
    r"(?:areas?\s+for\s+(?:improvement|development|priority\s+action)|priority\s+actions?|recommendations?"
    r"|what\s+needs\s+to\s+improve\b.{0,60})\W*",
    re.I,
)
_RECOMMENDATIONS = re.compile(r"recommendations?\b", re.I)
_GLUED_TITLE = re.compile(
    r"((?i:areas?\s+for\s+(?:improvement|priority\s+action)|priority\s+actions))\s+(?=[A-Z][a-z])"
)


def _heading_row(view: BlockView) -> str | None:
    """The title, where a table row's one non-empty cell is a list's heading (a one-column table's header)."""
    cells = [c.text.strip() for c in view.block.cells if c.text.strip()]
    return cells[0] if len(cells) == 1 and _LIST_TITLE.fullmatch(cells[0]) else None


def _section_kind_of(title: str) -> str:
    return "priority_action" if _PRIORITY.search(title) else "area_for_improvement"


def _numbered(view: BlockView) -> bool:
    """A paragraph that carries a printed number ("102." of a report's numbered paragraphs)."""
    marker = view.block.marker
    return view.kind is BlockKind.PARAGRAPH and bool(marker) and marker[0].isdigit()


def _item_number(view: BlockView) -> int | None:
    """The printed number of a numbered item ("12." -> 12), None for anything else."""
    marker = view.block.marker or ""
    if view.kind not in (BlockKind.BULLET, BlockKind.PARAGRAPH) or not marker[:1].isdigit():
        return None
    m = re.match(r"(\d{1,3})[.)]", marker)
    return int(m.group(1)) if m else None


_PRIORITY = re.compile(r"\bpriority\b", re.I)
_AFI = re.compile(r"\bareas?\s+for\s+(?:improvement|development)\b", re.I)


def _section_kind(view: BlockView) -> str:
    """priority_action under a priority heading ("Areas for priority action"), else area_for_improvement."""
    return _section_kind_of(view.text)


def _marker_id(view: BlockView) -> str | None:
    marker = view.block.marker or ""
    m = re.match(r"\(?([0-9]{1,3}|[a-z])[.)]", marker)
    return m.group(1) if m else None


@lru_cache(maxsize=2048)
def _words_for_similarity(s: str) -> tuple[str, ...]:
    """The words compared (cached: each listed area is compared with every paragraph after it)."""
    s = re.sub(r"^\w+\s+(?:should|must|needs? to|to)\s+", "", s.lower())
    return tuple(re.sub(r"[^\w\s]", " ", s).split())


def _similar(a: str, b: str, floor: float = 0.0) -> float:
    """Word-sequence similarity of two item texts (0..1), without their "X should" openings.

    Compared word by word (a tenth of the work of character matching), and pairs that cannot
    reach `floor` (length ratio, then difflib's cheap upper bounds) return 0 without the full
    comparison, which dominates when every paragraph is tried against every area.
    """
    wa, wb = _words_for_similarity(a), _words_for_similarity(b)
    if not wa or not wb:
        return 0.0
    if floor and 2 * min(len(wa), len(wb)) / (len(wa) + len(wb)) < floor:
        return 0.0
    m = SequenceMatcher(None, wa, wb, autojunk=False)
    if floor and (m.real_quick_ratio() < floor or m.quick_ratio() < floor):
        return 0.0
    return m.ratio()


def _assign_timescales(
    areas: list[AreaForImprovement], listed: list[tuple[Timescale | None, AreaForImprovement]]
) -> None:
    """Give each numbered area the timescale of the listed priority action it restates."""
    if not listed:
        return
    pairs = sorted(
        ((_similar(a.text, b.text, 0.6), i, j) for i, a in enumerate(areas) for j, (_, b) in enumerate(listed)),
        reverse=True,
    )
    used_a, used_l = set(), set()
    for score, i, j in pairs:
        if score < 0.6 or i in used_a or j in used_l:
            continue
        used_a.add(i)
        used_l.add(j)
        areas[i].timescale = listed[j][0]
    if not used_a and len(areas) == len(listed):
        for a, (ts, _) in zip(areas, listed, strict=True):
            a.timescale = ts


# -- action-plan tables ----------------------------------------------------------------------------


def _roles(header: list[str]) -> dict[str, int] | None:
    """Column roles from a header row, or None if this is not an area-for-improvement table.

    Header cells are also read with spaces closed up, for words a narrow column split ("Timesc ale").
    """
    variants = [(h, re.sub(r"(?<=[a-z]) (?=[a-z])", "", h.lower())) for h in header]

    def hit(rx: re.Pattern[str], j: int) -> bool:
        return any(rx.search(v) for v in variants[j])

    text_col = next((j for j in range(len(header)) if hit(_TABLE_TEXT_COL, j)), None)
    if text_col is None:
        return None
    roles = {"text": text_col}
    for role, rx in _TABLE_ROLES.items():
        for j in range(len(header)):
            if j != text_col and j not in roles.values() and hit(rx, j):
                roles[role] = j
                break
    return roles if len(roles) > 1 else None


def _is_group_label(view: BlockView) -> bool:
    """A short label grouping a table's rows ("Within three months"), not the heading of the next list."""
    text = view.text.strip()
    if view.has("AFI_SECTION") or view.has("REC_SECTION"):
        return False
    return view.kind is not BlockKind.BULLET and len(text.split()) <= 8 and not re.search(r"[.;]$", text)


def _read_action_table(views: list[BlockView], i: int, areas: list[AreaForImprovement]) -> int:
    """Read an action-plan table starting at views[i]; return how many blocks it consumed."""
    header = [c.text for c in views[i].block.cells]
    roles = _roles(header)
    if roles is None:
        return 1
    timescale: Timescale | None = None
    heading = header[roles["text"]]
    kind = "priority_action" if _PRIORITY.search(heading) else "area_for_improvement" if _AFI.search(heading) else None
    k = i + 1
    while k < len(views):
        v = views[k]
        if v.kind is BlockKind.TABLE_ROW:
            cells = [c.text for c in v.block.cells]
            if cells == header:
                k += 1
                continue
            if len(header) >= 4 and len(cells) * 2 < len(header):
                break  # a numbered paragraph ("4.3<tab>The Panel will note ...") after the table
            area = _area_from_row(v, roles, timescale, kind)
            if area is not None:
                areas.append(area)
            k += 1
            continue
        if _is_group_label(v):
            timescale = timescale_from_text(v.text) if v.has("TIMESCALE") else timescale
            k += 1
            continue
        break
    return k - i


def _area_from_row(
    view: BlockView, roles: dict[str, int], timescale: Timescale | None, kind: str | None = None
) -> AreaForImprovement | None:
    cells = view.block.cells

    def cell(role: str) -> str:
        j = roles.get(role)
        return cells[j].text.strip() if j is not None and j < len(cells) else ""

    text = clean_item_text(cell("text"))
    if len(text.split()) < 4:
        return None
    rag_word = re.match(r"\s*(red|amber|green)\b", cell("rag"), re.I)
    ts = timescale_from_text(cell("timescale"), bare=True) or timescale
    j = roles["text"]
    span = cells[j]
    area = AreaForImprovement(
        id=cell("ref") or None,
        text=text,
        timescale=ts,
        rag=Rag(rag_word.group(1).lower()) if rag_word else None,
        kind=kind,
        responsible_body=cell("responsible") or None,
        provenance=_cell_prov(view, span.start, span.end, "afi.table.row"),
    )
    if "progress" in roles and roles["progress"] < len(cells):
        pj = roles["progress"]
        pcell = cells[pj]
        doc = None if _SPLIT_ITEMS.search(pcell.text) else view.cell_doc(pj)  # sentences only when needed
        for text_, s, e in _split_progress(pcell.text, doc):
            area.evidence.append(
                Evidence(
                    source="provider",
                    text=text_,
                    provenance=_cell_prov(view, pcell.start + s, pcell.start + e, "evidence.table.progress"),
                )
            )
    return area


def _cell_prov(view: BlockView, start: int, end: int, rule: str):
    from schemas.record import Provenance

    return Provenance(page=view.block.page, start=start, end=end, rule=rule, confidence=0.9)


def _split_progress(text: str, doc) -> list[tuple[str, int, int]]:
    """Split a progress cell into items: on bullet glyphs if it has them, else into sentences."""
    if _SPLIT_ITEMS.search(text):
        out, pos = [], 0
        for part in _SPLIT_ITEMS.split(text):
            at = text.find(part, pos)
            if part.strip():
                out.append((clean_item_text(part), at, at + len(part)))
            pos = at + len(part)
        return out
    if doc is None:
        return [(clean_item_text(text), 0, len(text))] if text.strip() else []
    return [(clean_item_text(s.text), s.start_char, s.end_char) for s in doc.sents if s.text.strip()]


def extract_findings(analysis: Analysis) -> Findings:
    """Areas for improvement with evidence, timescales, judgements and RAG; and recommendations."""
    return _Walker(analysis).run()
