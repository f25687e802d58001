"""The report's figures as inline SVG (pure; no library, no request): the map of England, stacked bars of
grades and a council's timeline. Every mark is a link to the rows behind it and carries its count
(`data-n`), so a test can check a figure against the database; its <title> is the tooltip.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from pipeline.analysis.report_html import NO_GRADE_COLOUR, RANK_COLOURS, RANK_LABELS, attr, day, esc


def axis(n: int) -> tuple[int, int]:
    """A round axis top at or above n and the step between its ticks (at most 5 of them)."""
    n = max(n, 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if n <= step * 5:
            return step * ((n + step - 1) // step), step
    return n, n


def stacked_bars(
    label: str,
    categories: Sequence[str],
    counts: Mapping[tuple[str, int], int],
    href: Callable[[str, int], str],
    width: int = 760,
    height: int = 230,
    top: int | None = None,
    axis_labels: bool = True,
) -> str:
    """Vertical bars, one per category (a year), stacked by grade rank (outstanding at the bottom);
    each segment links to `href(category, rank)`. `top` fixes the axis (small multiples share one)."""
    left, bottom, right, head = 34, 22, 6, 16
    inner_w, inner_h = width - left - right, height - bottom - head
    totals = {c: sum(counts.get((c, r), 0) for r in RANK_LABELS) for c in categories}
    top, tick_step = axis(top or max(totals.values(), default=0))
    step = inner_w / max(len(categories), 1)
    bar = min(step * 0.72, 46)
    parts = [f'<svg class="bars" viewBox="0 0 {width} {height}" role="img" aria-label="{attr(label)}">']
    for tick in range(0, top + 1, tick_step):
        y = head + inner_h - inner_h * tick / top
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e1e4e8"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#57606a">{tick}</text>'
        )
    for i, c in enumerate(categories):
        x = left + i * step + (step - bar) / 2
        y = head + inner_h
        for rank, name in RANK_LABELS.items():
            n = counts.get((c, rank), 0)
            if not n:
                continue
            h = inner_h * n / top
            y -= h
            parts.append(
                f'<a href="{attr(href(c, rank))}"><rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{RANK_COLOURS[rank]}" data-n="{n}" data-cat="{attr(c)}" data-rank="{rank}">'
                f"<title>{esc(c)}: {n} {esc(name.lower())}</title></rect></a>"
            )
        if totals[c] and axis_labels:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" font-size="10" '
                         f'fill="#57606a">{totals[c]}</text>')  # fmt: skip
        if axis_labels or i in (0, len(categories) - 1):
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" '
                         f'fill="#1f2328">{esc(c)}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def grade_legend(counts: Mapping[int, int] | None = None, href: Callable[[int], str] | None = None,
                 none_label: str | None = None, none_count: int | None = None) -> str:  # fmt: skip
    """A legend of the grade colours, with counts and links to the rows when given."""
    items = []
    for rank, name in RANK_LABELS.items():
        text = esc(name) + (f" ({counts.get(rank, 0)})" if counts is not None else "")
        if href and counts and counts.get(rank):
            text = f'<a href="{attr(href(rank))}">{text}</a>'
        items.append(f'<span class="sw" style="background:{RANK_COLOURS[rank]}"></span>{text}')
    if none_label:
        n = f" ({none_count})" if none_count is not None else ""
        items.append(f'<span class="sw" style="background:{NO_GRADE_COLOUR}"></span>{esc(none_label)}{n}')
    return '<div class="legend">' + "".join(items) + "</div>"


def england_map(geo: Mapping, fills: Mapping[str, tuple[int | None, str, str | None]], label: str) -> str:
    """The councils of England coloured by grade: `fills` maps a council's ONS code to (grade rank or None,
    tooltip, link or None). Each outline is stroked in its own colour to close the hairline gaps the
    generalised boundaries leave inside a county; the borders between councils are drawn over them."""
    parts = [f'<svg class="map" viewBox="{attr(geo["viewbox"])}" role="img" aria-label="{attr(label)}">']
    for code, area in geo["areas"].items():
        rank, tip, href = fills.get(code, (None, area["name"], None))
        colour = RANK_COLOURS.get(rank, NO_GRADE_COLOUR) if rank else NO_GRADE_COLOUR
        path = (
            f'<path class="council" d="{area["d"]}" fill="{colour}" stroke="{colour}" stroke-width="1.4" '
            f'stroke-linejoin="round" data-code="{attr(code)}" data-rank="{rank or 0}"><title>{esc(tip)}</title></path>'
        )
        parts.append(f'<a href="{attr(href)}">{path}</a>' if href else path)
    parts.append(f'<path class="borders" d="{geo["borders"]}"/>')
    parts.append("</svg>")
    return "".join(parts)


def timeline_strip(events: Sequence[Mapping], href: Callable[[Mapping], str], width: int = 1100) -> str:
    """A council's documents on a time axis: a circle per graded inspection (coloured by its overall
    grade; grey without one), a diamond per focused or monitoring visit, a square per area SEND
    inspection or other document; each links to its row of the timeline table."""
    dated = [e for e in events if e.get("date")]
    if not dated:
        return ""
    first, last = min(e["date"] for e in dated).year, max(e["date"] for e in dated).year + 1
    left, right, height, axis = 20, 20, 96, 64
    span = max((date(last, 1, 1) - date(first, 1, 1)).days, 1)

    def x(d: date) -> float:
        return left + (width - left - right) * (d - date(first, 1, 1)).days / span

    parts = [f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" aria-label="Timeline">',
             f'<line x1="{left}" x2="{width - right}" y1="{axis}" y2="{axis}" stroke="#8c959f"/>']  # fmt: skip
    for year in range(first, last + 1):
        xx = x(date(year, 1, 1))
        parts.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{axis - 4}" y2="{axis + 4}" stroke="#8c959f"/>')
        if year < last:
            mid = x(date(year, 7, 1))
            parts.append(f'<text x="{mid:.1f}" y="{axis + 18}" text-anchor="middle" font-size="11">{year}</text>')
    rows = {"inspection": 22, "focused_visit": 44, "monitoring_visit": 44}
    for e in dated:
        cx, cy = x(e["date"]), rows.get(e.get("category") or "", 44)
        tip = f"{e['label']}" + (f": overall {e['overall_effectiveness'].replace('_', ' ')}"
                                  if e.get("overall_effectiveness") else "")  # fmt: skip
        rank = {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4}.get(
            e.get("overall_effectiveness") or ""
        )
        colour = RANK_COLOURS.get(rank, NO_GRADE_COLOUR) if rank else NO_GRADE_COLOUR
        title = f"<title>{esc(tip)} ({esc(day(e['date']))})</title>"
        if e.get("category") == "inspection":
            mark = f'<circle cx="{cx:.1f}" cy="{cy}" r="8" fill="{colour}" stroke="#1f2328">{title}</circle>'
        elif e.get("category") in ("focused_visit", "monitoring_visit"):
            mark = f'<path d="M{cx:.1f} {cy - 7}l7 7l-7 7l-7 -7z" fill="#ddf4ff" stroke="#0969da">{title}</path>'
        else:
            mark = (f'<rect x="{cx - 6:.1f}" y="{cy - 6}" width="12" height="12" fill="#fbefff" '
                    f'stroke="#8250df">{title}</rect>')  # fmt: skip
        parts.append(f'<a href="{attr(href(e))}">{mark}</a>')
    parts.append("</svg>")
    return "".join(parts)
