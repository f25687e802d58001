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

This module runs a read: each page's physical lines, in reading order or with its tables' rows,
then the Line stream. The stages are modules of their own, in the order a page meets them:
- `textpage`: PDFium's per-char geometry (boxes, baselines, text rectangles), fetched in batches;
- `lines`: the page text cut into physical lines and segments (superscripts, list markers, footnotes);
- `order`: reading order, with two columns read one after the other;
- `tables`: table pages, the table rows that replace PDFium's lines, and the pdfplumber fallback;
- `table_finder`, `table_edges`, `table_cells`, `table_text`: the port of pdfplumber's table finder;
- `emit`: the raw text and Lines (paragraph starts, indents, table cells).
"""

from __future__ import annotations

import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.errors import CorruptFile, EncryptedPDF, NoTextLayer
from extractors.readers.base import RawDocument
from extractors.readers.pdf.emit import _emit
from extractors.readers.pdf.lines import _mark_footnotes, _pdfium_lines, _PhysLine, _top_down
from extractors.readers.pdf.order import _order
from extractors.readers.pdf.table_finder import _native_tables
from extractors.readers.pdf.tables import _has_paths, _mark_rows, _merge_tables, _Plumber, _row_lines
from schemas.document import Format

# One read at a time in a process: PDFium is not thread-safe (see read_pdf).
_PDFIUM_LOCK = threading.Lock()

# Pages with at least this many multi-segment lines are table candidates.
TABLE_MIN_ROWS = 2


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
