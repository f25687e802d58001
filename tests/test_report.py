"""The report: self-contained pages, figures that link to their rows, escaped document text; on the real
archive (../shared/real), every number it shows checked against the database, and the pages rendered and
clicked through in headless Chromium (Debian's chromium driven by the playwright package; skipped where
either is missing)."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import CliRunner

from pipeline.analysis import queries as Q
from pipeline.analysis.report import ReportData, build, collect, render_html, render_pages
from pipeline.analysis.report_html import RANK_KEYS, slug
from pipeline.analysis.review import page_name
from pipeline.cli import app
from pipeline.store.db import query
from tests.fixtures.archive import build_archive

runner = CliRunner()
ARTIFACTS = Path(__file__).parent.parent / "outputs" / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
COUNCIL = "Oldham"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("report") / "archive.duckdb")


@pytest.fixture(scope="module")
def report(archive, tmp_path_factory) -> Path:
    return build(archive, tmp_path_factory.mktemp("html") / "report.html")


def _self_contained(text: str) -> None:
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text), "no external resources"
    assert "<link" not in text and "@import" not in text and "<img" not in text
    assert not re.search(r"<script\b[^>]*\bsrc=", text), "only inline script"
    assert "script-src 'unsafe-inline'" in text and "default-src 'none'" in text
    assert not re.search(r"url\((?!#)", text)


def test_report_builds_quickly_and_is_self_contained(archive, tmp_path):
    started = time.perf_counter()
    out = build(archive, tmp_path / "r" / "report.html")
    assert time.perf_counter() - started < 10
    for page in (out, out.parent / "points.html"):
        _self_contained(page.read_text(encoding="utf-8"))
    assert (out.parent / "councils").is_dir() and not list((out.parent / "councils").iterdir())  # no council here


def test_documents_are_named_by_provider_kind_and_date_never_doc_n(report):
    text = report.read_text(encoding="utf-8")
    assert "Cafcass monitoring letter 10 Oct 2011" in text
    assert "Kelbrook Borough Council monitoring letter 5 Jun 2012" in text
    assert not re.search(r">doc-\d+<", text)
    assert 'href="file:///' in text  # documents link to their files


def test_other_providers_keep_their_follow_up_sections(report):
    text = report.read_text(encoding="utf-8")
    assert 'id="other"' in text
    assert "safeguarding checks with the police" in text  # an area followed without improvement
    assert '<span class="change improved">▲ improved</span> <span class="was">(was Inadequate)</span>' in text
    assert "A monthly audit of compliance with the safeguarding policy." in text  # provider's claim, diverging


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_document_text_is_escaped():
    data = ReportData("/db", "now")
    council = {
        "council_code": "E1", "council": HOSTILE, "la_code": None, "region": HOSTILE, "la_type": HOSTILE,
        "status": "current", "urn": None, "stat_neighbours": [], "operators": [HOSTILE], "predecessors": [HOSTILE],
        "n_documents": 1, "n_inspections": 1, "n_focused_visits": 0, "n_monitoring_visits": 0,
        "n_send_inspections": 0, "n_points": 1, "n_priority_actions": 0, "first_date": None, "last_date": None,
        "latest_document": HOSTILE, "latest_inspection": HOSTILE, "latest_inspection_date": None,
        "overall_grade": "good", "overall_rank": 2, "overall_date": None, "overall_document": HOSTILE,
        "overall_doc_id": "d1", "overall_previous_grade": None, "overall_change": "first",
    }  # fmt: skip
    point = {"council_code": "E1", "council": HOSTILE, "region": HOSTILE, "year": 2020, "label": HOSTILE,
             "doc_id": "d1", "item_kind": "area", "item_no": 1, "point_kind": HOSTILE, "text": HOSTILE,
             "framework_themes": [HOSTILE], "framework_theme_names": [HOSTILE], "ces_themes": [HOSTILE],
             "ces_theme_labels": [HOSTILE], "page": 1, "source_path": "/x/<b>.pdf", "category": "focused_visit",
             "file_name": HOSTILE}  # fmt: skip
    data.tables = {
        "councils": [council],
        "points": [point, {**point, "point_kind": "priority action"}],
        "documents": [{"doc_id": "d1", "label": HOSTILE, "file_name": HOSTILE, "council": HOSTILE, "kind": HOSTILE,
                       "source_path": "/x/<b>.txt"}],  # fmt: skip
        "timeline": [{"council_code": "E1", "event_no": 1, "date": None, "label": HOSTILE, "kind_label": HOSTILE,
                      "category": HOSTILE, "doc_id": "d1", "n_points": 1, "visit_focus": HOSTILE}],  # fmt: skip
        "visits": [{"council": HOSTILE, "region": HOSTILE, "year": 2020, "label": HOSTILE, "doc_id": "d1",
                    "visit_topics": [HOSTILE], "visit_focus": HOSTILE, "n_priority_actions": 1, "n_areas": 1}],
        "ces_themes": [{"theme": HOSTILE, "theme_label": HOSTILE}],
        "theme_counts": [{"scheme": "ces", "theme": HOSTILE, "year": 2020, "region": HOSTILE, "n": 1}],
        "theme_recurrence": [{"theme": HOSTILE}],
        "service_areas": [{"service_unit": HOSTILE, "n_visits": 1, "n_areas": 0, "n_areas_inadequate": 0}],
        "evidence_divergence": [{"document": HOSTILE, "area_text": HOSTILE, "provider_evidence": [HOSTILE],
                                 "inspector_evidence": []}],  # fmt: skip
    }
    pages = render_pages(data)
    assert set(pages) == {"report.html", "points.html", f"councils/{slug(HOSTILE)}.html"}
    for text in pages.values():
        assert "<img" not in text and "<b>" not in text and 'alert("x")' not in text
        assert "&lt;script&gt;" in text
        assert len(re.findall(r"<script\b", text)) == 1  # the page's own


def test_empty_database_renders_without_rows(tmp_path):
    from pipeline.store.db import Database

    db = tmp_path / "empty.duckdb"
    Database.open(db).close()
    text = render_html(collect(db))
    assert "No graded inspection." in text and "No document." in text
    assert text.count('class="council"') == 153  # the map still shows every council, in grey


def test_a_database_without_the_views_says_how_to_create_them(archive, tmp_path):
    from pipeline.errors import DataError
    from pipeline.store.db import Database

    old = tmp_path / "old.duckdb"
    shutil.copy(archive, old)
    with Database.open(old) as db:
        db._execute("DROP VIEW theme_recurrence")
    with pytest.raises(DataError, match="inspections ingest"):
        collect(old)


def test_cli_report(archive, tmp_path):
    out = tmp_path / "cli" / "report.html"
    result = runner.invoke(app, ["report", "--db", str(archive), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and (out.parent / "points.html").is_file() and "wrote" in result.stderr
    missing = runner.invoke(app, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(out)])
    assert missing.exit_code == 1 and "no database" in missing.stderr


def test_review_pages_are_written_beside_the_report_and_linked(archive, tmp_path):
    out = build(archive, tmp_path / "with-review" / "report.html")
    text = out.read_text(encoding="utf-8")
    doc_id = query(archive, "SELECT doc_id FROM documents WHERE name = '02_northfield_monitoring_2011.txt'").rows[0][0]
    name = page_name("02_northfield_monitoring_2011.txt", doc_id)
    assert (out.parent / "review" / name).is_file()
    assert f'<a class="review" href="review/{name}">review</a>' in text  # the document
    assert f'<a class="review" href="review/{name}#a2">review</a>' in text  # its diverging area 2
    without = build(archive, tmp_path / "without" / "report.html", review=False).read_text(encoding="utf-8")
    assert 'class="review"' not in without


# -- on the real archive: the numbers shown are the database's -------------------------------------------


@pytest.fixture(scope="module")
def real_report(real_db, tmp_path_factory) -> tuple[Path, float]:
    out = tmp_path_factory.mktemp("real-report") / "report.html"
    started = time.perf_counter()
    build(real_db, out)
    return out, time.perf_counter() - started


def _named(db: Path, name: str, **params: str) -> list[dict]:
    q = Q.catalogue()[name]
    return query(db, q.sql, q.bind(params)).as_dicts()


def _review_ids(page: Path) -> set[str]:
    """The item ids of a review page (its data, as tests/test_review.py reads them)."""
    text = page.read_text(encoding="utf-8")
    data = json.loads(text.split('id="review-data">', 1)[1].split("</script>", 1)[0])
    return {i["id"] for i in data["items"]} | {a for i in data["items"] for a in i.get("aliases", [])}


def _tree(path: Path) -> HTMLParser:
    return HTMLParser(path.read_text(encoding="utf-8"))


def test_real_report_builds_in_seconds_with_a_page_per_council(real_db, real_report):
    out, seconds = real_report
    assert seconds < 30, seconds
    councils = [r[0] for r in query(real_db, "SELECT DISTINCT council FROM council_documents").rows]
    assert len(councils) == 40
    assert sorted(p.name for p in (out.parent / "councils").iterdir()) == sorted(f"{slug(c)}.html" for c in councils)
    for page in (out, out.parent / "points.html", out.parent / "councils" / "oldham.html"):
        _self_contained(page.read_text(encoding="utf-8"))


def test_real_report_national_figures_equal_the_database(real_db, real_report):
    tree = _tree(real_report[0])
    cards = {c.attributes["data-card"]: int(c.attributes["data-n"]) for c in tree.css("div.card")}
    latest = _named(real_db, "latest_grades")
    grades = Counter(r["grade"] for r in latest)
    for key in RANK_KEYS.values():
        assert cards[key] == grades[key], key
    assert cards["councils"] == 40
    assert cards["improved"] == sum(r["change"] == "improved" for r in latest)
    assert cards["declined"] == sum(r["change"] == "declined" for r in latest)
    assert cards["points"] == len(_named(real_db, "improvement_points"))
    assert cards["visits"] == len(_named(real_db, "focused_visits"))
    # the map: every council, coloured by its latest overall grade
    rank = {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4}
    expected = {r["council_code"]: rank[r["grade"]] for r in
                query(real_db, "FROM latest_grades WHERE judgement = 'overall_effectiveness'").as_dicts()}  # fmt: skip
    shown = {p.attributes["data-code"]: int(p.attributes["data-rank"]) for p in tree.css("svg.map path.council")}
    assert len(shown) == 153
    assert {c: r for c, r in shown.items() if r} == expected
    # the bars: graded inspections by year and grade
    dist = [r for r in _named(real_db, "grade_distribution") if r["grouped_by"] == "year"]
    bars = {(int(b.attributes["data-cat"]), int(b.attributes["data-rank"])): int(b.attributes["data-n"])
            for b in tree.css("#distribution rect")}  # fmt: skip
    want = {}
    for r in dist:
        for i, key in RANK_KEYS.items():
            if r[f"n_{key}"]:
                want[(r["year"], i)] = r[f"n_{key}"]
    assert bars == want
    # the regions table
    regions = {r["region"]: r for r in _named(real_db, "region_summary")}
    for row in tree.css("#regions-now tbody tr"):
        region = regions[row.attributes["data-region"]]
        for cell in row.css("td"):
            assert int(cell.attributes["data-n"]) == region[cell.attributes["data-key"]]
    # the councils table: one row per council with documents, its latest overall grade
    table = tree.css_first("table#councils")
    rows = table.css("tbody tr")
    assert len(rows) == 40
    overall = {r["council"]: r["grade"] for r in latest}
    for row in rows:
        cells = row.css("td")
        assert cells[2].attributes["data-f"] == overall[cells[0].text(strip=True)]


def test_real_report_theme_figures_equal_the_database(real_db, real_report):
    tree = _tree(real_report[0])
    by_year = {(r["theme"], str(r["year"])): r["n_points"] for r in _named(real_db, "themes_by_year", region="England")}
    cells = {(c.attributes["data-theme"], c.attributes["data-year"]): int(c.attributes["data-n"])
             for c in tree.css("#themes-year td[data-theme]")}  # fmt: skip
    assert cells == by_year and cells
    ces = {(r["theme"], str(r["year"])): r["n_points"] for r in _named(real_db, "themes_by_year", scheme="ces",
                                                                       region="England")}  # fmt: skip
    for c in tree.css("#ces-year td[data-theme]"):
        assert int(c.attributes["data-n"]) == ces[(c.attributes["data-theme"], c.attributes["data-year"])]
    points = _tree(real_report[0].parent / "points.html").css("table#points tbody tr")
    assert len(points) == len(_named(real_db, "improvement_points"))


def test_real_report_council_page_equals_the_database(real_db, real_report):
    tree = _tree(real_report[0].parent / "councils" / f"{slug(COUNCIL)}.html")
    timeline = _named(real_db, "council_timeline", council=COUNCIL)
    rows = tree.css("table#timeline tbody tr")
    assert [r.attributes["id"] for r in rows] == [f"e{t['event_no']}" for t in timeline]
    assert [r.css("td")[4].css_first("a").text() for r in rows] == [t["document"] for t in timeline]
    latest = {r["judgement"]: r["grade"] for r in _named(real_db, "latest_grades", council=COUNCIL, judgement="%")}
    shown = [r.css("td")[1].attributes["data-f"] for r in tree.css("table#latest tbody tr")]
    assert sorted(shown) == sorted(latest.values())
    points = _named(real_db, "improvement_points", council=COUNCIL)
    assert len(tree.css("table#points tbody tr")) == len(points)
    neighbours = _named(real_db, "statistical_neighbours", council=COUNCIL)
    names = [r.css("td")[1].text(strip=True) for r in tree.css("table#neighbours tbody tr")]
    assert names == [n["neighbour"] for n in neighbours]
    links = [a.attributes["href"] for a in tree.css("table#points a") if a.attributes["href"].startswith("file://")]
    assert len(links) == len(points) and all("#page=" in h for h in links)  # each point: its page of the PDF
    reviews = [a.attributes["href"] for a in tree.css("table#points a.review")]
    assert len(reviews) == len(points)  # and its item in its document's review page
    for href in reviews:
        page, anchor = href.removeprefix("../review/").split("#")
        target = real_report[0].parent / "review" / page.replace("%27", "'")
        assert re.fullmatch(r"[ar]\d+", anchor) and anchor in _review_ids(target)


# -- in a real browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    if not Path(CHROMIUM).is_file():
        pytest.skip("chromium not installed: apt-get install chromium")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url: str, height: int = 2000):
    page = browser.new_page(viewport={"width": 1280, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else errors.append(f"request {r.url}"))
    page.goto(url)
    page.wait_for_selector("html[data-ready]")
    return page, errors


def _shown(page, table: str) -> int:
    return int(page.get_attribute(f"table#{table}", "data-shown"))


def test_fixture_report_renders_and_filters_in_chromium(browser, report):
    page, errors = _open(browser, report.resolve().as_uri())
    assert page.locator("h1").inner_text() == "Inspections of councils' children's services"
    page.fill(".tools:has(+ .wrap > #documents) input", "Cafcass")
    assert _shown(page, "documents") == 3
    assert not errors, errors
    page.close()


def test_real_report_in_chromium_figures_link_to_their_rows(browser, real_db, real_report):
    out = real_report[0]
    page, errors = _open(browser, out.resolve().as_uri())
    # a bar of the distribution opens the inspections table filtered to exactly its inspections
    bar = page.locator("#distribution rect").first
    n = int(bar.get_attribute("data-n"))
    bar.click()
    page.wait_for_function(f"document.querySelector('table#inspections').getAttribute('data-shown') == '{n}'")
    assert _shown(page, "inspections") == n
    # a legend entry filters the councils table to the councils of that grade
    page.goto(out.resolve().as_uri() + "#councils?overall=inadequate")
    page.wait_for_function("document.querySelector('table#councils').getAttribute('data-shown') !== '40'")
    assert _shown(page, "councils") == len(_named(real_db, "latest_grades", grade="inadequate"))
    # sorting by a heading reorders the rows
    page.goto(out.resolve().as_uri() + "#councils")
    page.locator("table#councils th[data-key=council]").click()
    page.locator("table#councils th[data-key=council]").click()
    first = page.locator("table#councils tbody tr").first.locator("td").first.inner_text()
    assert first == max(r["council"] for r in _named(real_db, "latest_grades"))
    # a theme cell opens the points page filtered to its points
    cell = page.locator("#themes-year td[data-theme]").first
    n = int(cell.get_attribute("data-n"))
    cell.locator("a").click()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_function(f"document.querySelector('table#points').getAttribute('data-shown') == '{n}'")
    assert "points.html" in page.url
    assert not errors, errors
    page.close()


def test_real_report_screenshots(browser, real_report):
    out = real_report[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for url, name in ((out.resolve().as_uri(), "report-national.png"),
                      ((out.parent / "councils" / f"{slug(COUNCIL)}.html").resolve().as_uri(),
                       f"report-council-{slug(COUNCIL)}.png")):  # fmt: skip
        page, errors = _open(browser, url)
        png = ARTIFACTS / name
        page.screenshot(path=str(png))
        assert not errors, errors
        assert png.stat().st_size > 50_000  # a blank 1280x2000 page compresses to a few KB
        page.close()
