"""The page text cut into physical lines: segments split at wide gaps, in top-down order.

PDFium's page text has its own line breaks; each line's first and last chars give its left and
right edges, baseline and height, and PDFium's text rectangles (one per text run) split it into
segments (table cells, columns) where runs are far apart. Lines that share a baseline are joined
into one physical line. On the way: a superscript footnote reference is kept off the end of its
line, a line that is only such a reference is dropped, a list marker set apart by a tab stop is
joined to its text (not taken for a table cell), and a page's footnote block is hinted FOOTNOTE.
`_PhysLine` is the unit every later stage (order, tables, emit) works on.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter
from typing import NamedTuple

import pypdfium2.raw as pdfium_c

from extractors.readers.base import Hint
from extractors.readers.pdf.textpage import _UNKNOWN, _Boxes, _text_rects

# A gap between two text runs on one line wider than this many font sizes splits the line
# into segments (table cells, columns). Word spaces are ~0.3 em, a bullet's gap ~0.9 em.
SEGMENT_GAP_EM = 1.1
# Control chars a segment drops (`_clean`).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE = re.compile(r"[^\r\n]+")
# Control chars other than the CR LF that PDFium puts between lines.
_DIRTY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Seg(NamedTuple):
    """A run of text on one physical line: text and box (x0, x1, bottom, top, baseline)."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    baseline: float
    size: float


# Builds a _Seg from a tuple without NamedTuple's Python-level __new__ (split runs it per line).
_new_seg = tuple.__new__


class _PhysLine:
    """A physical line in reading order: its segments (cells) and how to emit it.

    The line's geometry (x0, baseline, top, bottom, size) is computed from its segments once,
    when they are set: sorting and emitting read it many times per line.
    """

    __slots__ = ("segs", "hint", "column_start", "cells_from_table", "x0", "baseline", "top", "bottom", "size", "key")

    def __init__(self, segs: list[_Seg], hint: Hint = Hint.NONE, cells_from_table: list[str] | None = None) -> None:
        self.hint = hint
        self.column_start = False
        self.cells_from_table = cells_from_table or []
        if len(segs) == 1:  # most lines: set_segs inlined, a line is built once per page and pass
            self.segs = segs
            _, self.x0, _, self.bottom, self.top, baseline, self.size = segs[0]
            self.baseline = baseline
            self.key = (-round(baseline, 1), self.x0)
        else:
            self.set_segs(segs)

    def set_segs(self, segs: list[_Seg]) -> None:
        self.segs = segs
        if len(segs) == 1:
            _, self.x0, _, self.bottom, self.top, self.baseline, self.size = segs[0]
        else:
            self.x0 = segs[0].x0
            self.baseline = min(s.baseline for s in segs)
            self.top = max(s.top for s in segs)
            self.bottom = min(s.bottom for s in segs)
            self.size = max(s.size for s in segs)
        self.key = (-round(self.baseline, 1), self.x0)  # top to bottom, then left to right


def _top_down(line: _PhysLine) -> tuple[float, float]:
    return line.key


def _pdfium_lines(textpage) -> tuple[str, list[_PhysLine], list[tuple[int, int, float, float]], _Boxes]:
    """The page text, its physical lines (unordered), each PDFium line's (start, end, bottom, top)
    and the char boxes fetched so far."""
    boxes = _Boxes(textpage)
    n_chars = textpage.count_chars()
    if n_chars <= 0:
        return "", [], [], boxes
    text = textpage.get_text_range()
    if len(text) != n_chars:
        # Excluded/inserted chars break the char-index == text-index assumption (rare).
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(n_chars))
    if "\ufffe" in text:
        # PDFium's mark for a hyphen at a line end, with the two halves of the word joined. In the
        # real archive every such word is a compound also printed with its hyphen elsewhere
        # ("decision-making", "co-located"), never one printed joined: keep the hyphen.
        text = text.replace("\ufffe", "-")
    rects = _text_rects(textpage)
    spans: list[tuple[int, int, float, float]] = []
    lines = _join_markers(_drop_superscripts(_merge_baselines(_split_lines(text, boxes, rects, spans))))
    return text, lines, spans, boxes


