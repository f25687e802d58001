"""Build the report's map of England: districts rolled up to the councils that run children's services.

Input: the ONS local authority district boundaries of December 2023 (`lad23_boundaries.geojson`,
default ../shared/real/reference/, generalised, 361 districts of the UK; Office for National
Statistics, Open Government Licence) and the local-authority table (extractors/rules/local_authorities.json).

Outputs (both committed, in pipeline/store/reference/):

1. `lad23_utla.csv`: every English district -> the upper-tier authority that runs its children's
   services. la_lookup.csv has one row per upper-tier authority (its `ltla23nm` is the authority
   itself), so the 164 districts of the 21 two-tier counties (Cambridge, Amber Valley, ...) are not in
   it. The roll-up is derived by rules, each row saying which (`how`):
   - `same`: a unitary authority, metropolitan district or London borough is its own district (its
     ONS code is an authority of the table);
   - `recoded`: Barnsley and Sheffield were recoded after a boundary change (E08000016 -> E08000038,
     E08000019 -> E08000039; the table holds the new codes, the 2023 boundaries the old);
   - `county_block`: a shire district (E07) belongs to the county whose block of E07 codes holds its
     code. ONS numbered the shire districts county by county in 2009 (Cambridgeshire E07000008-12,
     Derbyshire E07000032-39, ...); districts recoded or created later have their own entries
     (Hertfordshire's St Albans, Welwyn Hatfield, East Hertfordshire and Stevenage, E07000240-243,
     after boundary changes in 2012-14; East and West Suffolk, E07000244-245, merged in 2019).
   The script refuses a district that no rule or two rules place. It then checks the result from
   the boundaries themselves (no internet here, so no ONS lookup file to compare with):
   `check_rollup` (also run by tests/test_policy_map.py) asserts that every English district
   maps to exactly one current authority, every current authority has at least one district, every
   shire district shares a boundary with another district of its county, each county's districts
   are one connected area, and each district's centroid lies inside or within 30 km of its
   county's other districts.
2. `england_utla_map.json`: each authority's outline as SVG path data (the districts of a county
   dissolved into one shape), simplified topologically: the boundary is cut into arcs where the
   neighbour on the other side changes, each arc simplified once (Douglas-Peucker) and shared by
   both sides, so neighbours meet without gaps or overlaps. Coordinates are longitude and latitude
   projected equirectangularly at 53 degrees north (true shape at England's scale), in a viewBox
   about 1000 units high.

Run: .venv/bin/python scripts/build_england_map.py [path/to/lad23_boundaries.geojson] [--tolerance KM] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.rules import RULES_DIR, load_la_table  # noqa: E402

DEFAULT_INPUT = ROOT.parent / "shared" / "real" / "reference" / "lad23_boundaries.geojson"
OUT_DIR = ROOT / "pipeline" / "store" / "reference"
ROLLUP = OUT_DIR / "lad23_utla.csv"
MAP = OUT_DIR / "england_utla_map.json"
SOURCE = (
    "Office for National Statistics, Local Authority Districts (December 2023) Boundaries UK, generalised "
    "(lad23_boundaries.geojson as compiled by JT-39/ofsted-ilacs-scrape-tool, import_data/geospatial/); "
    "Open Government Licence v3.0; contains OS data (c) Crown copyright and database right 2023"
)

# ONS codes of 2009, in blocks county by county, and the shire districts coded since.
COUNTY_BLOCKS: dict[str, list[tuple[int, int]]] = {
    "Cambridgeshire": [(8, 12)],
    "Derbyshire": [(32, 39)],
    "Devon": [(40, 47)],
    "East Sussex": [(61, 65)],
    "Essex": [(66, 77)],
    "Gloucestershire": [(78, 83)],
    "Hampshire": [(84, 94)],
    "Hertfordshire": [(95, 104), (240, 243)],
    "Kent": [(105, 116)],
    "Lancashire": [(117, 128)],
    "Leicestershire": [(129, 135)],
    "Lincolnshire": [(136, 142)],
    "Norfolk": [(143, 149)],
    "Nottinghamshire": [(170, 176)],
    "Oxfordshire": [(177, 181)],
    "Staffordshire": [(192, 199)],
    "Suffolk": [(200, 206), (244, 245)],
    "Surrey": [(207, 217)],
    "Warwickshire": [(218, 222)],
    "West Sussex": [(223, 229)],
    "Worcestershire": [(234, 239)],
}
RECODED = {"E08000016": "E08000038", "E08000019": "E08000039"}  # Barnsley, Sheffield (scripts/build_la_table.py)

KM_PER_DEG_LAT = 110.57
COS_LAT0 = math.cos(math.radians(53.0))
KM_PER_DEG_LON = 111.32 * COS_LAT0
MAX_CENTROID_KM = 30.0
INSIDE = "(inside)"  # the label of a seam inside an area (dissolve)
DEFAULT_TOLERANCE_KM = 0.6
VIEW_HEIGHT = 1000.0

Point = tuple[float, float]
Ring = list[Point]


# -- geometry (pure) ----------------------------------------------------------------------------------


def km(p: Point) -> Point:
    """Longitude/latitude -> kilometres on a plane (equirectangular at 53 degrees north)."""
    return (p[0] * KM_PER_DEG_LON, p[1] * KM_PER_DEG_LAT)


def rings_of(geometry: dict) -> list[Ring]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon, as (lon, lat) tuples rounded to 1e-7."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [[(round(x, 7), round(y, 7)) for x, y in ring] for poly in polys for ring in poly]


def ring_area(ring: Ring) -> float:
    """Signed area (shoelace) of a closed ring, in its own units squared."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2


