"""The Line stream of a read: raw text, paragraph starts, indents and table cells.

Physical lines in reading order become `Line`s: a line's text (a table row's cells joined by
tabs, each cell's offset kept), its page and offset in the raw text (lines joined by newlines,
pages by form feeds), whether a clearly larger gap than the page's usual line pitch starts a
paragraph above it, and its indent level from the page's dominant left margin.
"""

from __future__ import annotations

from extractors.readers.base import Hint, Line
from extractors.readers.pdf.lines import _PhysLine

# A line pitch (per font height) this much larger than the page's usual one starts a paragraph.
PARA_PITCH_RATIO = 1.12
# One indent level is this many points of left offset from the page's dominant margin.
INDENT_STEP_PT = 18.0


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
