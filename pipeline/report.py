"""The trends report: one self-contained HTML file (inline CSS and SVG charts, no script, no network).

`collect` reads the figures from the analysis views (pipeline/sql/report/*.sql and two named
queries) on a read-only connection; `render_html` turns them into HTML (pure; every value from a
document goes through html.escape, since document text is hostile input); `charts` draws SVGs with
matplotlib. Every figure lists its sources: document, page and the rule that read each item, linked
to the documents table at the end, which links to the files themselves.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipeline import db as D
from pipeline import queries as Q
from pipeline.errors import BadQuery, DataError

REPORT_SQL_DIR = Path(__file__).parent / "sql" / "report"
REPORT_QUERIES = (
    "headline", "judgements_by_year", "judgement_sources", "theme_recurrence", "theme_sources", "progress_by_theme",
    "progress_sources", "service_areas", "documents",
)  # fmt: skip
NAMED = ("areas_without_improvement", "evidence_divergence")
# Grade ranks as the charts show them (pipeline/sql/views/001_grade_scale.sql).
RANK_LABELS = {1: "Outstanding", 2: "Good", 3: "Requires improvement / adequate / satisfactory", 4: "Inadequate"}
RANK_COLOURS = {1: "#1b7837", 2: "#7fbf7b", 3: "#f1a340", 4: "#c51b1b"}
TOP_THEMES = 12

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


# -- charts (matplotlib -> inline SVG) ------------------------------------------------------------


def _svg(fig: Any, name: str) -> str:
    """The figure as an inline <svg> element (XML prolog and DOCTYPE dropped)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    start = text.find("<svg")
    return re.sub(r"^<svg ", f'<svg role="img" aria-label="{html.escape(name)}" ', text[start:], count=1)


def _figure(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _style(name: str) -> dict[str, Any]:
    # text as text (small, selectable); a salt per chart keeps element ids unique in one page;
    # no mathtext, so a '$' in a document's name is just a dollar sign.
    return {"svg.fonttype": "none", "svg.hashsalt": name, "text.parse_math": False, "font.size": 9}


def _short(label: str, n: int = 48) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def chart_judgements_over_time(rows: Rows) -> str | None:
    """Stacked bars: judgements per year by grade rank."""
    if not rows:
        return None
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    years = sorted({r["year"] for r in rows})
    counts = {(r["year"], r["grade_rank"]): r["n"] for r in rows}
    with matplotlib.rc_context(_style("judgements")):
        fig, ax = _figure(8, 3.4)
        bottom = [0] * len(years)
        for rank, label in RANK_LABELS.items():
            values = [counts.get((y, rank), 0) for y in years]
            ax.bar([str(y) for y in years], values, bottom=bottom, label=label, color=RANK_COLOURS[rank])
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("judgements")
        ax.set_xlabel("year of document")
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, "Judgements over time by grade")


def chart_theme_recurrence(rows: Rows) -> str | None:
    """Horizontal bars: documents and service areas each theme recurs in (top themes)."""
    if not rows:
        return None
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    top = rows[:TOP_THEMES][::-1]
    labels = [_short(r["theme_label"]) for r in top]
    y = list(range(len(top)))
    with matplotlib.rc_context(_style("themes")):
        fig, ax = _figure(8, 0.35 * len(top) + 1.2)
        ax.barh([i + 0.2 for i in y], [r["n_documents"] for r in top], height=0.4, label="documents", color="#3b6ea5")
        ax.barh([i - 0.2 for i in y], [r["n_service_areas"] for r in top], height=0.4, label="service areas",
                color="#9ecae1")  # fmt: skip
        ax.set_yticks(y, labels)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("count")
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, "Theme recurrence")


def chart_progress_by_theme(rows: Rows) -> str | None:
    """Stacked horizontal bars: judged areas per theme by progress judgement."""
    if not rows:
        return None
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    totals: dict[str, int] = {}
    for r in rows:
        totals[r["theme_label"]] = totals.get(r["theme_label"], 0) + r["n"]
    themes = sorted(totals, key=lambda t: (-totals[t], t))[:TOP_THEMES][::-1]
    counts = {(r["theme_label"], r["grade_rank"]): r["n"] for r in rows}
    with matplotlib.rc_context(_style("progress")):
        fig, ax = _figure(8, 0.35 * len(themes) + 1.2)
        left = [0] * len(themes)
        for rank, label in RANK_LABELS.items():
            values = [counts.get((t, rank), 0) for t in themes]
            ax.barh([_short(t) for t in themes], values, left=left, label=label, color=RANK_COLOURS[rank])
            left = [a + v for a, v in zip(left, values, strict=True)]
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("areas for improvement with a progress judgement")
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, "Progress by theme")