def centroid(rings: list[Ring]) -> Point:
    """Area-weighted centroid of a district's rings, in km (holes subtract: their signed areas oppose)."""
    sx = sy = total = 0.0
    for ring in rings:
        pts = [km(p) for p in ring]
        for a, b in zip(pts, pts[1:], strict=False):
            cross = a[0] * b[1] - b[0] * a[1]
            sx += (a[0] + b[0]) * cross
            sy += (a[1] + b[1]) * cross
            total += cross
    return (sx / (3 * total), sy / (3 * total))


def inside(p: Point, rings: list[Ring]) -> bool:
    """Whether a point (km) lies inside the rings (even-odd rule, so holes are holes)."""
    hit = False
    for ring in rings:
        pts = [km(q) for q in ring]
        for a, b in zip(pts, pts[1:], strict=False):
            if (a[1] > p[1]) != (b[1] > p[1]) and p[0] < a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]):
                hit = not hit
    return hit


def segment_distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a-b (to a itself when a == b)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def distance_to(p: Point, rings: list[Ring]) -> float:
    """Distance (km) from a point (km) to the area of the rings: 0 inside."""
    if inside(p, rings):
        return 0.0
    return min(
        segment_distance(p, km(a), km(b)) for ring in rings for a, b in zip(ring, ring[1:], strict=False)
    )


def edges(rings: list[Ring]) -> set[frozenset[Point]]:
    """The undirected edges of some rings."""
    return {frozenset((a, b)) for ring in rings for a, b in zip(ring, ring[1:], strict=False) if a != b}


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker on a line (km coordinates); its two ends are kept. A closed line (first point ==
    last) keeps its farthest point too, so a ring never collapses below a triangle by this step."""
    if len(points) <= 2:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    if points[0] == points[-1]:
        far = max(range(1, len(points) - 1), key=lambda i: math.dist(points[i], points[0]))
        keep[far] = True
        stack = [(0, far), (far, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        k, dist = max(
            ((m, segment_distance(points[m], points[i], points[j])) for m in range(i + 1, j)), key=lambda t: t[1]
        )
        if dist > tolerance:
            keep[k] = True
            stack += [(i, k), (k, j)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


# -- the roll-up --------------------------------------------------------------------------------------


def county_of_block(code: str) -> list[str]:
    """The counties whose E07 block holds a shire district's code (exactly one, for a good table)."""
    n = int(code[3:])
    return [c for c, blocks in COUNTY_BLOCKS.items() if any(lo <= n <= hi for lo, hi in blocks)]


