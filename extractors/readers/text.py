"""Plain-text reader: decode (UTF-8, then recorded fallbacks), split lines, pages at form feeds."""

from __future__ import annotations

import re

from extractors.errors import CorruptFile
from extractors.readers.base import Hint, Line, RawDocument
from schemas.document import Format

_FALLBACKS = ("cp1252", "latin-1")
_H_NONE, _H_ROW = Hint.NONE, Hint.TABLE_ROW  # looked up once: an enum member lookup costs ~150 ns
# A list marker followed by a tab ("\uf0b7\tText", "1.\tText") is a bullet, not a two-column table row.
_COLUMN_GAP = re.compile(r"\S {4,}\S")
_GAP_CELL = re.compile(r"\S(?:.*?\S)?(?=\s{4,}|\s*$)")
_MARKER_TAB = re.compile(r"^\s*(?:[-–—•·▪●○◦*\uf0b7\uf0a7\uf076\uf0d8\uf0fc§o]|\(?\w{1,3}[.)])\t(?!.*\t)")


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode text bytes; return (text, encoding, warnings). latin-1 never fails, so this always returns."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise CorruptFile(f"UTF-16 text that does not decode ({exc.reason})") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for enc in _FALLBACKS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text, enc, [f"not valid UTF-8 (first bad byte at {first_bad}); decoded as {enc}"]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def read_text(data: bytes) -> RawDocument:
    """Read a text file into lines; a blank line marks a new paragraph, a form feed a new page."""
    text, encoding, warnings = decode(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    blank_before = True
    start = 0  # raw offset of the current piece; each piece is followed by one "\n" or "\f"
    page = 0
    for page, page_text in enumerate(text.split("\f"), 1):
        if page > 1:
            blank_before = True
        for piece in page_text.split("\n"):
            stripped = piece.strip()
            if not stripped:
                blank_before = True
                start += len(piece) + 1
                continue
            cells: tuple[tuple[str, int], ...] = ()
            hint = _H_NONE
            # The cheap substring tests only skip regexes that could not match without them.
            if "\t" in stripped and not _MARKER_TAB.match(piece):
                cells = _cells(piece, start)
                hint = _H_ROW if len(cells) > 1 else _H_NONE
            elif "    " in stripped and _COLUMN_GAP.search(stripped):
                cells = _gap_cells(piece, start)
                hint = _H_ROW if len(cells) > 1 else _H_NONE
            indent = 0
            if piece[0] in " \t":
                lead = piece[: len(piece) - len(piece.lstrip(" \t"))].replace("\t", "    ")
                indent = min(3, len(lead) // 2)
            lines.append(Line(piece, page, start, blank_before, hint, indent, cells))
            blank_before = False
            start += len(piece) + 1
    return RawDocument(Format.TXT, text, lines, page_count=page, encoding=encoding, warnings=warnings)


def _gap_cells(line: str, start: int) -> tuple[tuple[str, int], ...]:
    """Cells of a column-aligned line (pdftotext -layout): text runs separated by 4+ spaces."""
    return tuple((m.group(), start + m.start()) for m in _GAP_CELL.finditer(line))


def _cells(line: str, start: int) -> tuple[tuple[str, int], ...]:
    out = []
    pos = start
    for cell in line.split("\t"):
        out.append((cell, pos))
        pos += len(cell) + 1
    # Trailing empty cells ("Within 3 months\t\t\t") say nothing; keep leading ones (column layout).
    while out and not out[-1][0].strip():
        out.pop()
    return tuple(out)