# -- HTML -------------------------------------------------------------------------------------------


def esc(value: Any) -> str:
    """Any value as escaped HTML text ('' for None; lists joined)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return html.escape("; ".join("" if v is None else str(v) for v in value))
    return html.escape(str(value))


def cell(value: Any) -> str:
    """A table cell's HTML: a list as bullet items, anything else as escaped text."""
    if isinstance(value, list | tuple) and value:
        return "<ul>" + "".join(f"<li>{esc(v)}</li>" for v in value) + "</ul>"
    return esc(value)


def table(
    columns: Sequence[tuple[str, str]], rows: Iterable[Mapping[str, Any]], cells: Mapping[str, Any] | None = None
) -> str:
    """An HTML table: columns as (key, heading); `cells` may give a key a function row -> HTML."""
    cells = cells or {}
    head = "".join(f"<th>{esc(h)}</th>" for _, h in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cells[k](r) if k in cells else cell(r.get(k))}</td>" for k, _ in columns) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def percent(key: str) -> Any:
    """A cell function showing a 0..1 share as a whole percentage ('' when NULL)."""
    return lambda row: "" if row.get(key) is None else f"{100 * row[key]:.0f}%"


def grade_cell(key: str) -> Any:
    """A cell function showing a grade in words ('requires_improvement' -> 'requires improvement')."""
    return lambda row: esc(row.get(key)).replace("_", " ")


class DocRefs:
    """Anchors for documents: every source row links to its entry in the documents table and, where
    review pages were written beside the report (`review_dir`), to the item in its review page."""

    def __init__(self, documents: Rows, review_dir: str | None = None) -> None:
        self.anchor = {d["doc_id"]: f"doc-{i}" for i, d in enumerate(documents, start=1)}
        self.review_dir = review_dir

    def review(self, row: Mapping[str, Any], text: str = "in its text") -> str:
        """A link to the row's item (or document) in its review page ('' without review pages)."""
        target = row.get("review") or row.get("review_page")
        if not self.review_dir or not target:
            return ""
        href = html.escape(f"{self.review_dir}/{quote(target, safe='#')}", quote=True)
        return f' <a class="review" href="{href}">{esc(text)}</a>'

    def link(self, row: Mapping[str, Any]) -> str:
        name = esc(row.get("document"))
        anchor = self.anchor.get(row.get("doc_id"))
        page = f" p.{esc(row['page'])}" if row.get("page") is not None else ""
        return (f'<a href="#{anchor}">{name}</a>' if anchor else name) + page + self.review(row)


def file_link(row: Mapping[str, Any]) -> str:
    """A link to the document's file (file:// URI; followed only when the reader clicks it)."""
    path = row.get("source_path")
    if not path:
        return ""
    uri = Path(path).as_uri()
    return f'<a class="file" href="{html.escape(uri, quote=True)}">{esc(path)}</a>'


def sources(title: str, columns: Sequence[tuple[str, str]], rows: Rows, refs: DocRefs) -> str:
    """A collapsible Sources list under a figure."""
    cols = [("document", "document, page"), *columns]
    return (
        f'<details class="sources"><summary>Sources: {len(rows)} {esc(title)}</summary>'
        + table(cols, rows, {"document": refs.link})
        + "</details>"
    )


def _figure_block(svg: str | None, empty: str) -> str:
    return f'<div class="chart">{svg}</div>' if svg else f'<p class="empty">{esc(empty)}</p>'