def rollup(features: list[dict], authorities: dict[str, str]) -> list[dict[str, str]]:
    """District -> authority rows for every English district (authorities: current ONS code -> name)."""
    code_of = {name: code for code, name in authorities.items()}
    out = []
    for f in sorted(features, key=lambda f: f["properties"]["LAD23CD"]):
        code, name = f["properties"]["LAD23CD"], f["properties"]["LAD23NM"]
        if not code.startswith("E"):
            continue
        if code in authorities:
            target, how = code, "same"
        elif code in RECODED:
            target, how = RECODED[code], "recoded"
        elif code.startswith("E07"):
            counties = county_of_block(code)
            if len(counties) != 1:
                raise ValueError(f"{code} {name}: in the code blocks of {counties or 'no county'}")
            target, how = code_of[counties[0]], "county_block"
        else:
            raise ValueError(f"{code} {name}: not an authority of the table and not a shire district")
        out.append({"lad23cd": code, "lad23nm": name, "ons_code": target, "council": authorities[target], "how": how})
    return out


def check_rollup(rows: list[dict[str, str]], features: list[dict], authorities: dict[str, str]) -> list[str]:
    """What is wrong with a roll-up, checked against the boundaries (an empty list when nothing is)."""
    problems = []
    english = {f["properties"]["LAD23CD"]: f for f in features if f["properties"]["LAD23CD"].startswith("E")}
    codes = [r["lad23cd"] for r in rows]
    if len(codes) != len(set(codes)):
        problems.append("a district is listed twice")
    if set(codes) != set(english):
        missing, unknown = sorted(set(english) - set(codes)), sorted(set(codes) - set(english))
        problems.append(f"districts missing {missing}, unknown {unknown}")
    for r in rows:
        if r["ons_code"] not in authorities or authorities[r["ons_code"]] != r["council"]:
            problems.append(f"{r['lad23cd']}: {r['ons_code']} {r['council']!r} is not a current authority")
    covered = {r["ons_code"] for r in rows}
    problems += [f"{code} {name}: no district" for code, name in authorities.items() if code not in covered]
    by_county: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r["lad23cd"] in english:
            by_county[r["ons_code"]].append(r["lad23cd"])
    rings = {code: rings_of(f["geometry"]) for code, f in english.items()}
    district_edges = {code: edges(r) for code, r in rings.items()}
    for county, districts in by_county.items():
        if len(districts) < 2:
            continue
        # adjacency within the county: districts sharing a boundary edge
        linked = {d: {e for e in districts if e != d and district_edges[d] & district_edges[e]} for d in districts}
        for d in districts:
            if not linked[d]:
                problems.append(f"{d}: shares no boundary with another district of {authorities[county]}")
            others = [ring for e in districts if e != d for ring in rings[e]]
            gap = distance_to(centroid(rings[d]), others)
            if gap > MAX_CENTROID_KM:
                problems.append(f"{d}: its centroid is {gap:.0f} km from the rest of {authorities[county]}")
        seen, todo = set(), [districts[0]]
        while todo:
            d = todo.pop()
            if d not in seen:
                seen.add(d)
                todo += linked[d] - seen
        if seen != set(districts):
            problems.append(f"{authorities[county]}: its districts are not one connected area")
    return problems


# -- dissolve and simplify ----------------------------------------------------------------------------


