"""Tables on a page: which pages have them, their rows as lines, and pdfplumber as the fallback.

A page with several multi-segment lines and drawn paths may hold a ruled table; its grid comes
from the port of pdfplumber's table finder (`table_finder`) or, where the port is unsure
(`_Unsure`), from pdfplumber itself (`_Plumber`, opened lazily: importing it costs ~0.2 s). Either
way the tables come back as `_Table`s, and each non-empty row becomes one TABLE_ROW line that
replaces PDFium's lines inside the table: a cell whose text wraps stays one cell of one row.
Without a grid, each multi-segment line is a row of its own (`_mark_rows`).
"""

from __future__ import annotations

import contextlib
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.readers.base import Hint
from extractors.readers.pdf.lines import _PhysLine, _Seg

# A table as both finders return it: its box and its rows, each row's box and cell texts, all
# in pdfplumber's top-left coordinates (x0, top, x1, bottom). Cell texts are whitespace-collapsed.
_Table = tuple[tuple[float, float, float, float], list[tuple[tuple[float, float, float, float], list[str]]]]


class _Unsure(Exception):
    """The page holds something the port does not model, so pdfplumber reads its tables.

    Raised for: a rotated page or one whose MediaBox is inherited or not at the origin; a form
    XObject (pdfminer descends into it, with its own matrix); a path PDFium cannot hand over
    segment by segment; rotated text over a table; a table char whose text PDFium rewrote
    (`_UNSURE_CHARS`) or that has no box.
    """


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
