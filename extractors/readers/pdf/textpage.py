"""PDFium's per-character geometry for a text page: char boxes, baselines and text rectangles.

A page of text asks PDFium for a few boxes per line and, on table pages, for every char's box.
pypdfium2 converts each call's arguments in Python, which in per-char loops costs as much as the
call; the entry points here are called with plain addresses instead, and in batches (one buffer
for many chars, read back at once). The table finder's own calls (`table_edges`, `table_text`)
are made with `_unchecked` too.
"""

from __future__ import annotations

import ctypes
from itertools import repeat

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Not yet asked for (`_Boxes.known`): None there means PDFium has no box for the char.
_UNKNOWN = object()


def _unchecked(fn, *argtypes, restype=ctypes.c_int):
    """The same PDFium entry point, called without pypdfium2's per-call argument conversion.

    Handles and buffers go in as plain addresses; in per-char loops this halves a call's cost.
    """
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


_P, _I = ctypes.c_void_p, ctypes.c_int
_GET_LOOSE_BOX = _unchecked(pdfium_c.FPDFText_GetLooseCharBox, _P, _I, _P)
_GET_ORIGIN = _unchecked(pdfium_c.FPDFText_GetCharOrigin, _P, _I, _P, _P)


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
