"""PDF reader: PDFium's text layer rebuilt into physical lines with geometry, in reading order.

Two backends sit behind `_PageText` (a page's physical lines with their boxes):
- PDFium (pypdfium2) reads every page. It is ~50x faster than pdfplumber (shared/FACTS.md).
  One `get_text_range` call gives the page text with PDFium's own line breaks; a few box
  calls per line give each line's left edge, baseline and height, and PDFium's text
  rectangles (one per text run) split a line into segments where there is a wide gap.
- pdfplumber is opened lazily, only for pages where PDFium's segments suggest a ruled table
  (several multi-segment lines plus drawn paths): its table finder turns grid cells, even
  ones whose text wraps over several lines, into one row each. Its pages are closed at once.

Coordinates: PDF points, origin bottom-left (PDFium's); pdfplumber's top-left boxes are
converted on the way in. The reader does not strip bullet glyphs, running headers, footers
or page numbers: the normaliser does.
"""

from __future__ import annotations

import ctypes
import io
import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

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


@dataclass
class _Seg:
    """A run of text on one physical line: text and box (x0, x1, bottom, top, baseline)."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    baseline: float
    size: float


@dataclass
class _PhysLine:
    """A physical line in reading order: its segments (cells) and how to emit it."""

    segs: list[_Seg]
    hint: Hint = Hint.NONE
    column_start: bool = False
    cells_from_table: list[str] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def baseline(self) -> float:
        return min(s.baseline for s in self.segs)

    @property
    def top(self) -> float:
        return max(s.top for s in self.segs)

    @property
    def bottom(self) -> float:
        return min(s.bottom for s in self.segs)

    @property
    def size(self) -> float:
        return max(s.size for s in self.segs)


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
                lines, suspect_table = _pdfium_lines(page)
                height = page.get_height()
            finally:
                page.close()
            if suspect_table and table_finder:
                lines = plumber.merge_tables(index, height, lines, warnings)
            elif suspect_table:
                lines = _mark_rows(lines)
            pages.append(lines)
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


class _Boxes:
    """Thin ctypes access to PDFium's per-character geometry for one text page."""

    def __init__(self, textpage) -> None:
        self.raw = textpage.raw
        self._rect = pdfium_c.FS_RECTF()
        self._x, self._y = ctypes.c_double(), ctypes.c_double()

    def loose(self, i: int) -> tuple[float, float, float, float] | None:
        """(left, bottom, right, top) of char i's font box, or None for generated chars."""
        if not pdfium_c.FPDFText_GetLooseCharBox(self.raw, i, self._rect):
            return None
        r = self._rect
        return r.left, r.bottom, r.right, r.top

    def origin_y(self, i: int) -> float | None:
        if not pdfium_c.FPDFText_GetCharOrigin(self.raw, i, ctypes.byref(self._x), ctypes.byref(self._y)):
            return None
        return self._y.value

    def left(self, i: int) -> float | None:
        box = self.loose(i)
        return box[0] if box else None


def _pdfium_lines(page) -> tuple[list[_PhysLine], bool]:
    """A page's physical lines in reading order, and whether it looks like it holds a table."""
    textpage = page.get_textpage()
    try:
        n_chars = textpage.count_chars()
        if n_chars <= 0:
            return [], False
        text = textpage.get_text_range()
        if len(text) != n_chars:
            # Excluded/inserted chars break the char-index == text-index assumption (rare).
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(n_chars))
        boxes = _Boxes(textpage)
        n_rects = textpage.count_rects()
        rects = [textpage.get_rect(i) for i in range(n_rects)]
        lines = _merge_baselines(_split_lines(text, boxes, rects))
    finally:
        textpage.close()
    if not lines:
        return [], False
    multi = sum(1 for ln in lines if len(ln.segs) > 1)
    if multi >= TABLE_MIN_ROWS and _has_paths(page):
        # A ruled table: keep top-to-bottom order and let pdfplumber's table finder read it.
        return sorted(lines, key=_top_down), True
    lines = _order(lines, page.get_width())
    if multi >= TABLE_MIN_ROWS:
        # An unruled table: each line whose runs are split by wide gaps is a row of cells.
        lines = _mark_rows(lines)
    return lines, False


