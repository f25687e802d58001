"""PDF reader: PDFium's text layer rebuilt into physical lines with geometry, in reading order.

PDFium (pypdfium2) reads every page. It is ~50x faster than pdfplumber (shared/FACTS.md).
One `get_text_range` call gives the page text with PDFium's own line breaks; a few box calls
per line give each line's left edge, baseline and height, and PDFium's text rectangles (one per
text run) split a line into segments where there is a wide gap.

Ruled tables: on pages where PDFium's segments suggest one (several multi-segment lines plus
drawn paths), grid cells, even ones whose text wraps over several lines, become one row each.
The grid comes from a port of pdfplumber's table finder ("lines" strategy) that reads PDFium's
path objects and character boxes (`_native_tables`); it gives the rows and cell texts
pdfplumber gives, at ~1/100 of the cost. pdfplumber itself is opened lazily, only for pages
the port does not model (see `_Unsure`), and its pages are closed at once.

Coordinates: PDF points, origin bottom-left (PDFium's); table geometry is computed in
pdfplumber's top-left coordinates, as pdfplumber would, and converted on the way out. The
reader does not strip bullet glyphs, running headers, footers or page numbers: the normaliser does.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import re
import struct
import threading
from bisect import bisect_left, bisect_right
from functools import cached_property
from itertools import compress, repeat
from operator import add, itemgetter, sub, truediv
from typing import NamedTuple

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.errors import CorruptFile, EncryptedPDF, NoTextLayer
from extractors.readers.base import Hint, Line, RawDocument
from schemas.document import Format

_PDFIUM_LOCK = threading.Lock()

# A gap between two text runs on one line wider than this many font sizes splits the line
# into segments (table cells, columns). Word spaces are ~0.3 em, a bullet's gap ~0.9 em.
SEGMENT_GAP_EM = 1.1
# A line pitch (per font height) this much larger than the page's usual one starts a paragraph.
PARA_PITCH_RATIO = 1.12
# One indent level is this many points of left offset from the page's dominant margin.
INDENT_STEP_PT = 18.0
# Pages with at least this many multi-segment lines are table candidates.
TABLE_MIN_ROWS = 2
# Two columns need at least this many lines on each side of the gutter ...
COLUMN_MIN_LINES = 5
# ... and a gutter at least this wide, crossed by at most this share of the body lines.
COLUMN_MIN_GUTTER_PT = 10.0
COLUMN_MAX_CROSSING = 0.1
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_F32 = struct.Struct("f")
_UNKNOWN = object()
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


def read_pdf(data: bytes, *, table_finder: bool = True) -> RawDocument:
    """Read PDF bytes into lines with page, paragraph, indent and table-row hints.

    `table_finder=False` keeps every page on the PDFium path (ruled tables then come out as
    one TABLE_ROW per physical line, with wrapped cell text split over several rows).
    PDFium is not thread-safe (two threads crashed the interpreter), so one thread at a time
    reads a PDF in a process; parallelism comes from processes.
    """
    with _PDFIUM_LOCK:
        return _read_pdf(data, table_finder)


def _read_pdf(data: bytes, table_finder: bool) -> RawDocument:
    pdf = _open(data)
    warnings: list[str] = []
    plumber = _Plumber(data)
    pages: list[list[_PhysLine]] = []
    try:
        n_pages = len(pdf)
        for index in range(n_pages):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                raise CorruptFile(f"page {index + 1} of {n_pages} does not load ({exc})") from exc
            try:
                pages.append(_read_page(page, index, table_finder, plumber, warnings))
            finally:
                page.close()
    finally:
        plumber.close()
        pdf.close()
    if not any(pages):
        raise NoTextLayer(f"{n_pages} page{'s' if n_pages != 1 else ''}, no extractable text")
    empty = [str(i + 1) for i, p in enumerate(pages) if not p]
    if empty:
        warnings.append(f"no text on page(s) {', '.join(empty)}")
    raw_text, lines = _emit(pages)
    return RawDocument(Format.PDF, raw_text, lines, page_count=n_pages, warnings=warnings)


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedPDF(f"PDFium: {exc}") from exc
        raise CorruptFile(f"PDFium could not load it ({exc})") from exc


# ---------------------------------------------------------------- PDFium backend


def _unchecked(fn, *argtypes, restype=ctypes.c_int):
    """The same PDFium entry point, called without pypdfium2's per-call argument conversion.

    Handles and buffers go in as plain addresses; in per-char loops this halves a call's cost.
    """
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


_P, _I = ctypes.c_void_p, ctypes.c_int
_GET_LOOSE_BOX = _unchecked(pdfium_c.FPDFText_GetLooseCharBox, _P, _I, _P)
_GET_ORIGIN = _unchecked(pdfium_c.FPDFText_GetCharOrigin, _P, _I, _P, _P)
_IS_GENERATED = _unchecked(pdfium_c.FPDFText_IsGenerated, _P, _I)
_GET_OBJECT = _unchecked(pdfium_c.FPDFPage_GetObject, _P, _I, restype=_P)
_OBJECT_TYPE = _unchecked(pdfium_c.FPDFPageObj_GetType, _P)
_OBJECT_MATRIX = _unchecked(pdfium_c.FPDFPageObj_GetMatrix, _P, _P)
_PATH_DRAW_MODE = _unchecked(pdfium_c.FPDFPath_GetDrawMode, _P, _P, _P)
_PATH_SEGMENTS = _unchecked(pdfium_c.FPDFPath_CountSegments, _P)
_PATH_SEGMENT = _unchecked(pdfium_c.FPDFPath_GetPathSegment, _P, _I, restype=_P)
_SEGMENT_POINT = _unchecked(pdfium_c.FPDFPathSegment_GetPoint, _P, _P, _P)
_SEGMENT_TYPE = _unchecked(pdfium_c.FPDFPathSegment_GetType, _P)
_SEGMENT_CLOSE = _unchecked(pdfium_c.FPDFPathSegment_GetClose, _P)


def _floats(n: int):
    """A zeroed C float array of at least n items (sizes rounded up to a power of two: ctypes
    keeps a type per array size, so a few sizes serve every page)."""
    return (ctypes.c_float * (1 << max(n - 1, 0).bit_length()))()


def _doubles(n: int):
    """A zeroed C double array of at least n items (see `_floats`)."""
    return (ctypes.c_double * (1 << max(n - 1, 0).bit_length()))()


class _Boxes:
    """PDFium's per-character geometry for one text page, fetched in batches where it can be.

    Each char's box is fetched at most once: a line's first and last chars, and the chars
    scanned for a cut, are asked for again when segments are built.
    """

    def __init__(self, textpage) -> None:
        self.raw = textpage.raw
        self.handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        self._one = (ctypes.c_float * 4)()  # an FS_RECTF: left, top, right, bottom
        self.known: dict[int, tuple[float, float, float, float] | None] = {}

    def loose(self, i: int) -> tuple[float, float, float, float] | None:
        """(left, bottom, right, top) of char i's font box, or None for generated chars."""
        box = self.known.get(i, _UNKNOWN)
        if box is _UNKNOWN:
            box = None
            if _GET_LOOSE_BOX(self.handle, i, ctypes.addressof(self._one)):
                left, top, right, bottom = self._one
                box = (left, bottom, right, top)
            self.known[i] = box
        return box

    def loose_many(self, indices: list[int]) -> list[tuple[float, float, float, float] | None]:
        """`loose` for many chars: one buffer, one read back."""
        n = len(indices)
        buf = _floats(4 * n)
        base = ctypes.addressof(buf)
        found = list(map(_GET_LOOSE_BOX, repeat(self.handle, n), indices, range(base, base + 16 * n, 16)))
        values = buf[: 4 * n]
        out: list = list(zip(values[0::4], values[3::4], values[2::4], values[1::4], strict=True))
        if not all(found):
            out = [box if ok else None for box, ok in zip(out, found, strict=True)]
        self.known.update(zip(indices, out, strict=True))
        return out

    def origins_y(self, indices: list[int]) -> list[float | None]:
        """The baseline (origin y) of each char, or None where PDFium has none."""
        n = len(indices)
        buf = _doubles(2 * n)
        base = ctypes.addressof(buf)
        found = list(
            map(
                _GET_ORIGIN,
                repeat(self.handle, n),
                indices,
                range(base, base + 16 * n, 16),
                range(base + 8, base + 16 * n, 16),
            )
        )
        values = buf[1 : 2 * n : 2]
        return [values[k] if ok else None for k, ok in enumerate(found)]