def _split_lines(text: str, boxes: _Boxes, rects, spans: list[tuple[int, int, float, float]]) -> list[_PhysLine]:
    """Cut the page text at PDFium's line breaks; split each line at wide gaps between runs.

    Appends each line's char range and vertical extent to `spans` (the table finder's index).
    """
    by_centre = sorted(zip([(r[1] + r[3]) / 2 for r in rects], rects, strict=True))
    centres = [c for c, _ in by_centre]
    # Pieces of a page without control chars need no cleaning beyond the strip.
    clean = _clean if _DIRTY.search(text) else str.strip
    # Each line's char range and its first and last non-space chars; their boxes in one batch.
    found = []
    for m in _LINE.finditer(text):
        a, b = m.span()
        chunk = m.group()
        first = a + len(chunk) - len(chunk.lstrip())
        last = a + len(chunk.rstrip()) - 1
        if last > first and text[last].isdigit():
            last = _before_superscript(text, first, last, boxes)
        if last >= first:
            found.append((a, b, first, last))
    firsts = [f[2] for f in found]
    first_boxes = boxes.loose_many(firsts)
    bases = boxes.origins_y(firsts)
    last_boxes = boxes.loose_many([f[3] for f in found])
    loose = boxes.loose
    out: list[_PhysLine] = []
    for (a, b, first, last), box, base, last_box in zip(found, first_boxes, bases, last_boxes, strict=True):
        if box is None or base is None:
            spans.append((a, b, -1e9, 1e9))
            continue
        left, bottom, _, top = box
        spans.append((a, b, bottom, top))
        right = (last_box or box)[2]
        size = max(top - bottom, 1.0)
        # PDFium's text rectangles (one per run) whose centre is in this line's band.
        lo, hi = bisect_left(centres, bottom - 0.5), bisect_right(centres, top + 0.5)
        cuts = None
        if hi - lo > 1:
            line_rects = [r for _, r in by_centre[lo:hi] if r[2] > left - 1 and r[0] < right + 1]
            if len(line_rects) > 1:
                cuts = _cuts(text, first, last + 1, boxes, line_rects, size)
        if not cuts:  # one segment, from the first to the last non-space char
            piece = clean(text[first : last + 1])
            if piece:
                out.append(_PhysLine([_new_seg(_Seg, (piece, left, right, bottom, top, base, size))]))
            continue
        segs = []
        for s, e in zip([first, *cuts], [*cuts, last + 1], strict=True):
            raw = text[s:e]
            piece = clean(raw)
            if not piece:
                continue
            k = s + len(raw) - len(raw.lstrip())
            kbox = loose(k) or box
            ebox = loose(s + len(raw.rstrip()) - 1) or kbox
            segs.append(_Seg(piece, kbox[0], ebox[2], bottom, top, base, size))
        if segs:
            out.append(_PhysLine(segs))
    return out


def _cuts(text: str, a: int, b: int, boxes: _Boxes, rects, size: float) -> list[int]:
    """Char offsets in [a, b) where a wide gap between consecutive runs splits the line."""
    if len(rects) < 2:
        return []
    gap_min = SEGMENT_GAP_EM * size
    cuts: list[int] = []
    ordered = sorted(rects, key=itemgetter(0))
    pos = a
    known, loose = boxes.known, boxes.loose
    for prev, nxt in zip(ordered, ordered[1:], strict=False):
        if nxt[0] - prev[2] < gap_min:
            continue
        # The first char past the middle of the gap starts the new segment.
        middle = (prev[2] + nxt[0]) / 2
        for i in range(pos, b):
            if text[i].isspace():
                continue
            box = known.get(i, _UNKNOWN)
            if box is _UNKNOWN:
                box = loose(i)
            if box is not None and box[0] >= middle:
                cuts.append(i)
                pos = i
                break
    return sorted(set(c for c in cuts if a < c < b))


def _clean(piece: str) -> str:
    """Strip a segment; PDFium marks soft hyphens with U+0002; drop other control chars."""
    return _CONTROL.sub("", piece.replace("\x02", "-")).strip()


def _merge_baselines(lines: list[_PhysLine]) -> list[_PhysLine]:
    """Join PDFium lines that share a baseline (table cells, columns) into physical lines."""
    out: list[_PhysLine] = []
    for ln in sorted(lines, key=_top_down):
        last = out[-1] if out else None
        if (
            last is not None
            and abs(last.baseline - ln.baseline) <= 0.25 * min(last.size, ln.size)
            and all(s.x1 <= ln.x0 + 0.5 or s.x0 >= ln.segs[-1].x1 - 0.5 for s in last.segs)
        ):
            segs = sorted(last.segs + ln.segs, key=lambda s: s.x0)
            merged = [segs[0]]
            for seg in segs[1:]:
                prev = merged[-1]
                if seg.x0 - prev.x1 < SEGMENT_GAP_EM * max(prev.size, seg.size):
                    merged[-1] = _Seg(
                        f"{prev.text} {seg.text}",
                        prev.x0,
                        seg.x1,
                        min(prev.bottom, seg.bottom),
                        max(prev.top, seg.top),
                        min(prev.baseline, seg.baseline),
                        max(prev.size, seg.size),
                    )
                else:
                    merged.append(seg)
            last.set_segs(merged)
        else:
            out.append(ln)
    return out


# A footnote reference glued to the end of a line ("What needs to improve?1", "Board1"): one or two
# digits after a letter or closing punctuation, printed smaller than the char before them.
_SUPERSCRIPT_AFTER = re.compile(r"[A-Za-z?.:)’'”]\d{1,2}$")
SUPERSCRIPT_RATIO = 0.8  # a superscript digit is at most this share of the height of the text it follows