def _top_down(line: _PhysLine) -> tuple[float, float]:
    return (-round(line.baseline, 1), line.x0)


def _split_lines(text: str, boxes: _Boxes, rects: list[tuple[float, float, float, float]]) -> list[_PhysLine]:
    """Cut the page text at PDFium's line breaks; split each line at wide gaps between runs."""
    by_centre = sorted(((r[1] + r[3]) / 2, r) for r in rects)
    centres = [c for c, _ in by_centre]
    out: list[_PhysLine] = []
    for m in re.finditer(r"[^\r\n]+", text):
        a, b = m.start(), m.end()
        chunk = text[a:b]
        first = a + len(chunk) - len(chunk.lstrip())
        last = a + len(chunk.rstrip()) - 1
        if last < first:
            continue
        box = boxes.loose(first)
        base = boxes.origin_y(first)
        if box is None or base is None:
            continue
        left, bottom, _, top = box
        right = (boxes.loose(last) or box)[2]
        size = max(top - bottom, 1.0)
        # PDFium's text rectangles (one per run) whose centre is in this line's band.
        lo, hi = bisect_left(centres, bottom - 0.5), bisect_right(centres, top + 0.5)
        line_rects = [r for _, r in by_centre[lo:hi] if r[2] > left - 1 and r[0] < right + 1]
        cuts = _cuts(text, first, last + 1, boxes, line_rects, size)
        segs = []
        for s, e in zip([first, *cuts], [*cuts, last + 1], strict=True):
            piece = _clean(text[s:e])
            if not piece:
                continue
            raw = text[s:e]
            k = s + len(raw) - len(raw.lstrip())
            kbox = boxes.loose(k) or box
            ebox = boxes.loose(s + len(raw.rstrip()) - 1) or kbox
            segs.append(_Seg(piece, kbox[0], ebox[2], bottom, top, base, size))
        if segs:
            out.append(_PhysLine(segs))
    return out


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
            last.segs = merged
        else:
            out.append(ln)
    return out


def _cuts(text: str, a: int, b: int, boxes: _Boxes, rects, size: float) -> list[int]:
    """Char offsets in [a, b) where a wide gap between consecutive runs splits the line."""
    if len(rects) < 2:
        return []
    gap_min = SEGMENT_GAP_EM * size
    cuts: list[int] = []
    ordered = sorted(rects, key=lambda r: r[0])
    pos = a
    for prev, nxt in zip(ordered, ordered[1:], strict=False):
        if nxt[0] - prev[2] < gap_min:
            continue
        # The first char past the middle of the gap starts the new segment.
        middle = (prev[2] + nxt[0]) / 2
        for i in range(pos, b):
            if text[i].isspace():
                continue
            x = boxes.left(i)
            if x is not None and x >= middle:
                cuts.append(i)
                pos = i
                break
    return sorted(set(c for c in cuts if a < c < b))


def _clean(piece: str) -> str:
    """Strip a segment; PDFium marks soft hyphens with U+0002; drop other control chars."""
    return _CONTROL.sub("", piece.replace("\x02", "-")).strip()