def _read_page(page, index: int, table_finder: bool, plumber: _Plumber, warnings: list[str]) -> list[_PhysLine]:
    """A page's physical lines in reading order; ruled tables come out as one line per row."""
    textpage = page.get_textpage()
    try:
        text, lines, spans, boxes = _pdfium_lines(textpage)
        if not lines:
            return []
        _mark_footnotes(lines, page.get_height())
        multi = sum(1 for ln in lines if len(ln.segs) > 1)
        if multi >= TABLE_MIN_ROWS and _has_paths(page):
            # A ruled table: keep top-to-bottom order and read the table grid.
            lines = sorted(lines, key=_top_down)
            if not table_finder:
                return _mark_rows(lines)
            height = page.get_height()
            tables = _native_tables(page, boxes, text, spans)
            if tables is None:
                tables = plumber.tables(index, warnings)
            return _merge_tables(lines, _row_lines(tables, height))
    finally:
        textpage.close()
    lines = _order(lines, page.get_width())
    if multi >= TABLE_MIN_ROWS:
        # An unruled table: each line whose runs are split by wide gaps is a row of cells.
        lines = _mark_rows(lines)
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


_GET_RECT = _unchecked(pdfium_c.FPDFText_GetRect, _P, _I, _P, _P, _P, _P)


def _text_rects(textpage) -> list[tuple[float, float, float, float]]:
    """PDFium's text rectangles (one per run) as (left, bottom, right, top), as `get_rect` gives them."""
    n = textpage.count_rects()
    buf = _doubles(4 * n)  # left, top, right, bottom per rect
    base, handle = ctypes.addressof(buf), ctypes.cast(textpage.raw, ctypes.c_void_p).value
    found = list(
        map(_GET_RECT, repeat(handle, n), range(n), *(range(base + 8 * j, base + 32 * n, 32) for j in range(4)))
    )
    if not all(found):
        raise pdfium.PdfiumError("Failed to get rectangle.")
    values = buf[: 4 * n]
    return list(zip(values[0::4], values[3::4], values[2::4], values[1::4], strict=True))


def _top_down(line: _PhysLine) -> tuple[float, float]:
    return line.key


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


def _has_paths(page) -> bool:
    """True when the page draws any path (table rulings, boxes) at its top level."""
    raw = page.raw
    n_objects = pdfium_c.FPDFPage_CountObjects(raw)
    if n_objects < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    for i in reversed(range(n_objects)):  # rulings are mostly drawn after the text they frame
        obj = pdfium_c.FPDFPage_GetObject(raw, i)
        if not obj:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_PATH:
            return True
    return False


def _order(lines: list[_PhysLine], width: float) -> list[_PhysLine]:
    """Reading order: top to bottom, or left column then right column when there is a gutter."""
    lines = sorted(lines, key=_top_down)
    gutter = _gutter(lines, width)
    if gutter is None:
        return lines
    # Split every line into its segments, then read: full-width lines above the columns,
    # the left column, the right column, full-width lines below.
    pieces = [_PhysLine([s]) for ln in lines for s in ln.segs]
    left = [p for p in pieces if p.segs[0].x1 <= gutter]
    right = [p for p in pieces if p.segs[0].x0 >= gutter]
    spanning = [p for p in pieces if p.segs[0].x1 > gutter > p.segs[0].x0]
    col_top = max(p.top for p in left + right)
    above = [p for p in spanning if p.bottom >= col_top - 0.5]
    below = [p for p in spanning if p.bottom < col_top - 0.5]
    if left:
        left[0].column_start = True
    if right:
        right[0].column_start = True
    if below:
        below[0].column_start = True
    return above + left + right + below