def _headline(h: Mapping[str, Any]) -> str:
    judged = h.get("n_areas_judged") or 0
    share = f"{100 * (h.get('n_areas_inadequate') or 0) / judged:.0f}%" if judged else "–"
    first, last = h.get("first_date"), h.get("last_date")
    span = f"{first.year}–{last.year}" if first and last else "–"
    cards = [
        ("documents", esc(h.get("n_documents", 0)), f"{esc(h.get('n_undated', 0))} undated"),
        ("providers", esc(h.get("n_providers", 0)), f"{esc(h.get('n_service_areas', 0))} service areas"),
        ("years", esc(span), f"{esc(first)} to {esc(last)}" if first else "no dated document"),
        ("areas for improvement", esc(h.get("n_areas", 0)), f"{esc(judged)} with a progress judgement"),
        ("judged inadequate", share, f"{esc(h.get('n_areas_inadequate', 0))} of the judged areas"),
        ("judgements", esc(h.get("n_judgements", 0)), f"{esc(h.get('n_recommendations', 0))} recommendations"),
        ("themes", esc(h.get("n_themes", 0)), "of the evaluation schedule"),
        ("areas followed up", esc(h.get("n_area_links", 0)), "linked to an earlier visit"),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="label">{label}</div><div class="value">{value}</div>'
        f'<div class="note">{note}</div></div>'
        for label, value, note in cards
    ) + "</div>"  # fmt: skip


CSS = """
body{font:15px/1.45 system-ui,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
main{max-width:1180px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta,.note,.empty,.explain{color:#57606a;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 12px}
.card .label{font-size:12px;text-transform:uppercase;color:#57606a}.card .value{font-size:24px;font-weight:600}
.chart svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f6f8fa}
.file{font-size:11px;word-break:break-all}a.review{font-size:11px;white-space:nowrap}
td ul{margin:0;padding-left:16px}
details.sources{margin:6px 0 12px}details.sources summary{cursor:pointer;color:#0969da}
.change-improved{color:#1b7837;font-weight:600}.change-declined{color:#c51b1b;font-weight:600}
"""


def _service_areas(rows: Rows, refs: DocRefs) -> str:
    def change(r: Mapping[str, Any]) -> str:
        c = r.get("change")
        prev = f" (was {esc(r.get('previous_grade'))})" if r.get("previous_grade") else ""
        return f'<span class="change-{esc(c)}">{esc(c)}</span>{prev}' if c else ""

    def docs(r: Mapping[str, Any]) -> str:
        ids = r.get("doc_ids") or []
        return ", ".join(f'<a href="#{refs.anchor[i]}">{refs.anchor[i]}</a>' for i in sorted(ids) if i in refs.anchor)

    cols = [
        ("service_unit", "service area"), ("n_visits", "visits"), ("first_date", "first"), ("last_date", "latest"),
        ("latest_grade", "latest overall grade"), ("latest_kind", "of"), ("change", "since previous"),
        ("n_areas", "areas"), ("n_areas_judged", "judged"), ("n_areas_inadequate", "inadequate"),
        ("doc_ids", "documents"),
    ]  # fmt: skip
    cells = {"change": change, "doc_ids": docs, "latest_grade": grade_cell("latest_grade")}
    return table(cols, rows, cells)


