"""The table finder's edges: PDFium path objects rebuilt as pdfplumber's `page.edges`.

pdfplumber finds a ruled table's grid in the edges of the lines, rects and curves pdfminer makes
of the page's paths (`paint_path`). This module reads the same paths from PDFium, segment by
segment, and makes the same lines, rects and curves: same subpath split, same rect test, and the
same float arithmetic on the content stream's numbers, which PDFium keeps as float32 and `_f32`
recovers (pdfminer computes with the doubles it parsed). What it cannot rebuild exactly (a
rotated page, a form XObject, a path it cannot read) raises `_Unsure`.
"""

from __future__ import annotations

import ctypes
import struct

import pypdfium2.raw as pdfium_c

from extractors.readers.pdf.tables import _Unsure
from extractors.readers.pdf.textpage import _I, _P, _unchecked

_F32 = struct.Struct("f")

# The page and path object calls, without pypdfium2's per-call conversion (`textpage._unchecked`).
_GET_OBJECT = _unchecked(pdfium_c.FPDFPage_GetObject, _P, _I, restype=_P)
_OBJECT_TYPE = _unchecked(pdfium_c.FPDFPageObj_GetType, _P)
_OBJECT_MATRIX = _unchecked(pdfium_c.FPDFPageObj_GetMatrix, _P, _P)
_PATH_DRAW_MODE = _unchecked(pdfium_c.FPDFPath_GetDrawMode, _P, _P, _P)
_PATH_SEGMENTS = _unchecked(pdfium_c.FPDFPath_CountSegments, _P)
_PATH_SEGMENT = _unchecked(pdfium_c.FPDFPath_GetPathSegment, _P, _I, restype=_P)
_SEGMENT_POINT = _unchecked(pdfium_c.FPDFPathSegment_GetPoint, _P, _P, _P)
_SEGMENT_TYPE = _unchecked(pdfium_c.FPDFPathSegment_GetType, _P)
_SEGMENT_CLOSE = _unchecked(pdfium_c.FPDFPathSegment_GetClose, _P)

# An edge: (x0, x1, top, bottom, width, height), pdfplumber's keys, top-left coordinates.
_Edge = tuple[float, float, float, float, float, float]


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
