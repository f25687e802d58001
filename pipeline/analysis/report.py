"""The report for policy teams: offline HTML pages built from the database's views (pipeline/analysis/sql/report/*.sql).

- `report.html` (the file named by --out): the national picture (where councils stand now: their
  latest grades, a map of England coloured by grade; movement over time, nationally and by region;
  every graded inspection and every rise or fall), what inspectors ask councils to fix (improvement
  points per national framework outcome and enabler by year and region; the common evaluation
  schedule's themes as a second scheme), focused visits (what they looked at, the priority actions
  they flagged) and the documents;
- `points.html` beside it: every improvement point, with its themes and a link to its source;
- `councils/<council>.html`: a page per council with documents: its timeline, latest grades,
  improvement points and its statistical neighbours.

Every page is self-contained (inline style, an inline script to sort and filter its tables, SVG
figures; no request leaves it) and works from a folder or a zip. Every figure links to the rows behind
it (a table filtered by the link), documents are named by council, kind and date, and each item links
to its source (file://..., at its page for a PDF) and, when review pages were written beside the report
(`review/`, by `inspections review`), to the item in its review page. `collect` reads the data on one
read-only connection; the rendering (pipeline/analysis/report_html.py, pipeline/analysis/report_svg.py) is pure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.analysis import queries as Q
from pipeline.analysis.report_html import (
    GRADE_LABELS,
    RANK_KEYS,
    RANK_LABELS,
    Col,
    Links,
    attr,
    change_badge,
    date_col,
    day,
    esc,
    filter_link,
    grade_badge,
    grade_col,
    page,
    slug,
    table,
)  # fmt: skip
from pipeline.analysis.report_svg import england_map, grade_legend, stacked_bars, timeline_strip
from pipeline.errors import BadArguments, BadQuery, DataError
from pipeline.store import db as D
from pipeline.store import reference

REPORT_SQL_DIR = Path(__file__).parent / "sql" / "report"
REPORT_QUERIES = (
    "headline", "councils", "latest_grades", "timeline", "inspections", "grade_changes", "grades_by_year", "points",
    "framework_themes", "theme_counts", "council_themes", "ces_themes", "theme_recurrence", "visits", "neighbours",
    "documents", "service_areas",
)  # fmt: skip
NAMED = ("region_summary", "areas_without_improvement", "evidence_divergence")
POINTS_PAGE = "points.html"
COUNCILS_DIR = "councils"
REVIEW_DIR = "review"  # where `inspections review` writes its pages beside the report
TOP_CES_THEMES = 12
JUDGEMENTS = (
    ("overall_effectiveness", "Overall"), ("leaders", "Leaders"), ("help_and_protection", "Help and protection"),
    ("children_in_care", "Children in care"), ("care_leavers", "Care leavers"),
)  # fmt: skip
OLD_JUDGEMENTS = (("adoption", "Adoption (SIF)"), ("lscb", "LSCB (SIF)"))

Rows = list[dict[str, Any]]


@dataclass
class ReportData:
    """Everything the report shows, as plain rows (one list per query)."""

    db_path: str
    generated_at: str
    tables: dict[str, Rows] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Rows:
        return self.tables.get(name, [])


def collect(db_path: Path | str) -> ReportData:
    """Run the report's queries on one read-only connection."""
    named = Q.catalogue()
    statements: list[tuple[str, Any]] = [
        ((REPORT_SQL_DIR / f"{name}.sql").read_text(encoding="utf-8"), None) for name in REPORT_QUERIES
    ]
    statements += [(named[n].sql, named[n].bind({})) for n in NAMED]
    try:
        results = D.query_many(db_path, statements)
    except (DataError, BadQuery) as exc:
        if "does not exist" not in str(exc):
            raise
        # A database written before the views existed: any read-write open (an ingest) creates them.
        raise DataError(f"{exc} -- run `inspections ingest` once to create the analysis views") from exc
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    data = ReportData(str(Path(db_path).resolve()), now)
    for name, result in zip((*REPORT_QUERIES, *NAMED), results, strict=True):
        data.tables[name] = result.as_dicts()
    return data


# -- pieces shared by the pages ---------------------------------------------------------------------------


def _card(label: str, value: Any, note: str = "", href: str | None = None, key: str = "") -> str:
    shown = esc(value)
    if href:
        shown = f'<a href="{attr(href)}">{shown}</a>'
    return (f'<div class="card" data-card="{attr(key)}" data-n="{attr(value)}"><div class="label">{esc(label)}</div>'
            f'<div class="value">{shown}</div><div class="note">{note}</div></div>')  # fmt: skip


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "–"


def _heat(share: float) -> str:
    """A cell background from white to dark blue by share (0..1)."""
    alpha = min(max(share, 0.0), 1.0) * 0.85
    text = "#fff" if alpha > 0.5 else "#1f2328"
    return f"background:rgba(18,53,91,{alpha:.2f});color:{text}"


def _id12(row: Mapping[str, Any]) -> str:
    return str(row.get("doc_id") or "")[:12]


def _points_cols(links: Links, with_council: bool = True) -> list[Col]:
    """The columns of an improvement-points table (points page, council pages)."""
    cols = []
    if with_council:
        cols += [_council_col(links), _region_col()]
    cols += [
        _year_col(),
        Col("doc", "Document", lambda r: links.source(r, page=r.get("page"), item=_item_anchor(r)),
            lambda r: r.get("date"), lambda r: [_id12(r)], "doc"),
        Col("kind", "Kind", lambda r: esc(r.get("point_kind"))),  # (a cell's text is its filter token)
        Col("text", "What needs to improve", lambda r: esc(r.get("text")), cls="text"),
        Col("theme", "National framework", _framework_cell, tokens=lambda r: r.get("framework_themes") or []),
        Col("source", "from", lambda r: esc(r.get("framework_source"))),
        Col("ces", "Evaluation schedule themes", lambda r: esc("; ".join(r.get("ces_theme_labels") or [])),
            tokens=lambda r: r.get("ces_themes") or []),
    ]  # fmt: skip
    return cols