def _gutter(lines: list[_PhysLine], width: float) -> float | None:
    """The x of a clear vertical gutter between two text columns, or None."""
    segs = [s for ln in lines for s in ln.segs]
    if len(segs) < 2 * COLUMN_MIN_LINES:
        return None
    # Body lines only: running headers and footers may cross the gutter.
    tops = sorted(s.top for s in segs)
    lo, hi = tops[1] if len(tops) > 2 else tops[0], tops[-2] if len(tops) > 2 else tops[-1]
    body = [s for s in segs if lo <= s.top <= hi] or segs
    # Counts by bisection: with every x0 <= x1, a segment not wholly left or right of the
    # candidate gutter crosses it. (A reversed segment would break that: count one by one.)
    if len(body) < COLUMN_MIN_LINES:
        return None
    x0s = sorted(s.x0 for s in body)
    x1s = sorted(s.x1 for s in body)
    # Enough segments left of the gutter once lo_x reaches the 5th smallest right edge; enough
    # right of it while hi_x stays below the 5th largest left edge.
    left_enough, right_enough = x1s[COLUMN_MIN_LINES - 1], x0s[len(body) - COLUMN_MIN_LINES]
    ordered = all(s.x0 <= s.x1 for s in body)
    best: tuple[int, float] | None = None
    step = 4.0
    x = width * 0.3
    while x <= width * 0.7:
        lo_x, hi_x = x - COLUMN_MIN_GUTTER_PT / 2, x + COLUMN_MIN_GUTTER_PT / 2
        if left_enough <= lo_x and right_enough >= hi_x:
            n_left = bisect_right(x1s, lo_x)
            n_right = len(body) - bisect_left(x0s, hi_x)
            crossing = len(body) - n_left - n_right if ordered else _crossing(body, lo_x, hi_x)
            if crossing <= COLUMN_MAX_CROSSING * len(body) and (best is None or crossing < best[0]):
                best = (crossing, x)
        x += step
    return None if best is None else best[1]


def _crossing(segs: list[_Seg], lo_x: float, hi_x: float) -> int:
    return sum(1 for s in segs if s.x0 < hi_x and s.x1 > lo_x)


# ---------------------------------------------------------------- ruled tables

# A table as both finders return it: its box and its rows, each row's box and cell texts, all
# in pdfplumber's top-left coordinates (x0, top, x1, bottom). Cell texts are whitespace-collapsed.
_Table = tuple[tuple[float, float, float, float], list[tuple[tuple[float, float, float, float], list[str]]]]


def _row_lines(tables: list[_Table], height: float) -> list[tuple[tuple[float, float, float, float], list[_PhysLine]]]:
    """[(bbox (x0, bottom, x1, top) in PDFium coords, [row lines])], one TABLE_ROW line per non-empty row."""
    result = []
    for (x0, top, x1, bottom), table_rows in tables:
        rows: list[_PhysLine] = []
        for (rx0, rtop, rx1, rbottom), texts in table_rows:
            cells = list(texts)
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            # One box for the whole row; the cells' texts ride along in cells_from_table.
            box = _Seg(cells[0], rx0, rx1, height - rbottom, height - rtop, height - rtop - 9, 9.0)
            rows.append(_PhysLine([box], hint=Hint.TABLE_ROW, cells_from_table=cells))
        if rows:
            result.append(((x0, height - bottom, x1, height - top), rows))
    return result


def _merge_tables(lines: list[_PhysLine], tables) -> list[_PhysLine]:
    """Replace PDFium lines inside ruled tables with the tables' row lines."""
    if not tables:
        return _mark_rows(lines)
    out: list[_PhysLine] = []
    pending = sorted(tables, key=lambda t: -t[0][3])
    for ln in lines:
        inside = next((t for t in pending if _inside(ln, t[0])), None)
        if inside is None:
            out.append(ln)
            continue
        if inside[1]:
            out.extend(inside[1])
            inside[1].clear()
    for t in pending:  # a table PDFium had no line for (should not happen): append it.
        out.extend(t[1])
    return out


def _mark_rows(lines: list[_PhysLine]) -> list[_PhysLine]:
    """Without a table finder, each multi-segment line is a table row of its own."""
    for ln in lines:
        if len(ln.segs) > 1:
            ln.hint = Hint.TABLE_ROW
    return lines


def _inside(line: _PhysLine, bbox) -> bool:
    x0, bottom, x1, top = bbox
    mid = (line.top + line.bottom) / 2
    return bottom - 1 <= mid <= top + 1 and x0 - 2 <= line.x0 <= x1 + 2


class _Plumber:
    """pdfplumber, opened only when a page needs it (the port is unsure); pages closed as used."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf = None

    def close(self) -> None:
        if self.pdf is not None:
            # pdfplumber builds every page to close it; on a damaged file that can raise (seen:
            # MalformedPDFException, TypeError), and the read is done by then.
            with contextlib.suppress(Exception):
                self.pdf.close()

    def tables(self, index: int, warnings: list[str]) -> list[_Table]:
        """pdfplumber's ruled tables on a page; none (and a warning) if it fails."""
        try:
            return self._tables(index)
        except Exception as exc:  # pdfplumber is an optional refinement: never fail the read.
            warnings.append(f"page {index + 1}: table finder failed ({type(exc).__name__}); kept PDFium's")
            return []

    def _tables(self, index: int) -> list[_Table]:
        if self.pdf is None:
            import pdfplumber

            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        page = self.pdf.pages[index]
        try:
            found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            return [
                (
                    table.bbox,
                    [
                        (row.bbox, [" ".join((t or "").split()) for t in texts])
                        for row, texts in zip(table.rows, table.extract(), strict=False)
                    ],
                )
                for table in found
            ]
        finally:
            page.close()


# ------------------------------------------- ruled tables: pdfplumber's finder on PDFium objects
#
# A port of pdfplumber 0.11's TableFinder with {"vertical_strategy": "lines",
# "horizontal_strategy": "lines"} and default tolerances (pdfplumber/table.py, utils/geometry.py,
# utils/clustering.py, utils/text.py), fed from PDFium instead of pdfminer:
# - edges: PDFium path objects, rebuilt into the lines, rects and curves pdfminer's
#   `paint_path` would make (same subpath split, same rect test, same float arithmetic on the
#   content stream's numbers, which PDFium keeps as float32 and `_f32` recovers);
# - text: PDFium's loose char boxes, which match pdfminer's horizontally; vertically they sit
#   a fraction of a point off, far inside the 3 pt tolerances and cell paddings.
# Each step keeps pdfplumber's order of operations, so snapped coordinates and the rows and
# cells come out the same; tests/test_pdf_tables.py compares the two on every ruled table.

