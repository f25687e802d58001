"""The table finder's text: the chars in each cell of a grid, read into rows of cell texts.

pdfplumber's `Table.rows` and `Table.extract()`: a char belongs to the cell its box's centre
falls in, and a cell's chars are read as pdfplumber's `extract_text` reads them (lines by top,
words by gaps, ligatures expanded), whitespace collapsed. The chars are PDFium's loose boxes of
the lines that reach the tables, held as parallel lists and numpy arrays: a page's tables hold
thousands of chars, and runs of well-formed chars are sliced by bisection rather than tested one
by one. A char whose text PDFium rewrote, or overprinted text, raises `_Unsure`.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_left, bisect_right
from functools import cached_property
from itertools import compress, repeat
from operator import add, sub, truediv

import numpy as np
import pypdfium2.raw as pdfium_c

from extractors.readers.pdf.table_cells import _bbox_of, _Cell, _cluster_ids
from extractors.readers.pdf.tables import _Unsure
from extractors.readers.pdf.textpage import _GET_LOOSE_BOX, _I, _P, _Boxes, _floats, _unchecked

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

# PDFium's generated chars (spaces, line breaks it adds between runs), which pdfminer does not have.
_IS_GENERATED = _unchecked(pdfium_c.FPDFText_IsGenerated, _P, _I)


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