def _council_col(links: Links, key: str = "council", documented: set[str] | None = None) -> Col:
    """A column of council names linked to their pages (only those in `documented`, when given)."""

    def cell(r: Mapping[str, Any]) -> str:
        return _council_link(links, r.get(key), documented is None or r.get(key) in documented)

    return Col("council", "Council", cell)  # its text is the name, which a filter matches


def _region_col() -> Col:
    return Col("region", "Region")


def _year_col() -> Col:
    return Col("year", "Year", cls="num")


def _doc_col(links: Links, head: str) -> Col:
    """A column of documents by name, linked to their files, sorted by date, filtered by 'doc' (the id's start)."""
    return Col("doc", head, lambda r: links.source(r), lambda r: r.get("date"), lambda r: [_id12(r)], "doc")


def _change_col(key: str, previous: str | None = None) -> Col:
    return Col("change", "Change", lambda r: change_badge(r.get(key), r.get(previous) if previous else None),
               tokens=lambda r: [r.get(key)])  # fmt: skip


def _overall_col(grade: str = "overall_grade", rank: str = "overall_rank", head: str = "Overall effectiveness") -> Col:
    return Col("overall", head, lambda r: grade_badge(r.get(grade)), lambda r: r.get(rank) or 9,
               lambda r: [r.get(grade)])  # fmt: skip


def _count_link(target: str, n: int, **filters: Any) -> str:
    """A count linked to the rows it counts ('0' unlinked)."""
    return filter_link(target, n, **filters) if n else "0"


def _framework_cell(row: Mapping[str, Any]) -> str:
    """'Outcome 3', and for a classified point its probability ('Outcome 4 (0.56)')."""
    names = esc(", ".join(row.get("framework_theme_names") or []))
    if row.get("framework_source") == "classifier" and row.get("framework_confidence") is not None:
        names += f' <span class="page">({row["framework_confidence"]:.2f})</span>'
    return names


def _kind_cell(row: Mapping[str, Any]) -> str:
    """A document's kind, and the predecessor or trust it names where it names one instead of the council."""
    names = [n for n in (row.get("predecessor"), row.get("operator")) if n]
    return esc(row.get("kind_label")) + (f' <span class="was">(names {esc(", ".join(names))})</span>' if names else "")


def _item_anchor(row: Mapping[str, Any]) -> str:
    """The item's id in its review page: '#a3' (area 3), '#r2' (recommendation 2)."""
    return f"#{'a' if row.get('item_kind') == 'area' else 'r'}{row.get('item_no')}"


def _council_link(links: Links, name: str | None, has_page: bool = True) -> str:
    if not name:
        return ""
    return f'<a href="{attr(links.council(name))}">{esc(name)}</a>' if has_page else esc(name)


def _grade_cols(judgements: Sequence[tuple[str, str]]) -> list[Col]:
    return [grade_col(key, head) for key, head in judgements]