SNAP_TOLERANCE = 3
JOIN_TOLERANCE = 3
EDGE_MIN_LENGTH = 3
EDGE_MIN_LENGTH_PREFILTER = 1
INTERSECTION_TOLERANCE = 3
TEXT_TOLERANCE = 3  # pdfplumber's x/y tolerance when it groups a cell's chars into words and lines
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_TABLE = str.maketrans(LIGATURES)
# Chars whose pdfminer text PDFium does not tell us: soft hyphens, replacement and control chars.
_UNSURE_CHARS = re.compile(r"[\x00-\x01\x03-\x08\x0e-\x1f\x7f\xad\ufffd\uffff]")
# PDFium rewrites a hyphen that ends a line as U+0002 (U+FFFE in the page text); pdfminer keeps it.
_LINE_END_HYPHEN = str.maketrans({"\x02": "-", "\ufffe": "-"})
# Two chars of a line overlapping by more than this share of the narrower one: overprinted text,
# where PDFium drops a char that repeats one within 0.07 em and pdfminer keeps both.
OVERLAP_SHARE = 0.25
# A run of chars reads as it stands when every char is at least MIN_WIDTH wide and overlaps the
# next by at most OVERLAP_TOLERANCE (pt): then x0s and centres rise along it, and no two of
# its chars overlap by OVERLAP_SHARE (MIN_WIDTH * OVERLAP_SHARE >= OVERLAP_TOLERANCE).
MIN_WIDTH = 0.8
OVERLAP_TOLERANCE = 0.2

# An edge: (x0, x1, top, bottom, width, height), pdfplumber's keys, top-left coordinates.
_Edge = tuple[float, float, float, float, float, float]
_Cell = tuple[float, float, float, float]


class _Unsure(Exception):
    """The page holds something the port does not model, so pdfplumber reads its tables.

    Raised for: a rotated page or one whose MediaBox is inherited or not at the origin; a form
    XObject (pdfminer descends into it, with its own matrix); a path PDFium cannot hand over
    segment by segment; rotated text over a table; a table char whose text PDFium rewrote
    (`_UNSURE_CHARS`) or that has no box.
    """


def _native_tables(page, boxes: _Boxes, text: str, spans) -> list[_Table] | None:
    """pdfplumber's ruled tables for this page from PDFium objects; None when the port is unsure."""
    try:
        return _find_tables(page.raw, boxes, text, spans)
    except Exception:  # _Unsure, an unreadable PDFium object, anything unforeseen: pdfplumber decides.
        return None


def _find_tables(page_raw, boxes: _Boxes, text: str, spans) -> list[_Table]:
    """The port itself: edges, cells, tables, rows and cell texts; raises _Unsure."""
    height, edges, tilted = _page_edges(page_raw)
    tables = _cells_to_tables(_intersections_to_cells(_intersections(_merge_edges(edges))))
    if not tables:
        return []
    frames = [_bbox_of(cells) for cells in tables]  # top-left coords
    for x0, y0, x1, y1 in tilted:  # PDFium coords
        if any(x0 < f[2] and x1 > f[0] and height - y0 > f[1] and height - y1 < f[3] for f in frames):
            raise _Unsure("rotated text over a table")
    chars = _TableChars(boxes, text, spans, height, [(height - f[3], height - f[1]) for f in frames])
    return [(frame, _extract_rows(cells, chars)) for frame, cells in zip(frames, tables, strict=True)]


def _f32(value: float, _cache: dict[float, float] = {}) -> float:  # noqa: B006 - a deliberate memo
    """The shortest decimal that PDFium's float32 `value` came from: the number pdfminer parsed."""
    found = _cache.get(value)
    if found is None:
        found = value
        for digits in (6, 7, 8, 9):
            guess = float(f"{value:.{digits}g}")
            if _F32.unpack(_F32.pack(guess))[0] == value:
                found = guess
                break
        if len(_cache) < 4096:
            _cache[value] = found
    return found


def _page_edges(page_raw) -> tuple[float, list[tuple[str, _Edge]], list[tuple[float, float, float, float]]]:
    """MediaBox height, pdfplumber's `page.edges` (orientation, edge) and non-upright text boxes."""
    if pdfium_c.FPDFPage_GetRotation(page_raw) != 0:
        raise _Unsure("rotated page")
    mb = [ctypes.c_float() for _ in range(4)]
    if not pdfium_c.FPDFPage_GetMediaBox(page_raw, *mb):
        raise _Unsure("no MediaBox of its own")
    left, bottom, right, top = (_f32(v.value) for v in mb)
    if left != 0 or bottom != 0 or top <= 0 or right <= 0:
        raise _Unsure("MediaBox not at the origin")
    height = top
    lines: list[tuple[str, _Edge]] = []
    rects: list[tuple[str, _Edge]] = []
    curves: list[tuple[str, _Edge]] = []
    tilted: list[tuple[float, float, float, float]] = []
    page = ctypes.cast(page_raw, ctypes.c_void_p).value
    matrix = (ctypes.c_float * 6)()  # an FS_MATRIX: a, b, c, d, e, f
    for i in range(pdfium_c.FPDFPage_CountObjects(page_raw)):
        obj = _GET_OBJECT(page, i)
        if not obj:
            raise _Unsure("unreadable page object")
        kind = _OBJECT_TYPE(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path_edges(obj, height, lines, rects, curves)
        elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            if not _OBJECT_MATRIX(obj, ctypes.addressof(matrix)):
                raise _Unsure("text object without a matrix")
            a, b, c, d, _, _ = matrix
            if b != 0 or c != 0 or a * d <= 0:
                box = [ctypes.c_float() for _ in range(4)]
                if not pdfium_c.FPDFPageObj_GetBounds(ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT), *box):
                    raise _Unsure("rotated text without bounds")
                tilted.append(tuple(v.value for v in box))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            raise _Unsure("form XObject")
    return height, lines + rects + curves, tilted


