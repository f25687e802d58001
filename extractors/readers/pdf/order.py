"""Reading order of a page's physical lines: top to bottom, or column by column.

A page set in two columns lists its lines top to bottom across both columns; read that way,
every sentence would be interleaved with the other column's. Where a clear vertical gutter
splits the body, the lines above it, the left column, the right column and the lines below
are read in turn, and each column's first line starts a paragraph.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from extractors.readers.pdf.lines import _PhysLine, _Seg, _top_down

# Two columns need at least this many lines on each side of the gutter ...
COLUMN_MIN_LINES = 5
# ... and a gutter at least this wide, crossed by at most this share of the body lines.
COLUMN_MIN_GUTTER_PT = 10.0
COLUMN_MAX_CROSSING = 0.1


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
    # Counts by bisection: with every x0 <= x1, a segment not wholly left or right of the
    # candidate gutter crosses it. (A reversed segment would break that: count one by one.)
    if len(body) < COLUMN_MIN_LINES:
        return None
    x0s = sorted(s.x0 for s in body)
    x1s = sorted(s.x1 for s in body)
    # Enough segments left of the gutter once lo_x reaches the 5th smallest right edge; enough
    # right of it while hi_x stays below the 5th largest left edge.
    left_enough, right_enough = x1s[COLUMN_MIN_LINES - 1], x0s[len(body) - COLUMN_MIN_LINES]
    ordered = all(s.x0 <= s.x1 for s in body)
    best: tuple[int, float] | None = None
    step = 4.0
    x = width * 0.3
    while x <= width * 0.7:
        lo_x, hi_x = x - COLUMN_MIN_GUTTER_PT / 2, x + COLUMN_MIN_GUTTER_PT / 2
        if left_enough <= lo_x and right_enough >= hi_x:
            n_left = bisect_right(x1s, lo_x)
            n_right = len(body) - bisect_left(x0s, hi_x)
            crossing = len(body) - n_left - n_right if ordered else _crossing(body, lo_x, hi_x)
            if crossing <= COLUMN_MAX_CROSSING * len(body) and (best is None or crossing < best[0]):
                best = (crossing, x)
        x += step
    return None if best is None else best[1]


def _crossing(segs: list[_Seg], lo_x: float, hi_x: float) -> int:
    return sum(1 for s in segs if s.x0 < hi_x and s.x1 > lo_x)
