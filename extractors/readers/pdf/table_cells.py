"""The table finder's grid: edges snapped and joined, their intersections, cells and tables.

pdfplumber's `get_edges` ("lines" strategy), `edges_to_intersections`, `intersections_to_cells`
and `cells_to_tables`, with its default tolerances and its order of operations, so that snapped
coordinates, and so the cells, come out as pdfplumber's. Coordinates are pdfplumber's top-left.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter

from extractors.readers.pdf.table_edges import _Edge

SNAP_TOLERANCE = 3
JOIN_TOLERANCE = 3
EDGE_MIN_LENGTH = 3
EDGE_MIN_LENGTH_PREFILTER = 1
INTERSECTION_TOLERANCE = 3
_Cell = tuple[float, float, float, float]


def _cluster_ids(values, tolerance: float) -> dict[float, int]:
    """pdfplumber's make_cluster_dict: each distinct value -> its cluster (values chained by tolerance)."""
    ordered = sorted(set(values))
    ids: dict[float, int] = {}
    n, last = 0, None
    for v in ordered:
        if last is not None and not v <= last + tolerance:
            n += 1
        ids[v] = n
        last = v
    return ids


def _cluster(items: list, key, tolerance: float) -> list[list]:
    """pdfplumber's cluster_objects: items grouped by chained key values, clusters in key order."""
    ids = _cluster_ids([key(it) for it in items], tolerance)
    groups: dict[int, list] = {}
    for it in items:
        groups.setdefault(ids[key(it)], []).append(it)
    return [groups[k] for k in sorted(groups)]


def _merge_edges(page_edges: list[tuple[str, _Edge]]) -> tuple[list[_Edge], list[_Edge]]:
    """pdfplumber's get_edges for the lines strategy: prefilter, snap, join, filter; (vertical, horizontal)."""
    v_base = [e for o, e in page_edges if o == "v" and e[5] >= EDGE_MIN_LENGTH_PREFILTER]
    h_base = [e for o, e in page_edges if o == "h" and e[4] >= EDGE_MIN_LENGTH_PREFILTER]
    # snap_objects: move each cluster of x0s (tops) to its average, edge by edge as pdfplumber does.
    snapped_v = []
    for cluster in _cluster(v_base, lambda e: e[0], SNAP_TOLERANCE):
        avg = sum(e[0] for e in cluster) / len(cluster)
        for x0, x1, top, bottom, w, h in cluster:
            shift = avg - x0
            snapped_v.append((x0 + shift, x1 + shift, top, bottom, w, h))
    snapped_h = []
    for cluster in _cluster(h_base, lambda e: e[2], SNAP_TOLERANCE):
        avg = sum(e[2] for e in cluster) / len(cluster)
        for x0, x1, top, bottom, w, h in cluster:
            shift = avg - top
            snapped_h.append((x0, x1, top + shift, bottom + shift, w, h))
    # join_edge_group: collinear edges that touch or overlap (within tolerance) become one.
    v_out: list[_Edge] = []
    by_x: dict[float, list[_Edge]] = {}
    for e in snapped_v:
        by_x.setdefault(e[0], []).append(e)
    h_out: list[_Edge] = []
    by_top: dict[float, list[_Edge]] = {}
    for e in snapped_h:
        by_top.setdefault(e[2], []).append(e)
    for key in sorted(by_top):
        joined: list[_Edge] = []
        for e in sorted(by_top[key], key=lambda e: e[0]):
            if joined and e[0] <= joined[-1][1] + JOIN_TOLERANCE:
                x0, x1, top, bottom, w, h = joined[-1]
                if e[1] > x1:
                    joined[-1] = (x0, e[1], top, bottom, e[1] - x0, h)
            else:
                joined.append(e)
        h_out.extend(e for e in joined if e[4] >= EDGE_MIN_LENGTH)
    for key in sorted(by_x):
        joined = []
        for e in sorted(by_x[key], key=lambda e: e[2]):
            if joined and e[2] <= joined[-1][3] + JOIN_TOLERANCE:
                x0, x1, top, bottom, w, h = joined[-1]
                if e[3] > bottom:
                    joined[-1] = (x0, x1, top, e[3], w, h + (e[3] - bottom))
            else:
                joined.append(e)
        v_out.extend(e for e in joined if e[5] >= EDGE_MIN_LENGTH)
    return v_out, h_out


def _intersections(edges: tuple[list[_Edge], list[_Edge]]) -> dict[tuple[float, float], tuple[set, set]]:
    """pdfplumber's edges_to_intersections: (x, top) -> (vertical edge boxes, horizontal edge boxes)."""
    v_edges, h_edges = edges
    tol = INTERSECTION_TOLERANCE
    h_edges = sorted(h_edges, key=itemgetter(2))
    h_tops = [h[2] for h in h_edges]
    found: dict[tuple[float, float], tuple[set, set]] = {}
    for v in v_edges:
        vx, vtop, vbottom = v[0], v[2], v[3]
        # Horizontal edges near vtop <= top + tol and vbottom >= top - tol, by bisection (with
        # a margin for rounding: the test itself is pdfplumber's, below).
        for h in h_edges[bisect_left(h_tops, vtop - tol - 1e-6) : bisect_right(h_tops, vbottom + tol + 1e-6)]:
            htop = h[2]
            if vtop <= htop + tol and vbottom >= htop - tol and vx >= h[0] - tol and vx <= h[1] + tol:
                vs, hs = found.setdefault((vx, htop), (set(), set()))
                vs.add((v[0], v[2], v[1], v[3]))
                hs.add((h[0], h[2], h[1], h[3]))
    return found


def _intersections_to_cells(found: dict[tuple[float, float], tuple[set, set]]) -> list[_Cell]:
    """pdfplumber's intersections_to_cells: from each point, the smallest closed cell to its lower right."""
    points = sorted(found)
    by_x: dict[float, list[tuple[float, float]]] = {}
    by_y: dict[float, list[tuple[float, float]]] = {}
    for pt in points:
        by_x.setdefault(pt[0], []).append(pt)
        by_y.setdefault(pt[1], []).append(pt)
    # Points after each one in its column (below it) and in its row (right of it), in order.
    below_of = {pt: col[k + 1 :] for col in by_x.values() for k, pt in enumerate(col)}
    right_of = {pt: row[k + 1 :] for row in by_y.values() for k, pt in enumerate(row)}
    cells: list[_Cell] = []
    for pt in points:
        v_edges, h_edges = found[pt]
        cell = None
        for below_pt in below_of[pt]:
            if v_edges.isdisjoint(found[below_pt][0]):
                continue
            for right_pt in right_of[pt]:
                if h_edges.isdisjoint(found[right_pt][1]):
                    continue
                corner = (right_pt[0], below_pt[1])
                at = found.get(corner)
                if (
                    at is not None
                    and not at[0].isdisjoint(found[right_pt][0])
                    and not at[1].isdisjoint(found[below_pt][1])
                ):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


def _cells_to_tables(cells: list[_Cell]) -> list[list[_Cell]]:
    """pdfplumber's cells_to_tables: group cells that share corners; tables of one cell are dropped."""
    remaining = list(cells)
    corners: set[tuple[float, float]] = set()
    current: list[_Cell] = []
    tables: list[list[_Cell]] = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in cell_corners):
                corners.update(cell_corners)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(current)
            corners = set()
            current = []
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _bbox_of(cells) -> _Cell:
    present = [c for c in cells if c is not None]
    return (
        min(c[0] for c in present),
        min(c[1] for c in present),
        max(c[2] for c in present),
        max(c[3] for c in present),
    )