def _path_edges(obj: int, height: float, lines: list, rects: list, curves: list) -> None:
    """Append the edges of the lines, rects and curves pdfminer would make of one path object."""
    mode = (ctypes.c_int * 2)()  # fill mode, stroke flag
    if not _PATH_DRAW_MODE(obj, ctypes.addressof(mode), ctypes.addressof(mode) + 4):
        raise _Unsure("path without a draw mode")
    if mode[0] == pdfium_c.FPDF_FILLMODE_NONE and not mode[1]:
        return  # neither filled nor stroked: pdfminer never paints it
    m = (ctypes.c_float * 6)()
    if not _OBJECT_MATRIX(obj, ctypes.addressof(m)):
        raise _Unsure("path without a matrix")
    a, b, c, d, e, f = (_f32(v) for v in m)
    xy = (ctypes.c_float * 2)()
    x_at, y_at = ctypes.addressof(xy), ctypes.addressof(xy) + 4
    # Subpaths as pdfminer sees them: a shape string ("m", "l", "c", "h") and one point per op.
    subpaths: list[tuple[list[str], list[tuple[float, float]]]] = []
    n_segments = _PATH_SEGMENTS(obj)
    if n_segments < 0:
        raise _Unsure("path without segments")
    bezier = 0
    closed = False
    for k in range(n_segments):
        seg = _PATH_SEGMENT(obj, k)
        if not seg or not _SEGMENT_POINT(seg, x_at, y_at):
            raise _Unsure("unreadable path segment")
        kind = _SEGMENT_TYPE(seg)
        point = (xy[0], xy[1])  # float32s; _f32 recovers the decimals below
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if bezier:
                raise _Unsure("broken Bezier segment")
            subpaths.append((["m"], [point]))
            closed = False
        elif not subpaths or closed:
            raise _Unsure("segment outside a subpath")
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and not bezier:
            shape, pts = subpaths[-1]
            if not _SEGMENT_CLOSE(seg):
                shape.append("l")
                pts.append(point)
            elif point == pts[0]:
                # PDFium closes a subpath on a line back to its start; pdfminer's path has "h"
                # there (its "l to the start, then h" becomes "h" too: paint_path drops the "l").
                shape.append("h")
                pts.append(pts[0])
                closed = True
            else:
                raise _Unsure("subpath closed away from its start")
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier == 3:  # pdfminer keeps a curve's end point only
                bezier = 0
                shape, pts = subpaths[-1]
                shape.append("c")
                pts.append(point)
                if _SEGMENT_CLOSE(seg):
                    shape.append("h")
                    pts.append(pts[0])
                    closed = True
        else:
            raise _Unsure("unknown path segment")
    if bezier:
        raise _Unsure("broken Bezier segment")
    for shape_ops, raw_pts in subpaths:
        if len(shape_ops) < 2 and len(subpaths) > 1:
            continue  # pdfminer splits at each "m" and drops subpaths that are just "m"
        shape = "".join(shape_ops)
        pts = [(a * px + c * py + e, b * px + d * py + f) for px, py in _user_points(shape, raw_pts)]
        if shape in ("mlh", "ml"):
            (x0, y0), (x1, y1) = pts[0], pts[1]
            x0, x1, y0, y1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
            top, bottom = height - y1, height - y0
            lines.append(("h" if top == bottom else "v", (x0, x1, top, bottom, x1 - x0, y1 - y0)))
        elif shape in ("mlllh", "mllll") and _is_rect(pts):
            (px0, py0), (px2, py2) = pts[0], pts[2]
            x0, x1, y0, y1 = min(px0, px2), max(px0, px2), min(py0, py2), max(py0, py2)
            w, h = x1 - x0, y1 - y0
            top, bottom = height - y1, height - y0
            rects.append(("h", (x0, x1, top, top, w, 0)))
            rects.append(("h", (x0, x1, top + h, bottom, w, 0)))
            rects.append(("v", (x0, x0, top, bottom, 0, h)))
            rects.append(("v", (x1, x1, top, bottom, 0, h)))
        else:
            flipped = [(px, height - py) for px, py in pts]
            for (px0, py0), (px1, py1) in zip(flipped, flipped[1:], strict=False):
                orientation = "v" if px0 == px1 else ("h" if py0 == py1 else "")
                if orientation:
                    edge = (min(px0, px1), max(px0, px1), min(py0, py1), max(py0, py1), abs(px0 - px1), abs(py0 - py1))
                    curves.append((orientation, edge))