def render_html(data: ReportData, review_dir: str | None = None) -> str:
    """The whole report as one HTML document (charts inline, no script, no external resources).

    With `review_dir` (a folder relative to the report holding the documents' review pages), every
    source row and document links to its item in its review page."""
    refs = DocRefs(data["documents"], review_dir)
    headline = (data["headline"] or [{}])[0]
    themes = data["theme_recurrence"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No script, no fetches: only inline styles and images.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">',
        "<title>Inspection trends report</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<h1>Inspection trends</h1>",
        f'<p class="meta">Built {esc(data.generated_at)} from {esc(data.db_path)}. Every ingested file content '
        "counts as one document (renditions of one document in several formats count separately). Grades are "
        "compared on one scale: outstanding 1, good 2, requires improvement / adequate / satisfactory 3, "
        "inadequate 4.</p>",
        (
            f"<p class=\"meta\">Each source's <em>in its text</em> link opens its document's review page "
            f"({esc(review_dir)}/): the item highlighted in the document's text, to check and correct.</p>"
            if review_dir
            else ""
        ),
        '<h2 id="headline">Headline figures</h2>',
        _headline(headline),
        '<p class="note">Sources: the <a href="#documents">documents table</a>.</p>',
        '<h2 id="judgements">Judgements over time</h2>',
        '<p class="explain">Every graded judgement in dated documents, by the year of the document and grade.</p>',
        _figure_block(chart_judgements_over_time(data["judgements_by_year"]), "No graded judgement is dated."),
        sources(
            "judgements",
            [("year", "year"), ("subject", "subject"), ("grade", "grade"), ("rule", "rule")],
            data["judgement_sources"],
            refs,
        ),  # fmt: skip
        '<h2 id="themes">Theme recurrence</h2>',
        f'<p class="explain">The {TOP_THEMES} themes found in most documents: how many documents and service areas '
        "each appears in.</p>",
        _figure_block(chart_theme_recurrence(themes), "No themes tagged."),
        table(
            [
                ("theme_label", "theme"),
                ("n_documents", "documents"),
                ("n_service_areas", "service areas"),
                ("n_years", "years"),
                ("first_year", "first"),
                ("last_year", "last"),
                ("n_areas", "areas"),
                ("n_recommendations", "recommendations"),
                ("n_areas_judged", "judged"),
                ("share_inadequate", "share inadequate"),
            ],
            themes,
            {"share_inadequate": percent("share_inadequate")},
        ),  # fmt: skip
        sources(
            "tagged items",
            [
                ("item_kind", "item"),
                ("item_no", "no."),
                ("theme_label", "theme"),
                ("matched_terms", "matched terms"),
                ("rule", "rule"),
            ],
            data["theme_sources"],
            refs,
        ),  # fmt: skip
        '<h2 id="progress">Progress by theme</h2>',
        '<p class="explain">Areas for improvement with a progress judgement, by theme and judgement.</p>',
        _figure_block(chart_progress_by_theme(data["progress_by_theme"]), "No area has a progress judgement."),
        sources(
            "judged areas",
            [("area_no", "area"), ("judgement", "judgement"), ("themes", "themes"), ("rule", "rule")],
            data["progress_sources"],
            refs,
        ),  # fmt: skip
        '<h2 id="service-areas">Service areas</h2>',
        '<p class="explain">Each service area (a provider\'s service area, or the provider itself) with dated '
        "documents: visits, the latest overall grade and its change since the previous grade of the same kind.</p>",
        _service_areas(data["service_areas"], refs),
        '<h2 id="lineage">Areas without improvement across visits</h2>',
        '<p class="explain">Areas followed from one visit to the next (area lineage) whose latest progress judgement '
        "is inadequate or requires improvement, or no better than the first.</p>",
        table(
            [
                ("service_area", "service area"),
                ("n_visits", "visits"),
                ("latest_judgement", "latest judgement"),
                ("raised_again", "raised again"),
                ("judgements", "judgements"),
                ("documents", "documents"),
                ("latest_text", "area"),
            ],
            data["areas_without_improvement"],
        )
        if data["areas_without_improvement"]
        else '<p class="empty">No followed area without improvement.</p>',
        '<h2 id="divergence">Provider evidence vs inspectors\' findings</h2>',
        '<p class="explain">Areas where the provider put forward evidence of progress but inspectors judged progress '
        "inadequate or requiring improvement.</p>",
        table(
            [
                ("service_area", "service area"),
                ("document", "document, page"),
                ("area_no", "area"),
                ("judgement", "judgement"),
                ("area_text", "area"),
                ("provider_evidence", "provider's evidence"),
                ("inspector_evidence", "inspectors' findings"),
            ],
            data["evidence_divergence"],
            {"document": refs.link, "judgement": grade_cell("judgement")},
        )
        if data["evidence_divergence"]
        else '<p class="empty">No diverging area.</p>',
        '<h2 id="documents">Documents</h2>',
        table(
            [
                ("ref", "ref"),
                ("document", "document"),
                ("doc_type", "type"),
                ("date", "date"),
                ("provider", "provider"),
                ("service_area", "service area"),
                ("page_count", "pages"),
                ("source_path", "file"),
            ],
            data["documents"],
            {
                "ref": lambda r: f'<span id="{refs.anchor[r["doc_id"]]}">{refs.anchor[r["doc_id"]]}</span>',
                "source_path": lambda r: file_link(r) + refs.review(r, "review page"),
            },
        ),  # fmt: skip
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


REVIEW_DIR = "review"  # the review pages' folder beside the report


def build(db_path: Path | str, out: Path, review: bool = True) -> Path:
    """Collect, render and write the report; returns the file written. With `review`, also write every
    document's review page (pipeline/review.py) into review/ beside it, which the report links to."""
    data = collect(db_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if review:
        from pipeline.review import from_db, write_pages

        write_pages(from_db(db_path, [], every=True), out.parent / REVIEW_DIR)
    out.write_text(render_html(data, REVIEW_DIR if review else None), encoding="utf-8")
    return out