def _segment_index(rings_by_district: dict[str, list[Ring]], cell_km: float) -> dict[tuple[int, int], list]:
    """A grid of every district's boundary segments (km), for nearest-boundary look-ups."""
    grid: dict[tuple[int, int], list] = defaultdict(list)
    for district, rings in rings_by_district.items():
        for ring in rings:
            for a, b in zip(ring, ring[1:], strict=False):
                pa, pb = km(a), km(b)
                for gx in range(int(min(pa[0], pb[0]) // cell_km), int(max(pa[0], pb[0]) // cell_km) + 1):
                    for gy in range(int(min(pa[1], pb[1]) // cell_km), int(max(pa[1], pb[1]) // cell_km) + 1):
                        grid[(gx, gy)].append((district, pa, pb))
    return grid


def dissolve(
    rings_by_district: dict[str, list[Ring]], area_of: dict[str, str], near_km: float = 0.3
) -> dict[str, list[list[tuple[Point, Point, str | None]]]]:
    """Each area's outline: its districts' rings with the edges two of them share dropped, chained into
    rings of directed edges, each labelled with what lies on its other side: another area's code, None
    (the sea, Wales, Scotland) or INSIDE.

    Along some boundaries (estuaries, mostly) neighbouring districts were generalised apart and share no
    edge; such an edge is labelled with the nearest other district's area within `near_km` (INSIDE when
    that is its own area: a seam inside the area, filled but never drawn as a border)."""
    owners: dict[frozenset[Point], list[str]] = defaultdict(list)
    for district, rings in rings_by_district.items():
        for ring in rings:
            for a, b in zip(ring, ring[1:], strict=False):
                if a != b:
                    owners[frozenset((a, b))].append(district)
    cell = 1.0
    grid = _segment_index(rings_by_district, cell)

    def beyond(district: str, a: Point, b: Point) -> str | None:
        """The area across an unshared edge: the nearest other district's, within near_km."""
        m = km(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
        gap, nearest = min(
            ((segment_distance(m, pa, pb), d) for d, pa, pb in grid[(int(m[0] // cell), int(m[1] // cell))]
             if d != district),
            default=(math.inf, None),
        )  # fmt: skip
        if nearest is None or gap > near_km:
            return None
        return INSIDE if area_of[nearest] == area_of[district] else area_of[nearest]

    outgoing: dict[str, dict[Point, list[tuple[Point, str | None]]]] = defaultdict(lambda: defaultdict(list))
    for district, rings in rings_by_district.items():
        area = area_of[district]
        for ring in rings:
            for a, b in zip(ring, ring[1:], strict=False):
                if a == b:
                    continue
                who = owners[frozenset((a, b))]
                others = {area_of[w] for w in who if w != district}
                if area in others:
                    continue  # between two districts of the area: inside it
                other = next(iter(others)) if others else beyond(district, a, b)
                outgoing[area][a].append((b, other))
    out = {}
    for area, edges_from in outgoing.items():
        chains = []
        while any(edges_from.values()):
            start = min(p for p, nxt in edges_from.items() if nxt)
            chain, p = [], start
            while edges_from[p]:
                q, other = edges_from[p].pop()
                chain.append((p, q, other))
                p = q
                if p == start:
                    break
            chains.append(chain)
        out[area] = chains
    return out


def arcs_of(chain: list[tuple[Point, Point, str | None]]) -> list[tuple[list[Point], str | None]]:
    """A ring of edges cut into arcs where the neighbour on the other side changes (a ring with one
    neighbour all round is one closed arc starting at its smallest point, the same for both sides)."""
    cuts = [i for i in range(len(chain)) if chain[i][2] != chain[i - 1][2]]
    if not cuts:
        i = min(range(len(chain)), key=lambda k: chain[k][0])
        chain = chain[i:] + chain[:i]
        return [([e[0] for e in chain] + [chain[0][0]], chain[0][2])]
    chain = chain[cuts[0] :] + chain[: cuts[0]]
    cuts = [c - cuts[0] for c in cuts] + [len(chain)]
    return [([e[0] for e in chain[a:b]] + [chain[b - 1][1]], chain[a][2]) for a, b in zip(cuts, cuts[1:], strict=False)]


def simplify_outlines(outlines: dict, tolerance_km: float) -> tuple[dict[str, list[list[Point]]], list[list[Point]]]:
    """Every area's rings, each arc simplified once and shared by both sides (so no gaps or overlaps), and
    the borders between areas (each shared arc once; the sea's edge and seams inside an area left out)."""
    done: dict[tuple[Point, ...], list[Point]] = {}
    borders: list[list[Point]] = []

    def simplified(arc: list[Point], other: str | None) -> list[Point]:
        key, back = tuple(arc), tuple(reversed(arc))
        if back in done:
            return list(reversed(done[back]))
        if key not in done:
            done[key] = douglas_peucker([km(p) for p in arc], tolerance_km)
            if other is not None and other != INSIDE:
                borders.append(done[key])
        return done[key]

    out: dict[str, list[list[Point]]] = {}
    for area, chains in outlines.items():
        rings = []
        for chain in chains:
            ring: list[Point] = []
            for arc, other in arcs_of(chain):
                pts = simplified(arc, other)
                ring += pts if not ring else pts[1:]
            if len(ring) >= 4 and abs(ring_area(ring)) > (tolerance_km**2) / 2:
                rings.append(ring)
        out[area] = rings
    return out, borders


def svg_paths(
    rings_by_area: dict[str, list[list[Point]]], borders: list[list[Point]]
) -> tuple[str, dict[str, str], str]:
    """A viewBox, each area's rings as SVG path data and the borders as one path's data (y down, about
    VIEW_HEIGHT units high, one decimal)."""
    xs = [p[0] for rings in rings_by_area.values() for r in rings for p in r]
    ys = [p[1] for rings in rings_by_area.values() for r in rings for p in r]
    scale = VIEW_HEIGHT / (max(ys) - min(ys))
    x0, y1 = min(xs), max(ys)

    def fmt(v: float) -> str:
        return f"{v:.1f}".rstrip("0").rstrip(".")

    def line(pts: list[Point]) -> str:
        return "M" + "L".join(f"{fmt((x - x0) * scale)} {fmt((y1 - y) * scale)}" for x, y in pts)

    paths = {area: "".join(line(r[:-1]) + "Z" for r in rings) for area, rings in sorted(rings_by_area.items())}
    width = (max(xs) - x0) * scale
    return f"0 0 {fmt(width)} {fmt(VIEW_HEIGHT)}", paths, "".join(line(b) for b in borders)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("geojson", nargs="?", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE_KM, help="Douglas-Peucker tolerance, km")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write the two files to")
    args = ap.parse_args(argv)
    rollup_file, map_file = args.out / ROLLUP.name, args.out / MAP.name
    raw = args.geojson.read_bytes()
    features = json.loads(raw)["features"]
    table = load_la_table(RULES_DIR / "local_authorities.json")
    authorities = {a.ons_code: a.name for a in table.authorities if a.status == "current"}

    rows = rollup(features, authorities)
    problems = check_rollup(rows, features, authorities)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    buf = io.StringIO()
    writer = csv.DictWriter(buf, ["lad23cd", "lad23nm", "ons_code", "council", "how"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    rollup_file.write_text(buf.getvalue(), encoding="utf-8")

    area_of = {r["lad23cd"]: r["ons_code"] for r in rows}
    rings = {
        f["properties"]["LAD23CD"]: rings_of(f["geometry"]) for f in features if f["properties"]["LAD23CD"] in area_of
    }
    simplified, borders = simplify_outlines(dissolve(rings, area_of), args.tolerance)
    viewbox, paths, border_path = svg_paths(simplified, borders)
    data = {
        "source": SOURCE,
        "input_sha256": hashlib.sha256(raw).hexdigest(),
        "built_by": f"scripts/build_england_map.py --tolerance {args.tolerance}",
        "rollup": "pipeline/store/reference/lad23_utla.csv",
        "viewbox": viewbox,
        "areas": {code: {"name": authorities[code], "d": d} for code, d in paths.items()},
        "borders": border_path,
    }
    map_file.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    n_points = sum(len(r) for rings in simplified.values() for r in rings)
    size = sum(len(d) for d in paths.values()) + len(border_path)
    print(f"wrote {rollup_file} ({len(rows)} districts -> {len(set(area_of.values()))} authorities) and "
          f"{map_file} ({len(paths)} outlines, {n_points} points, {size / 1000:.0f} kB of path data)",
          file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