def _user_points(shape: str, raw: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A subpath's points as pdfminer holds them (doubles from the content stream's numbers).

    A rectangle drawn with `x y w h re` reaches PDFium as five points whose corners it summed
    in float32; pdfminer sums them in double. Such a subpath gets its w and h recovered and
    its corners summed again, as pdfminer does; any other point is recovered on its own.
    """
    pts = [(_f32(x), _f32(y)) for x, y in raw]
    if shape == "mlllh":
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = raw
        if y1 == y0 and x2 == x1 and x3 == x0 and y3 == y2:
            x, y = pts[0]
            w, h = _addend(x1, x), _addend(y2, y)
            if w is not None and h is not None:
                return [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
    return pts


def _addend(total: float, a: float) -> float | None:
    """The shortest decimal w with float32(float32(a) + float32(w)) == total, or None."""
    a32 = _F32.unpack(_F32.pack(a))[0]
    guess = total - a32
    for places in range(7):
        w = round(guess, places)
        try:
            if _F32.unpack(_F32.pack(a32 + _F32.unpack(_F32.pack(w))[0]))[0] == total:
                return w
        except OverflowError:
            return None
    return None


def _is_rect(pts: list[tuple[float, float]]) -> bool:
    """pdfminer's test for a four-sided path that is an axis-aligned rectangle."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = pts
    return pts[0] == last and (
        (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
    )


def _cluster_ids(values, tolerance: float) -> dict[float, int]:
    """pdfplumber's make_cluster_dict: each distinct value -> its cluster (values chained by tolerance)."""
    ordered = sorted(set(values))
    ids: dict[float, int] = {}
    n, last = 0, None
    for v in ordered:
        if last is not None and not v <= last + tolerance:
            n += 1
        ids[v] = n
        last = v
    return ids


def _cluster(items: list, key, tolerance: float) -> list[list]:
    """pdfplumber's cluster_objects: items grouped by chained key values, clusters in key order."""
    ids = _cluster_ids([key(it) for it in items], tolerance)
    groups: dict[int, list] = {}
    for it in items:
        groups.setdefault(ids[key(it)], []).append(it)
    return [groups[k] for k in sorted(groups)]


def _merge_edges(page_edges: list[tuple[str, _Edge]]) -> tuple[list[_Edge], list[_Edge]]:
    """pdfplumber's get_edges for the lines strategy: prefilter, snap, join, filter; (vertical, horizontal)."""
    v_base = [e for o, e in page_edges if o == "v" and e[5] >= EDGE_MIN_LENGTH_PREFILTER]
    h_base = [e for o, e in page_edges if o == "h" and e[4] >= EDGE_MIN_LENGTH_PREFILTER]
    # snap_objects: move each cluster of x0s (tops) to its average, edge by edge as pdfplumber does.
    snapped_v = []
    for cluster in _cluster(v_base, lambda e: e[0], SNAP_TOLERANCE):
        avg = sum(e[0] for e in cluster) / len(cluster)
        for x0, x1, top, bottom, w, h in cluster:
            shift = avg - x0
            snapped_v.append((x0 + shift, x1 + shift, top, bottom, w, h))
    snapped_h = []
    for cluster in _cluster(h_base, lambda e: e[2], SNAP_TOLERANCE):
        avg = sum(e[2] for e in cluster) / len(cluster)
        for x0, x1, top, bottom, w, h in cluster:
            shift = avg - top
            snapped_h.append((x0, x1, top + shift, bottom + shift, w, h))
    # join_edge_group: collinear edges that touch or overlap (within tolerance) become one.
    v_out: list[_Edge] = []
    by_x: dict[float, list[_Edge]] = {}
    for e in snapped_v:
        by_x.setdefault(e[0], []).append(e)
    h_out: list[_Edge] = []
    by_top: dict[float, list[_Edge]] = {}
    for e in snapped_h:
        by_top.setdefault(e[2], []).append(e)
    for key in sorted(by_top):
        joined: list[_Edge] = []
        for e in sorted(by_top[key], key=lambda e: e[0]):
            if joined and e[0] <= joined[-1][1] + JOIN_TOLERANCE:
                x0, x1, top, bottom, w, h = joined[-1]
                if e[1] > x1:
                    joined[-1] = (x0, e[1], top, bottom, e[1] - x0, h)
            else:
                joined.append(e)
        h_out.extend(e for e in joined if e[4] >= EDGE_MIN_LENGTH)
    for key in sorted(by_x):
        joined = []
        for e in sorted(by_x[key], key=lambda e: e[2]):
            if joined and e[2] <= joined[-1][3] + JOIN_TOLERANCE:
                x0, x1, top, bottom, w, h = joined[-1]
                if e[3] > bottom:
                    joined[-1] = (x0, x1, top, e[3], w, h + (e[3] - bottom))
            else:
                joined.append(e)
        v_out.extend(e for e in joined if e[5] >= EDGE_MIN_LENGTH)
    return v_out, h_out


def _intersections(edges: tuple[list[_Edge], list[_Edge]]) -> dict[tuple[float, float], tuple[set, set]]:
    """pdfplumber's edges_to_intersections: (x, top) -> (vertical edge boxes, horizontal edge boxes)."""
    v_edges, h_edges = edges
    tol = INTERSECTION_TOLERANCE
    h_edges = sorted(h_edges, key=itemgetter(2))
    h_tops = [h[2] for h in h_edges]
    found: dict[tuple[float, float], tuple[set, set]] = {}
    for v in v_edges:
        vx, vtop, vbottom = v[0], v[2], v[3]
        # Horizontal edges near vtop <= top + tol and vbottom >= top - tol, by bisection (with
        # a margin for rounding: the test itself is pdfplumber's, below).
        for h in h_edges[bisect_left(h_tops, vtop - tol - 1e-6) : bisect_right(h_tops, vbottom + tol + 1e-6)]:
            htop = h[2]
            if vtop <= htop + tol and vbottom >= htop - tol and vx >= h[0] - tol and vx <= h[1] + tol:
                vs, hs = found.setdefault((vx, htop), (set(), set()))
                vs.add((v[0], v[2], v[1], v[3]))
                hs.add((h[0], h[2], h[1], h[3]))
    return found


def _intersections_to_cells(found: dict[tuple[float, float], tuple[set, set]]) -> list[_Cell]:
    """pdfplumber's intersections_to_cells: from each point, the smallest closed cell to its lower right."""
    points = sorted(found)
    by_x: dict[float, list[tuple[float, float]]] = {}
    by_y: dict[float, list[tuple[float, float]]] = {}
    for pt in points:
        by_x.setdefault(pt[0], []).append(pt)
        by_y.setdefault(pt[1], []).append(pt)
    # Points after each one in its column (below it) and in its row (right of it), in order.
    below_of = {pt: col[k + 1 :] for col in by_x.values() for k, pt in enumerate(col)}
    right_of = {pt: row[k + 1 :] for row in by_y.values() for k, pt in enumerate(row)}
    cells: list[_Cell] = []
    for pt in points:
        v_edges, h_edges = found[pt]
        cell = None
        for below_pt in below_of[pt]:
            if v_edges.isdisjoint(found[below_pt][0]):
                continue
            for right_pt in right_of[pt]:
                if h_edges.isdisjoint(found[right_pt][1]):
                    continue
                corner = (right_pt[0], below_pt[1])
                at = found.get(corner)
                if (
                    at is not None
                    and not at[0].isdisjoint(found[right_pt][0])
                    and not at[1].isdisjoint(found[below_pt][1])
                ):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


def _cells_to_tables(cells: list[_Cell]) -> list[list[_Cell]]:
    """pdfplumber's cells_to_tables: group cells that share corners; tables of one cell are dropped."""
    remaining = list(cells)
    corners: set[tuple[float, float]] = set()
    current: list[_Cell] = []
    tables: list[list[_Cell]] = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in cell_corners):
                corners.update(cell_corners)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(current)
            corners = set()
            current = []
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _bbox_of(cells) -> _Cell:
    present = [c for c in cells if c is not None]
    return (
        min(c[0] for c in present),
        min(c[1] for c in present),
        max(c[2] for c in present),
        max(c[3] for c in present),
    )


