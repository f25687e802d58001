"""What every reader hands the normaliser: the raw text and a stream of lines with layout hints.

Readers know the file format; the normaliser (`extractors.normalise`) knows what real letters
need (headers, footers, bullets, joins). Keeping the boundary here means a record never depends
on which backend read a page: PDFium and pdfplumber both produce `Line`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from schemas.document import Format


class Hint(StrEnum):
    """What the reader knows about a line from the format itself (styles, geometry)."""

    NONE = "none"
    HEADING = "heading"
    BULLET = "bullet"
    TABLE_ROW = "table_row"
    FOOTNOTE = "footnote"


class Line(NamedTuple):
    """One physical line (txt, PDF) or paragraph (DOCX, HTML) of raw text.

    `raw_start` is the offset of `text` in the reader's raw text. `para_start` says the
    format itself marks a new paragraph here (a blank line, a DOCX paragraph or HTML block, a vertical gap
    in a PDF). `indent` is a coarse nesting level (0 = flush left). For table rows, `cells`
    holds (text, raw_start) per cell and `text` is the cells joined by tabs.

    A named tuple, not a frozen dataclass: readers build one per line, and a frozen
    dataclass costs about four times as much to construct (a tenth of a txt read).
    """

    text: str
    page: int | None
    raw_start: int
    para_start: bool = False
    hint: Hint = Hint.NONE
    indent: int = 0
    cells: tuple[tuple[str, int], ...] = ()


@dataclass
class RawDocument:
    """A reader's output: raw text, its lines in reading order, and what the reader noticed."""

    format: Format
    raw_text: str
    lines: list[Line]
    page_count: int | None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