def _has_paths(page) -> bool:
    """True when the page draws any path (table rulings, boxes): cheap check via PDFium."""
    return any(obj.type == pdfium_c.FPDF_PAGEOBJ_PATH for obj in page.get_objects(max_depth=1))


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
    best: tuple[int, float] | None = None
    step = 4.0
    x = width * 0.3
    while x <= width * 0.7:
        lo_x, hi_x = x - COLUMN_MIN_GUTTER_PT / 2, x + COLUMN_MIN_GUTTER_PT / 2
        crossing = sum(1 for s in body if s.x0 < hi_x and s.x1 > lo_x)
        n_left = sum(1 for s in body if s.x1 <= lo_x)
        n_right = sum(1 for s in body if s.x0 >= hi_x)
        if (
            n_left >= COLUMN_MIN_LINES
            and n_right >= COLUMN_MIN_LINES
            and crossing <= COLUMN_MAX_CROSSING * len(body)
            and (best is None or crossing < best[0])
        ):
            best = (crossing, x)
        x += step
    return None if best is None else best[1]


# ---------------------------------------------------------------- pdfplumber backend


class _Plumber:
    """pdfplumber, opened only when a page needs its table finder; pages closed as used."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf = None

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()

    def merge_tables(self, index: int, height: float, lines: list[_PhysLine], warnings: list[str]) -> list[_PhysLine]:
        """Replace PDFium lines inside ruled tables with one TABLE_ROW line per table row."""
        try:
            tables = self._tables(index, height)
        except Exception as exc:  # pdfplumber is an optional refinement: never fail the read.
            warnings.append(f"page {index + 1}: table finder failed ({type(exc).__name__}); kept PDFium's")
            tables = []
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

    def _tables(self, index: int, height: float):
        """[(bbox (x0, bottom, x1, top) in PDFium coords, [row lines])] for ruled tables on a page."""
        if self.pdf is None:
            import pdfplumber

            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        page = self.pdf.pages[index]
        try:
            found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            result = []
            for table in found:
                x0, top, x1, bottom = table.bbox
                rows: list[_PhysLine] = []
                for row, texts in zip(table.rows, table.extract(), strict=False):
                    cells = [" ".join((t or "").split()) for t in texts]
                    while cells and not cells[-1]:
                        cells.pop()
                    if not cells:
                        continue
                    rx0, rtop, rx1, rbottom = row.bbox
                    # One box for the whole row; the cells' texts ride along in cells_from_table.
                    box = _Seg(cells[0], rx0, rx1, height - rbottom, height - rtop, height - rtop - 9, 9.0)
                    rows.append(_PhysLine([box], hint=Hint.TABLE_ROW, cells_from_table=cells))
                if rows:
                    result.append(((x0, height - bottom, x1, height - top), rows))
            return result
        finally:
            page.close()


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


# ---------------------------------------------------------------- emitting Lines


def _emit(pages: list[list[_PhysLine]]) -> tuple[str, list[Line]]:
    """Build the raw text (lines joined by newlines, pages by form feeds) and the Line stream."""
    out: list[Line] = []
    page_texts: list[str] = []
    offset = 0
    for number, plines in enumerate(pages, start=1):
        texts: list[str] = []
        margin = _margin(plines)
        pitch = _usual_pitch(plines)
        prev: _PhysLine | None = None
        for ln in plines:
            cell_texts = ln.cells_from_table or [s.text for s in ln.segs]
            # As in the text reader, a row with a single non-empty cell is not a table row.
            is_row = ln.hint is Hint.TABLE_ROW and len(cell_texts) > 1
            text = "\t".join(cell_texts) if is_row else " ".join(cell_texts)
            start = offset
            cells: tuple[tuple[str, int], ...] = ()
            if is_row:
                pos, acc = start, []
                for c in cell_texts:
                    acc.append((c, pos))
                    pos += len(c) + 1
                cells = tuple(acc)
            para = prev is None or ln.column_start or _gap_above(prev, ln, pitch)
            indent = max(0, int((ln.x0 - margin + INDENT_STEP_PT / 4) // INDENT_STEP_PT))
            hint = Hint.TABLE_ROW if is_row else (Hint.NONE if ln.hint is Hint.TABLE_ROW else ln.hint)
            out.append(Line(text, number, start, para_start=para, hint=hint, indent=indent, cells=cells))
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