class _TableChars:
    """Page chars on the PDFium lines that reach the tables' bands (PDFium y ranges), in page order.

    Parallel sequences, as pdfplumber's char dicts hold them: text (a str), x0, x1, top
    (top-left coords) and the box centre (h, v) that pdfplumber's centre-in-cell test reads;
    top and v are computed only if a cell needs them char by char. Boxes are PDFium's loose
    boxes. PDFium's generated spaces and line breaks (zero-width boxes) are left out: pdfminer
    has no such chars.

    `runs` holds each PDFium line's chars as (start, end, plain, gaps, top, centre); a plain run
    has one top and bottom, wide enough chars and no overlaps, so its chars already sit in x
    order and a cell holds a contiguous slice of it; `gaps` are the chars that follow a gap of
    more than 3 pt (where pdfplumber starts a new word).
    """

    def __init__(self, boxes: _Boxes, text: str, spans, height: float, bands) -> None:
        indices: list[int] = []
        band: list[tuple[int, int]] = []  # char ranges of the lines in the bands
        lines: list[tuple[int, int]] = []  # their positions in `indices`
        for a, b, line_bottom, line_top in spans:
            margin = max(line_top - line_bottom, 1.0)
            if not any(line_top + margin >= lo and line_bottom - margin <= hi for lo, hi in bands):
                continue
            unsure = _UNSURE_CHARS.search(text, a, b)
            if unsure:
                raise _Unsure(f"char {unsure.start()} is {unsure.group()!r}")
            lines.append((len(indices), len(indices) + b - a))
            band.append((a, b))
            indices.extend(range(a, b))
        n = len(indices)
        buf = _floats(4 * n)  # FS_RECTFs: left, top, right, bottom
        base, handle = ctypes.addressof(buf), boxes.handle
        calls = map(_GET_LOOSE_BOX, repeat(handle, n), indices, range(base, base + 16 * n, 16))
        found = np.fromiter(calls, dtype=bool, count=n)
        # Float32 boxes as doubles: the arithmetic below is then Python's, value for value.
        box = np.frombuffer(buf, dtype=np.float32, count=4 * n).reshape(n, 4).astype(np.float64)
        x0, top, x1, bottom = box[:, 0], box[:, 1], box[:, 2], box[:, 3]
        chars = "".join(text[a:b] for a, b in band)
        # Boxless or zero-width chars: PDFium's generated spaces and line breaks, or unsure.
        generated = []
        for k in np.flatnonzero(~found | (x0 == x1)).tolist():
            if chars[k].isspace() and _IS_GENERATED(handle, indices[k]):
                generated.append(k)
            elif not found[k]:
                raise _Unsure(f"char {indices[k]} has no box")
        if generated:
            keep = np.ones(n, dtype=bool)
            keep[generated] = False
            chars = "".join(compress(chars, keep.tolist()))
            x0, x1, top, bottom = x0[keep], x1[keep], top[keep], bottom[keep]
            lines = [(p - bisect_left(generated, p), q - bisect_left(generated, q)) for p, q in lines]
        self.text = chars.translate(_LINE_END_HYPHEN)
        self.height = height
        self.x0, self.x1, self._top, self._bottom = x0.tolist(), x1.tolist(), top.tolist(), bottom.tolist()
        self.h = ((x0 + x1) / 2).tolist()
        self.runs = self._runs(lines, x0, x1, top, bottom)

    @cached_property
    def top(self) -> list[float]:
        """Each char's top, top-left coords (pdfplumber's `top`)."""
        return list(map(sub, repeat(self.height), self._top))

    @cached_property
    def v(self) -> list[float]:
        """Each char's vertical centre, top-left coords."""
        return list(map(truediv, map(add, self.top, map(sub, repeat(self.height), self._bottom)), repeat(2)))

    def _runs(
        self, lines: list[tuple[int, int]], x0: np.ndarray, x1: np.ndarray, top: np.ndarray, bottom: np.ndarray
    ) -> list[tuple[int, int, bool, list[int], float, float]]:
        """Each line's chars as runs (start, end, plain, gaps, top, centre), split where the top or
        bottom changes or a char overlaps the one before; a run is plain when every char in it is
        at least MIN_WIDTH wide (its top and centre are then its first char's). The arrays are
        the chars' boxes (PDFium's y up)."""
        height = self.height
        gaps = x0[1:] - x1[:-1]  # gaps[k - 1]: from char k - 1 to char k
        split = (top[1:] != top[:-1]) | (bottom[1:] != bottom[:-1]) | (gaps < -OVERLAP_TOLERANCE)
        breaks = (np.flatnonzero(split) + 1).tolist()
        narrow = np.flatnonzero(x1 - x0 < MIN_WIDTH).tolist()
        wide = (np.flatnonzero(gaps > TEXT_TOLERANCE) + 1).tolist()
        top, bottom = self._top, self._bottom
        runs = []
        for p, q in lines:
            starts = [p, *breaks[bisect_right(breaks, p) : bisect_left(breaks, q)]]
            for a, b in zip(starts, [*starts[1:], q], strict=True):
                if b <= a:
                    continue
                if bisect_left(narrow, a) == bisect_left(narrow, b):
                    run_top = height - top[a]
                    centre = (run_top + (height - bottom[a])) / 2
                    runs.append((a, b, True, wide[bisect_right(wide, a) : bisect_left(wide, b)], run_top, centre))
                else:
                    runs.append((a, b, False, [], 0.0, 0.0))
        return runs


def _extract_rows(cells: list[_Cell], chars: _TableChars) -> list[tuple[_Cell, list[str]]]:
    """pdfplumber's Table.rows and Table.extract(): (row box, [collapsed cell text]) per row.

    A plain run's chars in a cell are one slice, found by bisection on their x centres; the
    chars of other runs are tested one by one, as pdfplumber tests every char.
    """
    xs = sorted({c[0] for c in cells})
    by_top: dict[float, dict[float, _Cell]] = {}
    for cell in sorted(cells, key=lambda c: (c[1], c[0])):
        by_top.setdefault(cell[1], {})[cell[0]] = cell
    h = chars.h
    plain = sorted((centre, p, q, wide, top) for p, q, ok, wide, top, centre in chars.runs if ok)
    plain_v = [r[0] for r in plain]
    rough = [(p, q) for p, q, ok, *_ in chars.runs if not ok]
    v = chars.v if rough else []
    rows = []
    for top in by_top:  # insertion order is top order
        row = [by_top[top].get(x) for x in xs]
        rx0, rtop, rx1, rbottom = _bbox_of(row)
        slices: list[list[tuple[int, int, list[int], float]]] = [[] for _ in row]
        singles: list[list[int]] = [[] for _ in row]
        for vv, p, q, wide, run_top in plain[bisect_left(plain_v, rtop) : bisect_left(plain_v, rbottom)]:
            if h[q - 1] < rx0 or h[p] >= rx1:
                continue
            for n, cell in enumerate(row):
                if cell is not None and cell[1] <= vv < cell[3]:
                    lo, hi = bisect_left(h, cell[0], p, q), bisect_left(h, cell[2], p, q)
                    if lo < hi:
                        slices[n].append((lo, hi, wide, run_top))
        for p, q in rough:
            for k in range(p, q):
                if rx0 <= h[k] < rx1 and rtop <= v[k] < rbottom:
                    for n, cell in enumerate(row):
                        if cell is not None and cell[0] <= h[k] < cell[2] and cell[1] <= v[k] < cell[3]:
                            singles[n].append(k)
        texts = ["" if cell is None else _cell_text_of(slices[n], singles[n], chars) for n, cell in enumerate(row)]
        rows.append(((rx0, rtop, rx1, rbottom), texts))
    return rows