def _before_superscript(text: str, first: int, last: int, boxes: _Boxes) -> int:
    """`last`, or the index of the char before a superscript footnote reference ending the line."""
    m = _SUPERSCRIPT_AFTER.search(text, max(first, last - 2), last + 1)
    if m is None:
        return last
    lead = m.start()  # the letter or punctuation the reference is glued to
    ref, host = boxes.loose(last), boxes.loose(lead)
    if ref is None or host is None or host[3] - host[1] <= 0:
        return last
    if (ref[3] - ref[1]) < SUPERSCRIPT_RATIO * (host[3] - host[1]):
        return lead
    return last


_SUPERSCRIPT_ONLY = re.compile(r"\d{1,2}(?:,\s?\d{1,2})*")


def _drop_superscripts(lines: list[_PhysLine]) -> list[_PhysLine]:
    """Drop lines that are only a footnote reference printed beside a line of larger text.

    PDFium gives a raised reference ("What needs to improve?" with a small "1" after it) a line of
    its own; left in, it starts the heading ("1 What needs to improve?") or, taken for a page
    number, drops out and lets the heading run into the paragraph above. Lines are in top-down order.
    """
    out: list[_PhysLine] = []
    for k, ln in enumerate(lines):
        if len(ln.segs) == 1 and _SUPERSCRIPT_ONLY.fullmatch(ln.segs[0].text):
            near = [lines[j] for j in (k - 1, k + 1) if 0 <= j < len(lines)]
            if any(
                ln.size < SUPERSCRIPT_RATIO * o.size and ln.bottom < o.top and ln.top > o.bottom and ln.x0 >= o.x0
                for o in near
            ):
                continue
        out.append(ln)
    return out


# A list marker printed apart from its text: a bullet glyph, or a number or letter ("1.", "(a)", "iv)").
_MARKER_SEG = re.compile(
    r"[◼▪•●■◆►▶➢➤✓✔○◦\-–—−\uf06e\uf02d\uf0b7\uf0a7\uf0be\uf076\uf0d8\uf0fc\uf0a8o]"
    r"|\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]"
)


def _join_markers(lines: list[_PhysLine]) -> list[_PhysLine]:
    """Join a list marker to the text after it: "◼", "1." or "(a)" set apart by a tab stop is a
    bullet's marker, not a table cell (left apart, every bulleted page looked like a table).

    The joined line keeps the text's geometry (a glyph's box is not the line's font size) and
    the marker's left edge.
    """
    for ln in lines:
        segs = ln.segs
        if len(segs) > 1 and _MARKER_SEG.fullmatch(segs[0].text):
            mark, body = segs[0], segs[1]
            joined = _Seg(f"{mark.text} {body.text}", mark.x0, body.x1, body.bottom, body.top, body.baseline, body.size)
            ln.set_segs([joined, *segs[2:]])
    return lines


# Footnotes: at the foot of a page, in type clearly smaller than the page's body text, the first
# line starting with the note's number.
FOOTNOTE_ZONE = 0.35  # share of the page height, from the bottom, where a footnote may start
FOOTNOTE_SIZE_RATIO = 0.9  # a footnote's lines are below this share of the body text's size
_NOTE_START = re.compile(r"\d{1,2}(?:\s?\S|$)")  # "1 The areas ...", "2Looked after ...", a lone "2"
_PAGE_NUMBER = re.compile(r"\d{1,3}|page \d{1,3}(?: of \d{1,3})?", re.I)


def _body_size(lines: list[_PhysLine]) -> float:
    """The page's body text size: the most common (rounded) size among its longer lines."""
    counts: dict[float, int] = {}
    for ln in lines:
        if len(ln.segs) == 1 and len(ln.segs[0].text) > 40:
            key = round(ln.size, 0)
            counts[key] = counts.get(key, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else 0.0


def _mark_footnotes(lines: list[_PhysLine], height: float) -> None:
    """Hint the footnote block at the foot of a page (lines in top-down order) as FOOTNOTE.

    The block is the last run of small-type lines that starts with a numbered line low on the
    page; the running footer below it, also small, is inside the run and is dropped later as a
    running footer. A footnote left in the text flow cut a paragraph or list that carries on
    over the page ("1 The areas for improvement have been cross-referenced ...").
    """
    body = _body_size(lines)
    if not body:
        return
    small = FOOTNOTE_SIZE_RATIO * body
    k = len(lines)
    while (
        k > 0
        and len(lines[k - 1].segs) == 1
        and (lines[k - 1].size < small or _PAGE_NUMBER.fullmatch(lines[k - 1].segs[0].text))
    ):
        k -= 1
    for j in range(k, len(lines)):
        ln = lines[j]
        if ln.baseline < FOOTNOTE_ZONE * height and _NOTE_START.match(ln.segs[0].text):
            for note in lines[j:]:
                note.hint = Hint.FOOTNOTE
            return
