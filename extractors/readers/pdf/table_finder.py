"""Ruled tables from PDFium objects: a port of pdfplumber 0.11's table finder.

A port of pdfplumber 0.11's TableFinder with {"vertical_strategy": "lines",
"horizontal_strategy": "lines"} and default tolerances (pdfplumber/table.py, utils/geometry.py,
utils/clustering.py, utils/text.py), fed from PDFium instead of pdfminer:
- edges: PDFium path objects, rebuilt into the lines, rects and curves pdfminer's
  `paint_path` would make (same subpath split, same rect test, same float arithmetic on the
  content stream's numbers, which PDFium keeps as float32 and `_f32` recovers);
- text: PDFium's loose char boxes, which match pdfminer's horizontally; vertically they sit
  a fraction of a point off, far inside the 3 pt tolerances and cell paddings.
Each step keeps pdfplumber's order of operations, so snapped coordinates and the rows and
cells come out the same; tests/test_pdf_tables.py compares the two on every ruled table.

The steps are modules of their own: `table_edges` (path objects to edges), `table_cells` (edges
to cells to tables) and `table_text` (the chars in each cell to rows of cell texts). This module
runs them on a page, at ~1/100 of pdfplumber's cost, and hands over to pdfplumber (None) where
the port is unsure.
"""

from __future__ import annotations

from extractors.readers.pdf.table_cells import (
    _bbox_of,
    _cells_to_tables,
    _intersections,
    _intersections_to_cells,
    _merge_edges,
)
from extractors.readers.pdf.table_edges import _page_edges
from extractors.readers.pdf.table_text import _extract_rows, _TableChars
from extractors.readers.pdf.tables import _Table, _Unsure
from extractors.readers.pdf.textpage import _Boxes


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