def _cell_text_of(slices: list[tuple[int, int, list[int], float]], singles: list[int], chars: _TableChars) -> str:
    """A cell's text: slices of plain runs on distinct lines read as they stand, else `_cell_text`."""
    if slices and not singles:
        line_of = _cluster_ids([top for *_, top in slices], TEXT_TOLERANCE)
        if len({line_of[top] for *_, top in slices}) == len(slices):
            parts = []
            for lo, hi, wide, _ in sorted(slices, key=lambda s: line_of[s[3]]):
                cuts = [k for k in wide if lo < k < hi]
                parts.extend(chars.text[a:b] for a, b in zip([lo, *cuts], [*cuts, hi], strict=True))
            return " ".join(" ".join(parts).translate(_LIGATURE_TABLE).split())
    return _cell_text(sorted([k for lo, hi, *_ in slices for k in range(lo, hi)] + singles), chars)


def _cell_text(ks: list[int], chars: _TableChars) -> str:
    """pdfplumber's extract_text (upright chars, default tolerances) of chars ks, whitespace collapsed.

    Chars are clustered into lines by top and sorted by x0; a word ends at a space, or where
    the next char starts left of the last one, more than 3 pt right of its end, or 3 pt off
    its top. Overprinted chars (`OVERLAP_SHARE`) raise _Unsure: PDFium may have dropped some.
    """
    if not ks:
        return ""
    tol = TEXT_TOLERANCE
    text, x0, x1, top = chars.text, chars.x0, chars.x1, chars.top
    line_of = _cluster_ids([top[k] for k in ks], tol)
    lines: dict[int, list[int]] = {}
    for k in ks:
        lines.setdefault(line_of[top[k]], []).append(k)
    words: list[tuple[str, float]] = []  # (text, top)
    for key in sorted(lines):
        word: list[int] = []
        ink = -1  # the last non-space char
        for k in sorted(lines[key], key=x0.__getitem__):
            if text[k].isspace():
                if word:
                    words.append(_word(word, chars))
                    word = []
                continue
            if ink >= 0 and x1[ink] - x0[k] > OVERLAP_SHARE * min(x1[ink] - x0[ink], x1[k] - x0[k]):
                raise _Unsure("overprinted text in a cell")
            ink = k
            if word:
                last = word[-1]
                if x0[k] < x0[last] or x0[k] > x1[last] + tol or abs(top[k] - top[last]) > tol:
                    words.append(_word(word, chars))
                    word = []
            word.append(k)
        if word:
            words.append(_word(word, chars))
    word_line = _cluster_ids([w[1] for w in words], tol)
    words.sort(key=lambda w: word_line[w[1]])  # stable: pdfplumber's cluster_objects
    return " ".join(" ".join(w[0] for w in words).split())


def _word(ks: list[int], chars: _TableChars) -> tuple[str, float]:
    """pdfplumber's merge_chars, reduced to what extract_text uses: text (ligatures expanded) and top."""
    text, top = chars.text, chars.top
    return "".join(LIGATURES.get(text[k], text[k]) for k in ks), min(top[k] for k in ks)


# ---------------------------------------------------------------- emitting Lines


def _emit(pages: list[list[_PhysLine]]) -> tuple[str, list[Line]]:
    """Build the raw text (lines joined by newlines, pages by form feeds) and the Line stream."""
    out: list[Line] = []
    append = out.append
    page_texts: list[str] = []
    offset = 0
    table_row, no_hint = Hint.TABLE_ROW, Hint.NONE
    for number, plines in enumerate(pages, start=1):
        texts: list[str] = []
        margin = _margin(plines)
        pitch = _usual_pitch(plines)
        prev: _PhysLine | None = None
        for ln in plines:
            start = offset
            cells: tuple[tuple[str, int], ...] = ()
            hint = ln.hint
            if ln.cells_from_table or len(ln.segs) > 1:
                cell_texts = ln.cells_from_table or [s.text for s in ln.segs]
                # As in the text reader, a row with a single non-empty cell is not a table row.
                if hint is table_row and len(cell_texts) > 1:
                    text = "\t".join(cell_texts)
                    pos, acc = start, []
                    for c in cell_texts:
                        acc.append((c, pos))
                        pos += len(c) + 1
                    cells = tuple(acc)
                else:
                    text = " ".join(cell_texts)
                    hint = no_hint if hint is table_row else hint
            else:
                text = ln.segs[0].text
                hint = no_hint if hint is table_row else hint
            # A ruled table's row is a paragraph of its own, even where it is not emitted as a row (one cell).
            para = prev is None or ln.column_start or bool(ln.cells_from_table) or _gap_above(prev, ln, pitch)
            indent = max(0, int((ln.x0 - margin + INDENT_STEP_PT / 4) // INDENT_STEP_PT))
            append(Line(text, number, start, para, hint, indent, cells))
            texts.append(text)
            offset += len(text) + 1
            prev = ln
        page_text = "\n".join(texts)
        page_texts.append(page_text)
        # The join below puts one "\f" after each page: the last "\n" budgeted above is it.
        offset = sum(len(t) + 1 for t in page_texts)
    return "\f".join(page_texts), out


def _margin(lines: list[_PhysLine]) -> float:
    """The page's dominant left margin: the leftmost edge (2 pt bins) that several lines share."""
    if not lines:
        return 0.0
    counts: dict[float, int] = {}
    for ln in lines:
        key = round(ln.x0 / 2) * 2
        counts[key] = counts.get(key, 0) + 1
    enough = max(2, len(lines) // 10)
    shared = [x for x, n in counts.items() if n >= enough]
    return min(shared) if shared else min(counts)


def _usual_pitch(lines: list[_PhysLine]) -> float:
    """The page's normal line pitch as a multiple of font height (10th percentile of the steps).

    A low percentile, not the median: on a page of one-line paragraphs (forms, bullet lists)
    most steps are paragraph gaps, and the few wrapped lines give the true line pitch.
    """
    ratios = sorted(
        (a.baseline - b.baseline) / max(a.size, b.size)
        for a, b in zip(lines, lines[1:], strict=False)
        if 0 < a.baseline - b.baseline < 3 * max(a.size, b.size)
    )
    return ratios[len(ratios) // 10] if ratios else 0.0


def _gap_above(prev: _PhysLine, line: _PhysLine, pitch: float) -> bool:
    """True when the vertical gap above `line` is clearly larger than the usual line pitch."""
    if line.hint is Hint.TABLE_ROW or prev.hint is Hint.TABLE_ROW:
        return line.hint is not prev.hint
    step = prev.baseline - line.baseline
    if step <= 0:  # moved up: a new column or region
        return True
    ratio = step / max(prev.size, line.size)
    return ratio > (pitch or 1.2) * PARA_PITCH_RATIO