def _theme_table(table_id: str, themes: Sequence[tuple[str, str]], columns: Sequence[str], column_key: str,
                 counts: Mapping[tuple[str, str], int], totals: Mapping[str, int], href_of: Any,
                 column_head: str, every: Mapping[str, int] | None = None) -> str:  # fmt: skip
    """A heat table: themes down, years or regions across; a cell is the theme's share of the column's
    themed points, with its count, and links to those points. `every`: all points of each column."""
    head = "".join(f'<th class="num">{esc(c)}</th>' for c in columns)
    body = []
    for theme, label in themes:
        cells = []
        for c in columns:
            n, total = counts.get((theme, c), 0), totals.get(c, 0)
            if not n:
                cells.append('<td class="cell"></td>')
                continue
            share = n / total if total else 0.0
            cells.append(
                f'<td class="cell" style="{_heat(share)}" data-theme="{attr(theme)}" data-{column_key}="{attr(c)}" '
                f'data-n="{n}"><a href="{attr(href_of(theme, c))}" title="{attr(label)}: {n} of {total} '
                f'themed points">{_pct(n, total)} <small>({n})</small></a></td>'
            )
        body.append(f"<tr><th>{esc(label)}</th>{''.join(cells)}</tr>")
    foot = "".join(f'<td class="cell" data-n="{totals.get(c, 0)}">{totals.get(c, 0)}</td>' for c in columns)
    body.append(f'<tr class="total"><th>points with a theme</th>{foot}</tr>')
    if every is not None:
        cells = "".join(f'<td class="cell" data-n="{every.get(c, 0)}">{every.get(c, 0)}</td>' for c in columns)
        body.append(f'<tr class="total"><th>all improvement points</th>{cells}</tr>')
    return (f'<div class="wrap"><table class="heat" id="{attr(table_id)}"><thead><tr><th>{esc(column_head)}</th>'
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")  # fmt: skip


# -- the national page ----------------------------------------------------------------------------------------


class Report:
    """The report's pages from its data: `pages()` gives {relative path: HTML}."""

    def __init__(self, data: ReportData, review: bool = False, main_name: str = "report.html") -> None:
        self.data = data
        self.review = review
        self.main = main_name
        self.geo = reference.england_map()
        self.councils = data["councils"]
        self.documented = {c["council"] for c in self.councils if c["n_documents"]}
        self.framework = [(t["theme"], f"{t['theme_short']}: {t['theme_label']}") for t in data["framework_themes"]]

    def nav(self, root: str) -> list[tuple[str, str]]:
        main = f"{root}{self.main}"
        return [
            (f"{main}#national", "National picture"), (f"{main}#movement", "Movement"),
            (f"{main}#themes", "Themes over time"), (f"{main}#focused-visits", "Focused visits"),
            (f"{main}#councils-heading", "Councils"), (f"{root}{POINTS_PAGE}#points", "Improvement points"),
            (f"{main}#document-list", "Documents"),
        ]  # fmt: skip

    def pages(self) -> dict[str, str]:
        """Every page of the report by its path relative to the main page's folder."""
        out = {self.main: self.national(), POINTS_PAGE: self.points_page()}
        timeline = defaultdict(list)
        for r in self.data["timeline"]:
            timeline[r["council_code"]].append(r)
        by = {name: defaultdict(list) for name in ("latest_grades", "points", "neighbours", "council_themes")}
        for name, groups in by.items():
            for r in self.data[name]:
                groups[r["council_code"]].append(r)
        themes = {
            code: {(r["scheme"], r["theme"]): r["n"] for r in rows} for code, rows in by["council_themes"].items()
        }
        for c in self.councils:
            if c["n_documents"]:
                out[f"{COUNCILS_DIR}/{slug(c['council'])}.html"] = self.council_page(
                    c, timeline[c["council_code"]], by["latest_grades"][c["council_code"]],
                    by["points"][c["council_code"]], by["neighbours"][c["council_code"]], themes,
                )  # fmt: skip
        return out

    # the national picture

    def national(self) -> str:
        links = Links("", self.review)
        h = (self.data["headline"] or [{}])[0]
        body = [
            "<h1>Inspections of councils' children's services</h1>",
            f'<p class="meta">Built {esc(self.data.generated_at)} from {esc(self.data.db_path)}: '
            f"{esc(h.get('n_documents', 0))} documents, {esc(h.get('n_council_documents', 0))} of them about "
            f"{esc(h.get('n_councils', 0))} of England's {esc(h.get('n_councils_all', 0))} councils. Every figure "
            "counts the documents in this database, and links to the rows behind it. Grades compare like with like "
            "across frameworks (the SIF's and ILACS's judgements under one name each).</p>",
            '<h2 id="national">Where councils stand now</h2>',
            self._cards(h),
            '<div class="side"><div class="figure">', self._map(), "</div><div>",
            '<p class="explain">Each council coloured by its latest overall effectiveness grade (grey: no graded '
            "inspection in this archive); click one for its page. Movement since the grade before:</p>",
            self._standing_summary(),
            '<h3 id="regions-now-heading">Regions now</h3>',
            '<p class="explain">Each region\'s councils by their latest overall effectiveness grade, and how many rose '
            "or fell at their latest inspection; click a number for the councils.</p>",
            self._regions_now(),
            "</div></div>",
            '<h3 id="councils-heading">Councils: latest grades</h3>',
            '<p class="explain">Each council with documents: its latest grade for each judgement, when it was given, '
            "and the change in overall effectiveness from the inspection before. Click a heading to sort; type to "
            "filter.</p>",
            self._councils_table(links),
            '<h2 id="movement">Movement over time</h2>',
            '<p class="explain">Graded inspections by the year they ended and their overall effectiveness grade; '
            "click a bar for its inspections.</p>",
            self._distribution(),
            "<h3>By region</h3>",
            self._regions(),
            "<h3>Rises and falls by region and year</h3>",
            '<p class="explain">Councils whose overall effectiveness grade rose (▲) or fell (▼) from their previous '
            "inspection, by region and year of the later one.</p>",
            self._movement_table(),
            '<h3 id="inspections-heading">Graded inspections</h3>',
            self._inspections_table(links),
            '<h3 id="changes-heading">Rises and falls</h3>',
            self._changes_table(links),
            '<h2 id="themes">What inspectors ask councils to fix</h2>',
            self._themes(h),
            '<h2 id="focused-visits">Focused visits</h2>',
            self._visits(links),
            '<h2 id="document-list">Documents</h2>',
            self._documents(links),
            self._other_providers(links),
        ]
        return page("Inspections of councils' children's services", "\n".join(body), self.nav(""))

    def _cards(self, h: Mapping[str, Any]) -> str:
        graded = h.get("n_councils_graded") or 0
        cards = [
            _card("councils with documents", h.get("n_councils", 0), f"of {esc(h.get('n_councils_all', 0))} in England",
                  "#councils", "councils"),
        ]  # fmt: skip
        for rank, key in RANK_KEYS.items():
            n = h.get(f"n_{key}", 0)
            cards.append(_card(f"{RANK_LABELS[rank].lower()} now", n, f"{_pct(n, graded)} of {graded} graded councils",
                               f"#councils?overall={key}", key))  # fmt: skip
        cards += [
            _card("improved", h.get("n_improved", 0), "at their latest inspection", "#councils?change=improved",
                  "improved"),
            _card("declined", h.get("n_declined", 0), "at their latest inspection", "#councils?change=declined",
                  "declined"),
            _card("graded inspections", len(self.data["inspections"]), "SIF and ILACS, with their judgements",
                  "#inspections", "inspections"),
            _card("focused visits", h.get("n_focused_visits", 0), "letters", "#visits", "visits"),
            _card("improvement points", h.get("n_points", 0),
                  "areas for improvement, priority actions, recommendations", f"{POINTS_PAGE}#points", "points"),
        ]  # fmt: skip
        return '<div class="cards">' + "".join(cards) + "</div>"

    def _map(self) -> str:
        fills = {}
        for c in self.councils:
            tip = c["council"] + (
                f": {GRADE_LABELS.get(c['overall_grade'], c['overall_grade'])} ({day(c['overall_date'])})"
                if c.get("overall_grade") else ": no graded inspection in this archive"
            )  # fmt: skip
            href = f"{COUNCILS_DIR}/{slug(c['council'])}.html" if c["n_documents"] else None
            fills[c["council_code"]] = (c.get("overall_rank"), tip, href)
        counts = Counter(c["overall_rank"] for c in self.councils if c.get("overall_rank"))
        n_none = sum(1 for c in self.councils if c["status"] == "current" and not c.get("overall_rank"))
        return england_map(self.geo, fills, "Map of England's councils by latest overall effectiveness grade") + (
            grade_legend(counts, lambda r: f"#councils?overall={RANK_KEYS[r]}", "no graded inspection", n_none)
        )

    def _standing_summary(self) -> str:
        graded = [c for c in self.councils if c.get("overall_grade")]
        rows = []
        for change in ("improved", "declined", "unchanged", "first"):
            n = sum(1 for c in graded if c.get("overall_change") == change)
            rows.append(f"<li>{change_badge(change)}: {filter_link('#councils', f'{n} councils', change=change)}</li>")
        return f'<ul class="tight">{"".join(rows)}</ul>'

    def _regions_now(self) -> str:
        rows = self.data["region_summary"]
        if not rows:
            return ""
        short = {1: "Outst.", 2: "Good", 3: "RI", 4: "Inad."}
        cols = [("n_councils", "Councils", {}), ("n_graded", "Graded", {})]
        cols += [(f"n_{key}", short[rank], {"overall": key}) for rank, key in RANK_KEYS.items()]
        cols += [("n_improved", "▲", {"change": "improved"}), ("n_declined", "▼", {"change": "declined"})]
        titles = {
            "n_councils": "councils with children's services", "n_graded": "councils with a graded inspection",
            "n_improved": "improved at their latest inspection", "n_declined": "declined at their latest inspection",
        }
        titles |= {f"n_{key}": RANK_LABELS[rank] for rank, key in RANK_KEYS.items()}  # fmt: skip
        head = "".join(f'<th class="num" title="{attr(titles[k])}">{esc(h)}</th>' for k, h, _ in cols)
        body = []
        for r in rows:
            cells = []
            for key, _, filters in cols:
                n = r[key]
                shown = esc(n) if key == "n_councils" or not n else filter_link("#councils", n, region=r["region"],
                                                                               **filters)  # fmt: skip
                cells.append(f'<td class="num" data-key="{attr(key)}" data-n="{attr(n)}">{shown}</td>')
            body.append(f'<tr data-region="{attr(r["region"])}"><th>{esc(r["region"])}</th>{"".join(cells)}</tr>')
        return (f'<div class="wrap"><table class="heat" id="regions-now"><thead><tr><th>Region</th>{head}</tr>'
                f"</thead><tbody>{''.join(body)}</tbody></table></div>"
                '<p class="note">Outst.: outstanding; RI: requires improvement; Inad.: inadequate; ▲ ▼: rose or '
                "fell at the latest inspection.</p>")  # fmt: skip

    def _councils_table(self, links: Links) -> str:
        rows = [c for c in self.councils if c["n_documents"]]
        cols = [
            _council_col(links), _region_col(), _overall_col(),
            date_col("overall_date", "Since"), _change_col("overall_change", "overall_previous_grade"),
            *_grade_cols(JUDGEMENTS[1:]),
            Col("documents", "Docs", cls="num", cell=lambda r: esc(r["n_documents"])),
            Col("points", "Points", cls="num",
                cell=lambda r: filter_link(f"{POINTS_PAGE}#points", r["n_points"], council=r["council"])),
        ]  # fmt: skip
        return table("councils", cols, rows, empty="No document of a council in this database.")

    def _distribution(self) -> str:
        counts: Counter = Counter()
        for r in self.data["grades_by_year"]:
            counts[(str(r["year"]), r["grade_rank"])] += r["n"]
        years = sorted({y for y, _ in counts})
        if not years:
            return '<p class="empty">No graded inspection.</p>'
        svg = stacked_bars("Graded inspections by year and overall effectiveness grade", years, counts,
                           lambda y, rank: f"#inspections?year={y}&overall={RANK_KEYS[rank]}")  # fmt: skip
        return f'<div class="figure" id="distribution">{svg}</div>' + grade_legend()

    def _regions(self) -> str:
        counts: Counter = Counter()
        for r in self.data["grades_by_year"]:
            counts[(r["region"], str(r["year"]), r["grade_rank"])] += r["n"]
        years = sorted({y for _, y, _ in counts})
        regions = sorted({reg for reg, _, _ in counts})
        if not years:
            return ""
        per_bar = Counter()
        for (reg, y, _), n in counts.items():
            per_bar[(reg, y)] += n
        top = max(per_bar.values())
        blocks = []
        for reg in regions:
            sub = {(y, rank): n for (rg, y, rank), n in counts.items() if rg == reg}
            svg = stacked_bars(f"{reg}: graded inspections by year", years, sub,
                               lambda y, rank, reg=reg: f"#inspections?region={reg}&year={y}&overall={RANK_KEYS[rank]}",
                               width=300, height=120, top=top, axis_labels=False)  # fmt: skip
            total = sum(sub.values())
            link = filter_link("#inspections", f"{total} inspections", region=reg)
            blocks.append(f'<div class="figure" data-region="{attr(reg)}"><h4>{esc(reg)} ({link})</h4>{svg}</div>')
        return f'<div class="multiples" id="regions">{"".join(blocks)}</div>'

    def _movement_table(self) -> str:
        moves: Counter = Counter()
        for r in self.data["grade_changes"]:
            moves[(r["region"], r["year"], r["change"])] += 1
        if not moves:
            return '<p class="empty">No council\'s overall grade has changed between two inspections here.</p>'
        years = sorted({y for _, y, _ in moves})
        regions = sorted({reg for reg, _, _ in moves})
        head = "".join(f'<th class="num">{y}</th>' for y in years)
        body = []
        for reg in regions:
            cells = []
            for y in years:
                parts = []
                for change, mark in (("improved", "▲"), ("declined", "▼")):
                    n = moves.get((reg, y, change), 0)
                    if n:
                        parts.append(f'<a class="change {change}" href="#changes?region={attr(reg)}&amp;year={y}&amp;'
                                     f'change={change}" data-n="{n}">{mark}{n}</a>')  # fmt: skip
                cells.append(f'<td class="cell">{" ".join(parts)}</td>')
            body.append(f"<tr><th>{esc(reg)}</th>{''.join(cells)}</tr>")
        return (f'<div class="wrap"><table class="heat" id="movement-table"><thead><tr><th>region</th>{head}</tr>'
                f"</thead><tbody>{''.join(body)}</tbody></table></div>")  # fmt: skip

    def _inspections_table(self, links: Links) -> str:
        cols = [
            _council_col(links), _region_col(), _year_col(), _doc_col(links, "Inspection"),
            _overall_col("overall_effectiveness", "overall_rank", "Overall"),
            _change_col("overall_change", "overall_previous"),
            *_grade_cols(JUDGEMENTS[1:] + OLD_JUDGEMENTS),
        ]  # fmt: skip
        return table("inspections", cols, self.data["inspections"], empty="No graded inspection.")

    def _changes_table(self, links: Links) -> str:
        cols = [
            _council_col(links), _region_col(), _year_col(), _change_col("change"),
            grade_col("previous_grade", "From"), grade_col("grade", "To"),
            Col("previous", "Previous inspection", lambda r: esc(r.get("previous_label")),
                lambda r: r.get("previous_date")),
            _doc_col(links, "Inspection"),
        ]  # fmt: skip
        return table("changes", cols, self.data["grade_changes"], empty="No rise or fall.")

    # themes

    def _themes(self, h: Mapping[str, Any]) -> str:
        counts = defaultdict(Counter)  # scheme -> (theme, column) -> n
        for r in self.data["theme_counts"]:
            year, region = str(r["year"]) if r["year"] is not None else "undated", r["region"] or "unknown"
            counts[(r["scheme"], "year")][(r["theme"], year)] += r["n"]
            counts[(r["scheme"], "region")][(r["theme"], region)] += r["n"]
            counts[(r["scheme"], "all")][(r["theme"], "all")] += r["n"]
        out = []
        n_points, n_framework = h.get("n_points", 0) or 0, h.get("n_points_framework", 0) or 0
        n_printed = h.get("n_points_printed", 0) or 0
        out.append(
            '<p class="explain">Every area for improvement, area for priority action and recommendation of a council '
            f"document ({n_points}) is an improvement point. {n_framework} of them carry a theme of the Children's "
            f"Social Care National Framework (DfE, 2023): for {n_printed}, the outcome or enabler Ofsted printed "
            "after it (since 2024); for the others, the class a text classifier gives it (trained on those printed "
            "tags; right on about half of them when tried on documents it had not seen, so a lead to read rather "
            "than Ofsted's label: each point shows where its theme came from). A cell is the share of a year's (or "
            "region's) themed points that carry this theme, with their number; click it for the points.</p>"
        )
        fw = counts[("national_framework", "year")]
        years = sorted({c for (t, c) in fw if t != "*"})
        totals = {c: n for (t, c), n in fw.items() if t == "*"}
        every_year = {c: n for (t, c), n in counts[("all", "year")].items()}
        every_region = {c: n for (t, c), n in counts[("all", "region")].items()}
        out.append("<h3>National framework outcomes and enablers by year</h3>")
        out.append(
            _theme_table("themes-year", self.framework, years, "year", fw, totals,
                         lambda t, y: f"{POINTS_PAGE}#points?theme={t}&year={y}", "theme", every_year)  # fmt: skip
            if years else '<p class="empty">No improvement point carries a national framework theme.</p>'
        )
        printed = counts[("national_framework_printed", "year")]
        printed_years = sorted({c for (t, c) in printed if t != "*"})
        if printed_years:
            out.append("<h3>As Ofsted printed them (2024 on)</h3>")
            out.append(
                _theme_table("themes-printed", self.framework, printed_years, "year", printed,
                             {c: n for (t, c), n in printed.items() if t == "*"},
                             lambda t, y: f"{POINTS_PAGE}#points?theme={t}&year={y}&source=printed", "theme",
                             every_year)  # fmt: skip
            )
        fr = counts[("national_framework", "region")]
        regions = sorted({c for (t, c) in fr if t != "*"})
        if regions:
            out.append("<h3>National framework outcomes and enablers by region (all years)</h3>")
            out.append(_theme_table(
                "themes-region", self.framework, regions, "region", fr, {c: n for (t, c), n in fr.items() if t == "*"},
                lambda t, reg: f"{POINTS_PAGE}#points?theme={t}&region={reg}", "theme", every_region,
            ))  # fmt: skip
        ces = counts[("ces", "year")]
        labels = {r["theme"]: r["theme_label"] for r in self.data["ces_themes"]}
        ranked = [r["theme"] for r in self.data["theme_recurrence"] if r["theme"] in labels][:TOP_CES_THEMES]
        ces_years = sorted({c for (t, c) in ces if t != "*"})
        out.append("<h3>The common evaluation schedule's themes by year (second scheme)</h3>")
        out.append(
            '<p class="explain">The same points classified by the themes of Ofsted\'s common evaluation schedule (a '
            f"rule lexicon; a point may carry several): the {TOP_CES_THEMES} themes found in most documents, as a "
            "share of the year's points with a schedule theme.</p>"
        )
        out.append(
            _theme_table("ces-year", [(t, labels[t]) for t in ranked], ces_years, "year", ces,
                         {c: n for (t, c), n in ces.items() if t == "*"},
                         lambda t, y: f"{POINTS_PAGE}#points?ces={t}&year={y}", "theme", every_year)  # fmt: skip
            if ces_years else '<p class="empty">No improvement point carries a schedule theme.</p>'
        )
        return "\n".join(out)

    # focused visits

    def _visits(self, links: Links) -> str:
        visits = self.data["visits"]
        if not visits:
            return '<p class="empty">No focused visit.</p>'
        topics: Counter = Counter()
        for v in visits:
            for t in v["visit_topics"] or ["(focus not stated)"]:
                topics[(t, str(v["year"]))] += 1
        years = sorted({y for _, y in topics})
        names = sorted({t for t, _ in topics}, key=lambda t: (-sum(n for (tt, _), n in topics.items() if tt == t), t))
        per_year = Counter(str(v["year"]) for v in visits)
        head = "".join(f'<th class="num">{y}</th>' for y in years)
        body = []
        for t in names:
            cells = []
            for y in years:
                n = topics.get((t, y), 0)
                link = (f'<a href="#visits?topic={attr(t)}&amp;year={y}" data-n="{n}">{n}</a>'
                        if n and t != "(focus not stated)" else (str(n) if n else ""))  # fmt: skip
                style = f' style="{_heat(n / per_year[y])}"' if n else ""
                cells.append(f'<td class="cell"{style}>{link}</td>')
            body.append(f"<tr><th>{esc(t)}</th>{''.join(cells)}</tr>")
        foot = "".join(f'<td class="cell">{per_year[y]}</td>' for y in years)
        grid = (f'<div class="wrap"><table class="heat" id="visit-topics"><thead><tr><th>what inspectors looked at'
                f"</th>{head}</tr></thead><tbody>{''.join(body)}<tr><th>visits</th>{foot}</tr></tbody></table>"
                "</div>")  # fmt: skip
        n_flagged = sum(1 for v in visits if v["n_priority_actions"])
        points = f"{POINTS_PAGE}#points"
        cols = [
            _council_col(links), _region_col(), _year_col(), _doc_col(links, "Visit"),
            Col("topic", "Topics", lambda r: esc(", ".join(r["visit_topics"])), tokens=lambda r: r["visit_topics"]),
            Col("focus", "What inspectors looked at", lambda r: esc(r.get("visit_focus")), cls="text"),
            Col("priority", "Priority actions", lambda r: _count_link(points, r["n_priority_actions"], doc=_id12(r),
                kind="priority action"), tokens=lambda r: ["yes" if r["n_priority_actions"] else "no"], cls="num"),
            Col("areas", "Areas for improvement", lambda r: _count_link(points, r["n_areas"], doc=_id12(r)), cls="num"),
        ]  # fmt: skip
        return "\n".join([
            '<p class="explain">What each focused visit looked at (its topics, read from the letter\'s own words), by '
            "year: click a number for its visits.</p>",
            grid,
            f'<p class="explain">{filter_link("#visits", f"{n_flagged} visits", priority="yes")} flagged areas for '
            f"priority action ({filter_link(f'{POINTS_PAGE}#points', 'all priority actions', kind='priority action')}"
            ", visits and inspections).</p>",
            table("visits", cols, visits),
            '<h3 id="priority-heading">Priority actions flagged at focused visits</h3>',
            '<p class="explain">What inspectors found serious enough to call an area for priority action, visit by '
            "visit.</p>",
            table("priority", [c for c in _points_cols(links) if c.key not in ("kind", "ces")],
                  [p for p in self.data["points"] if p["category"] == "focused_visit"
                   and p["point_kind"] == "priority action"], empty="No focused visit flagged a priority action."),
        ])  # fmt: skip

    def _documents(self, links: Links) -> str:
        cols = [
            Col("doc", "Document", lambda r: links.source(r), lambda r: r.get("label"), lambda r: [_id12(r)]),
            Col("council", "Council or provider", lambda r: _council_link(links, r.get("council"), r.get("council") in
                self.documented) or esc(r.get("provider")), tokens=lambda r: [r.get("council") or r.get("provider")]),
            Col("kind", "Kind", tokens=lambda r: [r.get("kind")]),
            date_col("date", "Date"),
            Col("pages", "Pages", lambda r: esc(r.get("page_count")), cls="num"),
            Col("file", "File", lambda r: f'<span class="page">{esc(r.get("file_name"))}</span>'),
        ]  # fmt: skip
        return table("documents", cols, self.data["documents"], empty="No document.")

    def _other_providers(self, links: Links) -> str:
        councils = {c["council"] for c in self.councils}
        units = [r for r in self.data["service_areas"] if r["service_unit"].split(":")[0] not in councils]
        lineage, divergence = self.data["areas_without_improvement"], self.data["evidence_divergence"]
        if not (units or lineage or divergence):
            return ""
        out = ['<h2 id="other">Other providers and follow-up visits</h2>',
               '<p class="explain">Providers that are not councils (Cafcass service areas, trusts named alone, ...): '
               "their visits and latest overall grade, areas followed from one visit to the next without improving, "
               "and areas where the provider's evidence and the inspectors' findings diverge.</p>"]  # fmt: skip
        out.append(table("service-areas", [
            Col("unit", "Service area", lambda r: esc(r["service_unit"])), Col("visits", "Visits", cls="num",
            cell=lambda r: esc(r["n_visits"])), date_col("first_date", "First"), date_col("last_date", "Latest"),
            grade_col("latest_grade", "Latest overall grade"),
            Col("change", "Change", lambda r: change_badge(r.get("change"), r.get("previous_grade"))),
            Col("areas", "Areas", cls="num", cell=lambda r: esc(r["n_areas"])),
            Col("inadequate", "Judged inadequate", cls="num", cell=lambda r: esc(r["n_areas_inadequate"])),
        ], units, empty="No other provider."))  # fmt: skip
        if lineage:
            out.append("<h3>Areas without improvement across visits</h3>")
            out.append(table("lineage", [Col("service_area", "Service area"), Col("n_visits", "Visits", cls="num"),
                Col("latest_judgement", "Latest judgement", lambda r: grade_badge(r.get("latest_judgement"))),
                Col("judgements", "Judgements", lambda r: esc(", ".join(r["judgements"]))),
                Col("documents", "Documents", lambda r: esc(", ".join(r["documents"]))),
                Col("latest_text", "Area", cls="text")], lineage))  # fmt: skip
        if divergence:
            out.append("<h3>Provider evidence vs inspectors' findings</h3>")
            out.append(table("divergence", [Col("service_area", "Service area"), date_col("date", "Date"),
                Col("document", "Document", lambda r: links.source(r, r["document"], r.get("page"))),
                Col("judgement", "Judgement", lambda r: grade_badge(r.get("judgement"))),
                Col("area_text", "Area", cls="text"),
                Col("provider_evidence", "Provider's evidence", lambda r: esc("; ".join(r["provider_evidence"]))),
                Col("inspector_evidence", "Inspectors' findings", lambda r: esc("; ".join(r["inspector_evidence"]))),
            ], divergence))  # fmt: skip
        return "\n".join(out)

    # the points page

    def points_page(self) -> str:
        links = Links("", self.review)
        points = self.data["points"]
        body = [
            "<h1>Improvement points</h1>",
            f'<p class="explain">Every area for improvement, area for priority action and recommendation of a '
            f"council document ({len(points)}), with its national framework theme (the outcome or enabler Ofsted "
            "printed after it) and its evaluation-schedule themes, and a link to the page of its source"
            + (" and to the item in its review page" if self.review else "")
            + ". Type to filter; links from the report's figures open this table filtered to their points.</p>",
            table("points", _points_cols(links), points, empty="No improvement point."),
        ]
        return page("Improvement points", "\n".join(body), self.nav(""))

    # a council's page

    def council_page(self, c: Mapping[str, Any], events: Rows, latest: Rows, points: Rows, neighbours: Rows,
                     themes: Mapping[str, Mapping[tuple[str, str], int]]) -> str:  # fmt: skip
        links = Links("../", self.review)
        name = c["council"]
        facts = [c["region"], c["la_type"], f"ONS {c['council_code']}"]
        facts += [f"DfE {c['la_code']}"] if c["la_code"] else []
        extra = []
        if c["predecessors"]:
            extra.append("documents of " + ", ".join(c["predecessors"]) + " count here (its predecessors)")
        if c["operators"]:
            extra.append("children's services run by " + ", ".join(c["operators"]))
        change = change_badge(c.get("overall_change"), c.get("overall_previous_grade"))
        cards = '<div class="cards">' + "".join([
            _card("overall effectiveness", GRADE_LABELS.get(c.get("overall_grade") or "", "none"),
                  f"{esc(day(c.get('overall_date')))} {change}", "#latest", "overall"),
            _card("documents", c["n_documents"], f"since {esc(day(c.get('first_date')))}", "#timeline", "documents"),
            _card("inspections", c["n_inspections"], "graded", "#timeline?category=inspection", "inspections"),
            _card("focused visits", c["n_focused_visits"], "letters", "#timeline?category=focused_visit", "visits"),
            _card("improvement points", c["n_points"], f"{esc(c['n_priority_actions'])} priority actions", "#points",
                  "points"),
        ]) + "</div>"  # fmt: skip
        body = [
            f'<h1 data-council="{attr(name)}">{esc(name)}</h1>',
            f'<p class="meta">{esc(" · ".join(facts))}' + (f" · {esc('; '.join(extra))}" if extra else "") + "</p>",
            cards,
            '<h2 id="latest">Latest grades</h2>',
            self._latest_table(latest, links),
            '<h2 id="timeline-heading">Timeline</h2>',
            '<div class="figure">' + timeline_strip(events, lambda e: f"#e{e['event_no']}") + "</div>",
            '<p class="explain">Circles: graded inspections, coloured by overall effectiveness. Diamonds: focused '
            "visits. Squares: area SEND inspections and other documents. Click one for its row.</p>",
            self._timeline_table(events, links),
            '<h2 id="points-heading">Improvement points</h2>',
            table("points", _points_cols(links, with_council=False), points, empty="No improvement point."),
            '<h2 id="neighbours-heading">Compared with its statistical neighbours</h2>',
            '<p class="explain">The ten councils the DfE finds most like it (nearest first) and where each stands now; '
            "neighbours without documents in this database show no grade.</p>",
            self._neighbours_table(neighbours, links),
            self._neighbour_themes(c, neighbours, themes),
        ]
        return page(f"{name}: children's services inspections", "\n".join(body), self.nav("../"))

    def _latest_table(self, latest: Rows, links: Links) -> str:
        cols = [
            Col("judgement", "Judgement", lambda r: esc(r["judgement_label"]), lambda r: r["judgement_order"]),
            grade_col("grade", "Latest grade"), date_col("date", "Date"),
            Col("doc", "Inspection", lambda r: links.source(r, page=r.get("page"), item=f"#j{r['judgement_no']}"),
                lambda r: r["date"], cls="doc"),
            grade_col("previous_grade", "Grade before"),
            _change_col("change"), Col("n_judged", "Times judged", cls="num"),
        ]  # fmt: skip
        return table("latest", cols, latest, empty="No graded inspection.")

    def _timeline_table(self, events: Rows, links: Links) -> str:
        cols = [
            Col("no", "#", lambda r: esc(r["event_no"]), lambda r: r["event_no"], cls="num"),
            date_col("date", "Date"),
            Col("dates", "Inspection dates", lambda r: esc(
                f"{day(r['inspection_start'])} – {day(r['inspection_end'])}" if r.get("inspection_start") else "")),
            Col("category", "Kind", _kind_cell, tokens=lambda r: [r["category"]]),
            _doc_col(links, "Document"),
            *_grade_cols(JUDGEMENTS + OLD_JUDGEMENTS),
            Col("send", "Area SEND outcome", lambda r: esc((r.get("send_outcome") or "").replace("_", " "))),
            Col("focus", "Focus", lambda r: esc(r.get("visit_focus")), cls="text"),
            Col("points", "Points", lambda r: _count_link("#points", r["n_points"], doc=_id12(r)), cls="num"),
        ]  # fmt: skip
        return table("timeline", cols, events, row_id=lambda r: f"e{r['event_no']}")

    def _neighbours_table(self, neighbours: Rows, links: Links) -> str:
        cols = [
            Col("rank", "Rank", lambda r: "this council" if r["rank"] == 0 else esc(r["rank"]), lambda r: r["rank"],
                cls="num"),
            _council_col(links, "neighbour", self.documented), _region_col(), _overall_col(),
            date_col("overall_date", "Since"), _change_col("overall_change"),
            *_grade_cols(JUDGEMENTS[1:]),
            Col("points", "Improvement points", cls="num", cell=lambda r: esc(r["n_points"])),
        ]  # fmt: skip
        return table("neighbours", cols, neighbours)

    def _neighbour_themes(self, c: Mapping[str, Any], neighbours: Rows,
                          themes: Mapping[str, Mapping[tuple[str, str], int]]) -> str:  # fmt: skip
        """What the council is asked to fix against what its neighbours are asked to fix: each theme's share
        of the council's themed points beside its share of its neighbours' together."""
        codes = [n["neighbour_code"] for n in neighbours if n["rank"] > 0]
        mine = themes.get(c["council_code"], {})
        theirs: Counter = Counter()
        for code in codes:
            theirs.update(themes.get(code, {}))
        labels = {r["theme"]: r["theme_label"] for r in self.data["ces_themes"]}
        out = []
        for scheme, title, names in (
            ("national_framework", "National framework outcomes and enablers", dict(self.framework)),
            ("ces", "Evaluation schedule themes", labels),
        ):
            mine_total, their_total = mine.get((scheme, "*"), 0), theirs.get((scheme, "*"), 0)
            rows = [
                (t, names.get(t, t), mine.get((scheme, t), 0), theirs.get((scheme, t), 0))
                for t in names
                if mine.get((scheme, t)) or theirs.get((scheme, t))
            ]
            if not rows:
                continue
            rows.sort(key=lambda r: (-(r[2] / mine_total if mine_total else 0), -r[3], r[1]))
            key = "theme" if scheme == "national_framework" else "ces"
            body = []
            for t, label, n, m in rows:
                here = filter_link(f"#points?{key}={t}", f"{_pct(n, mine_total)} ({n})") if n else ""
                there = f"{_pct(m, their_total)} ({m})" if m else ""
                body.append(f'<tr><th>{esc(label)}</th><td class="cell" data-theme="{attr(t)}" data-n="{n}">{here}</td>'
                            f'<td class="cell" data-n="{m}">{there}</td></tr>')  # fmt: skip
            out.append(
                f"<h3>{esc(title)}</h3>"
                f'<table class="heat"><thead><tr><th>theme</th><th class="num">{esc(c["council"])} '
                f"({mine_total} themed points)</th><th class=\"num\">its neighbours together ({their_total})</th></tr>"
                f"</thead><tbody>{''.join(body)}</tbody></table>"
            )
        if not out:
            return ""
        return ('<p class="explain">What inspectors ask this council to fix beside what they ask its neighbours: each '
                "theme's share of the points with a theme of the scheme.</p>" + "\n".join(out))  # fmt: skip


def render_html(data: ReportData, review: bool = False) -> str:
    """The report's main page (the national picture) as one HTML document."""
    return Report(data, review).national()


def render_pages(data: ReportData, review: bool = False, main_name: str = "report.html") -> dict[str, str]:
    """Every page of the report, by its path relative to the main page's folder."""
    return Report(data, review, main_name).pages()


def write_report(db_path: Path | str, out: Path, review: bool = True) -> list[Path]:
    """Collect, render and write the report's pages: the main page at `out`, points.html and councils/ beside
    it (council pages left from an earlier build are removed). With `review`, every document's review page
    (pipeline/analysis/review.py) is written into review/ beside it too; items link to their review pages whenever
    that folder is there. Returns the report's files, the main page first (not the review pages)."""
    if out.name == POINTS_PAGE:
        raise BadArguments(f"--out {out}: {POINTS_PAGE} is the name of the report's points page; choose another")
    data = collect(db_path)
    councils = out.parent / COUNCILS_DIR
    councils.mkdir(parents=True, exist_ok=True)
    if review:
        from pipeline.analysis.review import from_db, write_pages

        write_pages(from_db(db_path, [], every=True), out.parent / REVIEW_DIR)
    pages = render_pages(data, (out.parent / REVIEW_DIR).is_dir(), out.name)
    written = []
    for rel, text in pages.items():
        path = out.parent / rel
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in set(councils.glob("*.html")) - set(written):
        stale.unlink()
    return written


def build(db_path: Path | str, out: Path, review: bool = True) -> Path:
    """Write the report (write_report); returns its main page."""
    return write_report(db_path, out, review)[0]
